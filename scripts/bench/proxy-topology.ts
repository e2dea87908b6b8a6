// The proxy lab of the issue, shared by the proxy lab tests and `npm run bench:proxy`: net A holds the
// server, a server proxy and local clients; net B, behind a router that forwards unicast only, holds a
// client proxy and two clients. Proxies and clients are started the same way whichever proxy is measured.
import path from 'node:path';
import type { LabHost, LabProcess, LabSpec } from '../lab';
import { repoRoot } from './diag-lab';
import { UFTP_PORT, launchUftpd, waitForUdpPort, type ClientImpl } from './programs';

export { UFTP_PORT, uftpdCommand, uidOf, waitForUdpPort, type ClientImpl } from './programs';

export type ProxyImpl = 'ours' | 'real';

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

/** Starts a proxy in the foreground (-d, log to stderr) and waits until it listens. */
export async function startProxy(host: LabHost, which: ProxyImpl, args: string[], port = UFTP_PORT, nodeFlags: string[] = []): Promise<LabProcess> {
  const [cmd, ...pre] = proxyCommand(which, nodeFlags);
  const proc = host.spawn(cmd, [...pre, '-d', ...args]);
  await waitForUdpPort(host, port, proc, 15_000);
  await new Promise((r) => setTimeout(r, 200)); // the group joins follow the bind
  return proc;
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
  return launchUftpd(host, dest, { which, ifname, extra, port });
}
