// A private network namespace for one Windows-lane test file: lo up, and a veth pair whose first end
// carries IPv4 and IPv6 addresses for multicast (Linux loops IPv6 multicast back on such a link, not
// on lo). Removed after the file, also when it fails.
import { execFileSync } from 'node:child_process';

export interface WineNetns {
  name: string;
  link: string;
  addr4: string;
  addr6: string;
}

export function useWineNetns(label: string): () => WineNetns {
  const ns: WineNetns = { name: `uftpts-win-${label}-${process.pid}`, link: 'win0', addr4: '198.18.43.1', addr6: 'fd00:43::1' };
  const ip = (...args: string[]) => execFileSync('ip', ['-n', ns.name, ...args]);
  let made = false;
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', ns.name]);
    made = true;
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', ns.link, 'type', 'veth', 'peer', 'name', 'win1');
    ip('addr', 'add', `${ns.addr4}/24`, 'dev', ns.link);
    ip('addr', 'add', `${ns.addr6}/64`, 'dev', ns.link, 'nodad');
    for (const dev of [ns.link, 'win1']) ip('link', 'set', dev, 'up');
  });
  afterAll(() => {
    if (made) execFileSync('ip', ['netns', 'del', ns.name]);
  });
  return () => ns;
}
