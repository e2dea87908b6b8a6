// The Windows addon (mingw-built) in the official node.exe under Wine, against the Linux addon in
// Linux node: the same socket checks (scripts/windows/socket-checks.ts) in one private namespace,
// compared key by key. Wine is not Windows: where Wine 8 itself differs, the difference is spelled
// out below, so a Wine that changes (or a regression of ours) shows up as a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../scripts/bench/diag-lab';
import { stageUnbuilt, stageWindowsApp } from '../../scripts/windows/stage';
import { WinePrefix, wineMissing } from '../../scripts/windows/wine';
import { describeLab } from './helpers/gate';
import { useWineNetns } from './helpers/wine-netns';

type Results = Record<string, unknown>;
const root = repoRoot();

describeLab(
  'Windows addon under Wine: socket checks against Linux',
  () => {
    const ns = useWineNetns('sock');
    let linux: Results;
    let wine: Results;

    beforeAll(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'uftpts-win-sock-'));
      const prefix = WinePrefix.create(dir, ns().name);
      try {
        const args = (file: string) => [file, ns().link, ns().addr4, ns().addr6];
        const linuxFile = path.join(dir, 'linux.json');
        execFileSync('ip', ['netns', 'exec', ns().name, process.execPath, path.join(root, 'dist/scripts/windows/socket-checks.js'), ...args(linuxFile)], {
          timeout: 120_000,
        });
        linux = readResults(linuxFile, 'linux');
        const app = stageWindowsApp(root, dir);
        const wineFile = path.join(dir, 'wine.json');
        const run = await prefix.runNode([path.join(app, 'dist/scripts/windows/socket-checks.js'), ...args(wineFile)], 120_000);
        if (run.code !== 0) throw new Error(`node.exe exited ${run.code}: ${run.stderr}`);
        wine = readResults(wineFile, 'win32');
      } finally {
        prefix.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);

    test('the Linux side did what the comparison relies on', () => {
      const one = { ifindexSet: true, to: expect.any(String) };
      expect(linux['ipv4 unicast']).toMatchObject({ marking: { dscp46: 'ok' }, received: [{ ...one, tos: 184, length: 1 }, {}, { length: 1400 }] });
      for (const family of [4, 6]) {
        expect(linux[`ipv${family} anySource`]).toMatchObject({ joined: [{ sender: 'a', ...one }, { sender: 'b' }], afterLeave: [] });
        expect(linux[`ipv${family} sourceSpecific`]).toMatchObject({
          joined: { matching: [{ sender: 'a', length: 200 }], other: [] },
          afterLeave: { matching: [], other: [] },
        });
      }
    });

    test('IPv4: options, buffers, unicast and any-source multicast with metadata as on Linux', () => {
      for (const name of ['options', 'buffers', 'unicast', 'anySource']) expect([name, wine[`ipv4 ${name}`]]).toEqual([name, linux[`ipv4 ${name}`]]);
    });

    test('IPv6: TTL, loopback, egress interface, buffers and any-source multicast as on Linux', () => {
      for (const name of ['buffers', 'anySource']) expect([name, wine[`ipv6 ${name}`]]).toEqual([name, linux[`ipv6 ${name}`]]);
      const { tosAfterDscp46, tosAfterDscp0, markingAfterDscp46, ...rest } = linux['ipv6 options'] as Results;
      expect(wine['ipv6 options']).toMatchObject(rest);
      expect([tosAfterDscp46, tosAfterDscp0, markingAfterDscp46, rest.markingAfterDscp0]).toEqual([184, 0, 'IPV6_TCLASS', 'none']);
    });

    test('Wine 8: IPV6_TCLASS is refused with WSAENOPROTOOPT (a name, not UNKNOWN); DSCP 0 is no error; datagrams still flow', () => {
      const refused = { error: 'WSAENOPROTOOPT', syscall: 'setsockopt' };
      // A DSCP asked with nothing to carry it fails; DSCP 0 asks for nothing (the daemons set it at start-up).
      expect(wine['ipv6 options']).toMatchObject({
        tosAfterDscp46: refused,
        tosAfterDscp0: { ...refused, syscall: 'getsockopt' },
        markingAfterDscp46: refused,
        markingAfterDscp0: 'none',
      });
      const unicast = linux['ipv6 unicast'] as { received: Results[] };
      expect(wine['ipv6 unicast']).toEqual({ marking: { dscp46: refused }, received: unicast.received.map((d) => ({ ...d, tos: 0 })) });
    });

    test('Wine 8: no source-specific joins for IPv6 (MCAST_JOIN_SOURCE_GROUP, nothing older to fall back on)', () => {
      expect(wine['ipv6 sourceSpecific']).toEqual({ error: 'WSAENOPROTOOPT', syscall: 'setsockopt' });
    });

    test('Wine 8: IPv4 source-specific joins through IP_ADD_SOURCE_MEMBERSHIP take only the interface address as source', () => {
      // Seen here: (G, S) with S the interface's own address is accepted, any other S refused with EINVAL,
      // as if Wine handed Windows' ip_mreq_source (group, source, interface) to Linux unreordered.
      expect(wine['ipv4 sourceSpecific']).toEqual({ error: 'EINVAL', syscall: 'setsockopt' });
    });

    test('errors carry the same codes, but for three Wine differences', () => {
      for (const family of [4, 6]) {
        const l = linux[`ipv${family} errors`] as Results;
        const w = wine[`ipv${family} errors`] as Results;
        expect(l).toMatchObject({ bindInUse: { error: 'EADDRINUSE' }, joinTwice: { error: 'EADDRINUSE' }, leaveNotJoined: { error: 'EADDRNOTAVAIL' } });
        const { leaveNotJoined, bindForeignAddress, ...same } = w;
        expect(same).toEqual(omit(l, 'leaveNotJoined', 'bindForeignAddress'));
        // Leaving a group not joined: Linux EADDRNOTAVAIL, Wine WSAEINVAL.
        expect(leaveNotJoined).toEqual({ error: 'EINVAL', syscall: 'setsockopt' });
        // Wine binds a specific IPv4 address as the wildcard plus the interface: a foreign address binds.
        expect(bindForeignAddress).toEqual(family === 4 ? 'no error' : l.bindForeignAddress);
      }
    });
  },
  [wineMissing, () => stageUnbuilt(root)],
);

function readResults(file: string, platform: string): Results {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { platform?: string; results?: Results; fatal?: string };
  if (doc.fatal) throw new Error(`socket checks on ${platform} failed: ${doc.fatal}`);
  expect(doc.platform).toBe(platform);
  return doc.results as Results;
}

function omit(obj: Results, ...keys: string[]): Results {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}
