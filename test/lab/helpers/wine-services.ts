// Windows services under Wine in the lab: a host's own Wine prefix (its wineserver, and so Wine's service
// manager services.exe, in the host's namespace) whose sc.exe installs, starts, queries and stops our
// daemons. A service's node.exe is found by its command line in /proc (Wine shows the Windows one there).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WinePrefix, WineRun } from '../../../scripts/windows/wine';

export interface ServiceQuery {
  /** STOPPED, START_PENDING, STOP_PENDING, RUNNING... */
  state: string;
  win32ExitCode: number;
  serviceExitCode: number;
  text: string;
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

  /** `sc query name`, or undefined when there is no such service. */
  async query(name: string): Promise<ServiceQuery | undefined> {
    let run = await this.sc('query', name);
    // Wine now and then fails to start sc itself ("ShellExecuteEx failed: Internal error"): ask again.
    for (let tries = 0; tries < 3 && /ShellExecuteEx failed/.test(run.stdout + run.stderr); tries++) run = await this.sc('query', name);
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

/** Resolves once process `pid` is gone; rejects after timeoutMs. */
export async function waitGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (existsSync(`/proc/${pid}`)) {
    if (Date.now() > end) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
