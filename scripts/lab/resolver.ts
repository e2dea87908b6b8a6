// Each lab namespace gets its own /etc/resolv.conf (`ip netns exec` bind-mounts /etc/netns/NAME/*
// over /etc), naming a resolver on the namespace's own loopback. Programs that look names up (uftpd
// does reverse lookups of its peers) then fail at once inside the lab, instead of sending queries
// towards the machine's resolver, which the lab cannot and must not reach.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NETNS_ETC = '/etc/netns';

export function isolateResolver(netns: string): void {
  const dir = join(NETNS_ETC, netns);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
}

export function removeResolver(netns: string): void {
  rmSync(join(NETNS_ETC, netns), { recursive: true, force: true });
}
