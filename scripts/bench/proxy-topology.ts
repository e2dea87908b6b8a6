// The proxy lab of the issue, shared by the proxy lab tests and `npm run bench:proxy`: net A holds the
// server, a server proxy and local clients; net B, behind a router that forwards unicast only, holds a
// client proxy and two clients. Proxies and clients are started the same way whichever proxy is measured.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LabHost, LabProcess, LabSpec } from '../lab';
import { repoRoot } from './diag-lab';

export type ProxyImpl = 'ours' | 'real';
export const UFTP_PORT = 1044;
const READY_POLL_MS = 50;

export const PROXY_LAB: LabSpec = {
  segments: ['a', 'b'],
  hosts: {
    server: { segments: ['a'] },
    sproxy: { segments: ['a'] },
    near: { segments: ['a'] },
    near2: { segments: ['a'] }, // second local client (response proxy) or second server (-S)
    router: { segments: ['a', 'b'], router: true },
    cproxy: { segments: ['b'] },
    far1: { segments: ['b'] },
    far2: { segments: ['b'] },
  },
};

/** The segment each host of PROXY_LAB sits on (the router excepted). */
export function segmentOf(host: LabHost): 'a' | 'b' {
  return ['cproxy', 'far1', 'far2'].includes(host.name) ? 'b' : 'a';
}

/**
 * argv that starts a proxy: ours from this repository's bin/, or the real one of Debian's uftp package.
 * `nodeFlags` go to node before our bin (e.g. --cpu-prof); the real proxy ignores them.
 */
export function proxyCommand(which: ProxyImpl, nodeFlags: string[] = []): string[] {
  return which === 'real' ? ['/usr/bin/uftpproxyd'] : [process.execPath, ...nodeFlags, path.join(repoRoot(), 'bin/uftpproxyd')];
}

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
      throw new Error(`proxy on ${host.name} ${why}\n--- stdout:\n${proc.stdout()}\n--- stderr:\n${proc.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}

/** Starts a proxy in the foreground (-d, log to stderr) and waits until it listens. */
export async function startProxy(host: LabHost, which: ProxyImpl, args: string[], port = UFTP_PORT, nodeFlags: string[] = []): Promise<LabProcess> {
  const [cmd, ...pre] = proxyCommand(which, nodeFlags);
  const proc = host.spawn(cmd, [...pre, '-d', ...args]);
  await waitForUdpPort(host, port, proc, 15_000);
  await new Promise((r) => setTimeout(r, 200)); // the group joins follow the bind
  return proc;
}

export type ClientImpl = 'ours' | 'real';

/**
 * argv that starts a client: ours from this repository's bin/, or the real one of Debian's uftp package, by
 * absolute path (after `npm install -g .` ours is on PATH under the same name).
 */
export function uftpdCommand(which: ClientImpl, nodeFlags: string[] = []): string[] {
  return which === 'real' ? ['/usr/bin/uftpd'] : [process.execPath, ...nodeFlags, path.join(repoRoot(), 'bin/uftpd')];
}

/**
 * Starts a uftpd in the foreground (-d, -q) on the host's interface (by default its PROXY_LAB one), receiving
 * into `dest`: the real one unless `which` says ours. Resolves once it listens.
 */
export async function startUftpd(
  host: LabHost,
  dest: string,
  extra: string[] = [],
  ifname = host.ifname(segmentOf(host)),
  which: ClientImpl = 'real',
  port = UFTP_PORT,
): Promise<LabProcess> {
  await mkdir(dest, { recursive: true });
  const [cmd, ...pre] = uftpdCommand(which);
  const proc = host.spawn(cmd, [...pre, '-d', '-q', '-D', dest, '-I', ifname, ...extra]);
  await proc.waitForOutput(/Loaded (\d+ bit \w+|ECDSA) key/, 15_000);
  if (which === 'ours') await waitForUdpPort(host, port, proc, 15_000);
  return proc;
}
