// Starting UFTP client daemons inside lab hosts, shared by the benchmarks and the lab tests: our uftpd
// from this repository's bin/, or the real one of Debian's uftp package, in the foreground, ready once
// they listen.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LabHost, LabProcess } from '../lab';
import { repoRoot } from './diag-lab';

export const UFTP_PORT = 1044;
const READY_POLL_MS = 50;

export type ClientImpl = 'ours' | 'real';

// The default UID of a program on an IPv4 interface is the address itself.
export function uidOf(v4: string): string {
  return `0x${v4.split('.').map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).join('')}`;
}

/** Resolves once `port` is bound for UDP in the host's namespace; fails early if `proc` exits first. */
export async function waitForUdpPort(host: LabHost, port: number, proc: LabProcess, timeoutMs: number): Promise<void> {
  let exited = false;
  proc.exited.then(() => (exited = true), () => (exited = true));
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ss = await host.exec('ss', ['-Hlun', `sport = :${port}`]);
    if (ss.stdout.trim() !== '') return;
    if (exited || Date.now() > end) {
      const why = exited ? 'exited' : `did not bind UDP port ${port} within ${timeoutMs} ms`;
      throw new Error(`program on ${host.name} ${why}\n--- stdout:\n${proc.stdout()}\n--- stderr:\n${proc.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}

/**
 * argv that starts a client: ours from this repository's bin/ (run by node itself, so the process is node,
 * no wrapper), or the real one of Debian's uftp package, by absolute path (after `npm install -g .` ours is
 * on PATH under the same name). `nodeFlags` go to node before our bin (e.g. --cpu-prof).
 */
export function uftpdCommand(which: ClientImpl, nodeFlags: string[] = []): string[] {
  return which === 'real' ? ['/usr/bin/uftpd'] : [process.execPath, ...nodeFlags, path.join(repoRoot(), 'bin/uftpd')];
}

export interface UftpdStart {
  which: ClientImpl;
  /** -I: the interface to listen on. */
  ifname: string;
  /** Further options (-B, -k, ...). */
  extra?: string[];
  port?: number;
  /** node options for ours (ignored for the real one). */
  nodeFlags?: string[];
  /** How long it may take to get its key and listen (default 15 s). */
  readyTimeoutMs?: number;
}

/**
 * Starts a uftpd in the foreground (-d, -q) receiving into `dest` (created first). Resolves once it has
 * its key and (ours) listens.
 */
export async function launchUftpd(host: LabHost, dest: string, opts: UftpdStart): Promise<LabProcess> {
  await mkdir(dest, { recursive: true });
  const [cmd, ...pre] = uftpdCommand(opts.which, opts.nodeFlags);
  const proc = host.spawn(cmd, [...pre, '-d', '-q', '-D', dest, '-I', opts.ifname, ...(opts.extra ?? [])]);
  const timeoutMs = opts.readyTimeoutMs ?? 15_000;
  await proc.waitForOutput(/Loaded (\d+ bit \w+|ECDSA) key/, timeoutMs);
  if (opts.which === 'ours') await waitForUdpPort(host, opts.port ?? UFTP_PORT, proc, timeoutMs);
  return proc;
}
