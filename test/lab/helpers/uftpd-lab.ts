// What the uftpd lab tests share: the real uftp run with a chosen interface and working directory, the
// check that its report says a client completed, the -F status lines of a client, and the lab of the
// hostile-input tests.
import { readFile } from 'node:fs/promises';
import type { ExecResult, LabProcess } from '../../../scripts/lab';
import { FAST_SERVER, type AnyHost, type ProxyTestLab } from './proxy-lab';
import { uftpCommand, type ServerImpl } from '../../../scripts/bench/uftp-command';

export interface SendOptions {
  from?: AnyHost;
  /** uftp's -I: by default the host's interface (an IPv6 address for IPv6 groups). */
  iface?: string;
  /** Where uftp runs (it writes its -f restart file there). */
  cwd?: string;
  timeoutMs?: number;
  /** The real uftp (default) or ours. */
  server?: ServerImpl;
}

/** Runs the real uftp to its end with the lab's fast timing; `log` is all it printed. */
export async function sendFiles(t: ProxyTestLab, args: string[], files: string[], opts: SendOptions = {}): Promise<ExecResult & { log: string }> {
  const from = opts.from ?? 'server';
  const [cmd, ...pre] = uftpCommand(opts.server ?? 'real');
  const argv = [...pre, '-I', opts.iface ?? t.ifname(from), ...FAST_SERVER, ...args, ...files];
  const run = await t.host(from).exec(cmd, argv, { timeoutMs: opts.timeoutMs ?? 90_000, cwd: opts.cwd });
  return { ...run, log: run.stdout + run.stderr };
}

/** Starts the real uftp without waiting for it (stopped with the rest after the test). */
export function sendInBackground(t: ProxyTestLab, args: string[], files: string[], opts: SendOptions = {}): LabProcess {
  const from = opts.from ?? 'server';
  const [cmd, ...pre] = uftpCommand(opts.server ?? 'real');
  const argv = [...pre, '-I', opts.iface ?? t.ifname(from), ...FAST_SERVER, ...args, ...files];
  return t.spawn(from, cmd, argv, { cwd: opts.cwd });
}

/**
 * The status the real uftp reports for a client at the end of each file, in order: "Completed",
 * "Completed(overwritten)", "Skipped", "Aborted", ...
 */
export function hostStatuses(log: string, uid: string): string[] {
  return [...log.matchAll(new RegExp(`Host: ${uid}\\s+Status: (\\S+)`, 'gi'))].map((m) => m[1]);
}

/** Asserts that the real uftp's report says the client completed (and never anything else). */
export function expectCompleted(log: string, uid: string): void {
  expect(log).toMatch(new RegExp(`Host: ${uid}\\s+Status: Completed`, 'i'));
}

/** The -F status file's RESULT lines as `name -> status`, in order. */
export async function resultStatuses(statusFile: string): Promise<Array<[string, string]>> {
  const text = await readFile(statusFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.startsWith('RESULT;'))
    .map((l) => {
      const f = l.split(';');
      return [f[4], f[f.length - 1]] as [string, string];
    });
}

/** One segment: a server, our client (near), and a host that sends it hostile datagrams. */
export const ATTACKED_LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, attacker: { segments: ['a'] } },
};

/** Whether the process is still running (it has not exited within 100 ms). */
export async function running(proc: LabProcess): Promise<boolean> {
  const ended = proc.exited.then(() => false);
  return Promise.race([ended, new Promise<boolean>((r) => setTimeout(() => r(true), 100))]);
}

/** The client's log so far (uftpd -d logs to stderr). */
export function logOf(proc: LabProcess): string {
  return proc.stdout() + proc.stderr();
}
