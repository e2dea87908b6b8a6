// Running either uftp to its end inside a lab host, measured from outside: its log, exit status and wall
// time, its CPU seconds and peak RSS (GNU time reads them from wait4's rusage, so they are the server's
// own, startup included, whichever program it is), and the socket buffers the kernel granted it (ss -m,
// read while it runs). Shared by bench:server, bench:chain and bench:register.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LabHost } from '../lab';
import type { ProcessUsage } from './measure';
import { uftpCommand, type ServerImpl } from './uftp-command';

/** GNU time: it runs the server as its child and writes the child's rusage to a file of its own. */
export const TIME = '/usr/bin/time';
const BUFFER_POLL_MS = 50;

/** Why this machine cannot measure a server run, or undefined when it can. */
export function uftpRunUnavailable(): string | undefined {
  if (!existsSync(TIME)) return `${TIME} is missing (Debian package "time"): it measures the server's CPU and peak RSS`;
  if (!existsSync('/usr/bin/uftp')) return '/usr/bin/uftp is missing (Debian package "uftp"): it is the real server to compare with';
  return undefined;
}

/** What the kernel granted a socket, halved as -B counts (Linux reports and ss shows the doubled size). */
export interface Granted {
  receive: number;
  send: number;
}

export interface UftpRun {
  which: ServerImpl;
  code: number | null;
  /** stdout and stderr, in that order. */
  log: string;
  /** From spawn to exit, as the harness saw it (node's start and key loading included for ours). */
  wallSeconds: number;
  usage: ProcessUsage;
  /** usage.cpuSeconds split: user space, and the kernel (system calls, and packet work done in its context). */
  split: { user: number; system: number };
  /** The server socket's buffers; undefined if it ended before ss saw it. */
  granted?: Granted;
}

export interface UftpRunOptions {
  nodeFlags?: string[];
  timeoutMs: number;
  /** Names the rusage file in `dir`. */
  label: string;
  dir: string;
}

/**
 * The buffers of the host's UDP sockets (ss -m), smallest of each kind: the server host of a benchmark
 * runs nothing but the server, so these are its socket's. Undefined while there is none.
 */
export async function hostSocketBuffers(host: LabHost): Promise<Granted | undefined> {
  const ss = await host.exec('ss', ['-Huamn']);
  const of = (kind: 'rb' | 'tb'): number[] => [...ss.stdout.matchAll(new RegExp(`skmem:\\([^)]*\\b${kind}(\\d+)`, 'g'))].map((m) => Number(m[1]) / 2);
  const [rb, tb] = [of('rb'), of('tb')];
  if (rb.length === 0) return undefined;
  return { receive: Math.min(...rb), send: Math.min(...tb) };
}

function parseRusage(text: string): { usage: ProcessUsage; split: UftpRun['split'] } | undefined {
  // The last line is ours (-f); a line before it may say the command was killed by a signal.
  const m = text.trim().split('\n').pop()?.match(/^RUSAGE (\S+) (\S+) (\d+)$/);
  if (!m) return undefined;
  const [user, system] = [Number(m[1]), Number(m[2])];
  return { usage: { cpuSeconds: user + system, peakRssMiB: Number(m[3]) / 1024 }, split: { user, system } };
}

/**
 * Runs uftp (ours or the real one) with `args` in `host` under GNU time and waits for its end. While
 * it runs, polls ss until its socket shows up (then stops: each poll is a process, and its CPU would count
 * in the machine's). Fails if it overruns `timeoutMs`.
 */
export async function runUftp(host: LabHost, which: ServerImpl, args: string[], opts: UftpRunOptions): Promise<UftpRun> {
  const rusageFile = path.join(opts.dir, `${opts.label}.rusage`);
  const [cmd, ...pre] = uftpCommand(which, opts.nodeFlags);
  const t0 = process.hrtime.bigint();
  const proc = host.spawn(TIME, ['-f', 'RUSAGE %U %S %M', '-o', rusageFile, cmd, ...pre, ...args]);
  let ended = false;
  const exited = proc.exited.finally(() => (ended = true));
  let granted: Granted | undefined;
  const watch = (async () => {
    while (!ended && !granted) {
      granted = await hostSocketBuffers(host).catch(() => undefined);
      if (!granted) await new Promise((r) => setTimeout(r, BUFFER_POLL_MS));
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), opts.timeoutMs)));
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    await proc.stop('SIGKILL', 0);
    throw new Error(`${which} uftp did not end within ${opts.timeoutMs / 1000} s:\n${(proc.stdout() + proc.stderr()).slice(-3000)}`);
  }
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await watch;
  const rusage = await readFile(rusageFile, 'utf8').catch(() => '');
  await rm(rusageFile, { force: true });
  const parsed = parseRusage(rusage);
  const log = proc.stdout() + proc.stderr();
  if (!parsed) throw new Error(`no rusage from ${TIME} for ${which} uftp (exit ${outcome.code}): ${rusage}\n${log.slice(-2000)}`);
  return { which, code: outcome.code, log, wallSeconds, ...parsed, granted };
}
