// Windows services under Wine in the lab: a host's own Wine prefix (its wineserver, and so Wine's service
// manager services.exe, in the host's namespace) whose sc.exe installs, starts, queries and stops our
// daemons; service-control.c (built here with mingw-w64) watches a start closely and sends INTERROGATE,
// which Wine's sc.exe cannot. A service's node.exe is found by its command line in /proc (Wine shows the
// Windows one there).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../../../scripts/lab';
import type { WinePrefix, WineRun } from '../../../scripts/windows/wine';

/** A service's status as the SCM reports it to a program (service-control.c's "end" line). */
export interface ServiceStatus {
  /** STOPPED, START_PENDING, STOP_PENDING, RUNNING... */
  state: string;
  win32ExitCode: number;
  serviceExitCode: number;
  /** SERVICE_ACCEPT_* bits: 1 STOP, 4 SHUTDOWN. */
  controlsAccepted: number;
}

/** What `sc query` shows (it does not name the controls accepted), and its text. */
export interface ServiceQuery extends Omit<ServiceStatus, 'controlsAccepted'> {
  text: string;
}

const MINGW_CC = 'x86_64-w64-mingw32-gcc-posix';

/** Why service-control.c cannot be built here, or undefined when it can. */
export function serviceControlUnbuildable(): string | undefined {
  const probe = spawnSync(MINGW_CC, ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? undefined : `${MINGW_CC} is missing (apt-get install g++-mingw-w64-x86-64-posix)`;
}

/** Builds service-control.c into `dir`; returns the .exe's path. */
export function buildServiceControl(dir: string): string {
  const exe = path.join(dir, 'service-control.exe');
  const source = path.join(__dirname, 'service-control.c');
  execFileSync(MINGW_CC, ['-O2', '-Wall', '-Wextra', '-Werror', '-municode', '-o', exe, source, '-ladvapi32'], { stdio: 'pipe' });
  return exe;
}

function parseStatus(line: string): ServiceStatus {
  const [state, win32, specific, controls] = line.split(' ').slice(1);
  return { state, win32ExitCode: Number(win32), serviceExitCode: Number(specific), controlsAccepted: Number(controls) };
}

/** A Unix path as Wine's drive Z: shows it to Windows programs. */
export function windowsPath(unixPath: string): string {
  return `Z:${unixPath.replace(/\//g, '\\')}`;
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`^\\s*${name}\\s*:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1];
}

export class WineServices {
  constructor(
    readonly prefix: WinePrefix,
    /** The staged copy of the programs (scripts/windows/stage.ts). */
    readonly app: string,
    /** service-control.exe (buildServiceControl). */
    private readonly control: string,
  ) {}

  bin(program: 'uftpd' | 'uftpproxyd'): string {
    return path.join(this.app, 'bin', program);
  }

  /** `program --install-service name args...` run by node.exe in the prefix. */
  install(program: 'uftpd' | 'uftpproxyd', name: string, args: string[]): Promise<WineRun> {
    return this.prefix.runNode([this.bin(program), '--install-service', name, ...args]);
  }

  remove(program: 'uftpd' | 'uftpproxyd', name: string): Promise<WineRun> {
    return this.prefix.runNode([this.bin(program), '--remove-service', name]);
  }

  /** Wine's sc.exe; its failures ("failed to open service 1060") are error messages of its debug channel. */
  sc(...args: string[]): Promise<WineRun> {
    return this.prefix.runWine('sc', args, 60_000, { WINEDEBUG: '-all,err+sc' });
  }

  /**
   * Starts service `name` and watches it from the SCM's side (every 2 ms) until it is RUNNING or STOPPED:
   * every state it went through, in order, and its status then.
   */
  async start(name: string, timeoutMs = 90_000): Promise<{ states: string[]; end: ServiceStatus }> {
    const lines = await this.runControl(['start', name, String(timeoutMs)], timeoutMs + 30_000);
    return { states: lines.slice(0, -1), end: parseStatus(lines[lines.length - 1]) };
  }

  /**
   * ControlService(INTERROGATE), which reaches the service's control handler: the status the SCM returns once
   * the handler is done (Wine's SCM drops the handler's own return code).
   */
  async interrogate(name: string): Promise<ServiceStatus> {
    const lines = await this.runControl(['interrogate', name], 60_000);
    return parseStatus(lines[lines.length - 1]);
  }

  private async runControl(args: string[], timeoutMs: number): Promise<string[]> {
    const run = await this.prefix.runWine(this.control, args, timeoutMs);
    const lines = run.stdout.trim().split(/\r?\n/);
    if (run.code !== 0 || !lines[lines.length - 1].startsWith('end ')) {
      throw new Error(`service-control ${args.join(' ')} failed (exit ${run.code}):\n${run.stdout}${run.stderr}`);
    }
    return lines;
  }

  /** `sc query name`, or undefined when there is no such service. */
  async query(name: string): Promise<ServiceQuery | undefined> {
    const run = await this.sc('query', name);
    const state = field(run.stdout, 'STATE');
    if (state === undefined) {
      if (/failed to open service 1060\b/.test(run.stdout + run.stderr)) return undefined;
      throw new Error(`sc query ${name} gave no state (exit ${run.code}):\n${run.stdout}${run.stderr}`);
    }
    const code = (f: string) => Number(field(run.stdout, f)?.split(/\s+/)[0]);
    return { state: state.split(/\s+/)[1], win32ExitCode: code('WIN32_EXIT_CODE'), serviceExitCode: code('SERVICE_EXIT_CODE'), text: run.stdout };
  }

  /** Polls `sc query` until the service is in `state`. */
  async waitFor(name: string, state: string, timeoutMs = 90_000): Promise<ServiceQuery> {
    const end = Date.now() + timeoutMs;
    let last: ServiceQuery | undefined;
    for (;;) {
      last = await this.query(name);
      if (last?.state === state) return last;
      if (Date.now() > end) throw new Error(`service ${name} not ${state} within ${timeoutMs} ms; last:\n${last?.text ?? 'no such service'}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Polls `sc query` until the service is gone (the SCM deletes a service marked for deletion once nothing holds it). */
  async waitRemoved(name: string, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while ((await this.query(name)) !== undefined) {
      if (Date.now() > end) throw new Error(`service ${name} still there ${timeoutMs} ms after its removal`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The pid of the node.exe running service `name` from this staged copy, or undefined. */
  servicePid(name: string): number | undefined {
    const marker = `--service ${name}`;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue; // gone meanwhile
      }
      if (cmdline.includes(marker) && cmdline.includes(path.basename(this.app))) return Number(entry);
    }
    return undefined;
  }
}

/** Resolves once process `pid` has ended (a zombie has: Wine's processes are orphans, reaped late); rejects after timeoutMs. */
export async function waitGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > end) throw new Error(`process ${pid} still runs after ${timeoutMs} ms: ${threadStates(pid)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What each thread of `pid` is doing (state and kernel wait channel), for a process that will not end. */
function threadStates(pid: number): string {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map((tid) => {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const comm = /\((.*)\) (\S)/s.exec(stat);
        return `${tid} ${comm?.[1]} ${comm?.[2]} ${readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8')}`;
      })
      .join('; ');
  } catch (err) {
    return (err as Error).message; // gone meanwhile
  }
}

/** Fails with the run's whole output unless it exited 0 (a bare exit code says nothing of why under Wine). */
export function expectSucceeded(run: WineRun): void {
  expect({ code: run.code, signal: run.signal, output: run.code === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({ code: 0, signal: null, output: '' });
}
