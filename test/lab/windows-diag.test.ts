// uftp_diag run by the official Windows node.exe under Wine (the mingw-built addon) beside the same
// command run by Linux node, in one private namespace: interfaces, socket, and listen/send across
// the two (Wine listens to Linux, Linux listens to Wine), ASM and DSCP on a veth link.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DatagramRecord } from '../../lib/cli/diag/listen';
import { jsonLines, repoRoot } from '../../scripts/bench/diag-lab';
import { waitForFile } from '../../scripts/lab';
import { stageUnbuilt, stageWindowsApp } from '../../scripts/windows/stage';
import { WinePrefix, wineMissing, type WineRun } from '../../scripts/windows/wine';
import { describeLab } from './helpers/gate';
import { useWineNetns } from './helpers/wine-netns';

const root = repoRoot();
type Run = { code: number | null; stdout: string; stderr: string };

describeLab(
  'uftp_diag under Wine beside Linux',
  () => {
    const ns = useWineNetns('diag');
    let dir: string;
    let app: string;
    let prefix: WinePrefix;
    let files = 0;

    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'uftpts-win-diag-'));
      app = stageWindowsApp(root, dir);
      prefix = WinePrefix.create(dir, ns().name);
    }, 300_000);
    afterAll(() => {
      prefix?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const linuxArgv = (args: string[]) => ['netns', 'exec', ns().name, process.execPath, path.join(root, 'bin/uftp_diag'), ...args];
    async function linux(args: string[]): Promise<Run> {
      try {
        const { stdout, stderr } = await promisify(execFile)('ip', linuxArgv(args), { timeout: 60_000 });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    }
    const wine = (args: string[]): Promise<WineRun> => prefix.runNode([path.join(app, 'bin/uftp_diag'), ...args]);

    /** Starts a listener on one side, sends from the other, returns what the listener printed. */
    async function across(listenOn: 'wine' | 'linux', listenArgs: string[], sendArgs: string[]): Promise<DatagramRecord[]> {
      const ready = path.join(dir, `ready-${++files}`);
      const args = ['listen', ...listenArgs, '--json', '--timeout', '60', '--ready-file', ready];
      let done: Promise<Run>;
      if (listenOn === 'wine') {
        done = prefix.spawnNode([path.join(app, 'bin/uftp_diag'), ...args]).exited;
      } else {
        const child = spawn('ip', linuxArgv(args), { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        done = new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
      }
      await Promise.race([waitForFile(ready, 60_000), done.then((r) => Promise.reject(new Error(`listener exited: ${r.stderr}`)))]);
      const sent = listenOn === 'wine' ? await linux(['send', ...sendArgs]) : await wine(['send', ...sendArgs]);
      expect(sent).toMatchObject({ code: 0, stderr: '' });
      const r = await done;
      expect(r).toMatchObject({ code: 0, stderr: '' });
      return jsonLines<DatagramRecord>(r.stdout).filter((d) => !('summary' in d));
    }

    test('interfaces: the same names, indexes and addresses (Wine calls lo multicast, Linux does not)', async () => {
      const [l, w] = await Promise.all([linux(['interfaces', '--json']), wine(['interfaces', '--json'])]);
      expect([l.code, w.code, w.stderr]).toEqual([0, 0, '']);
      type If = { name: string; multicast: boolean; addresses: { address: string }[] };
      const norm = (text: string) =>
        jsonLines<If>(text).map((i) => ({ ...i, multicast: i.name === 'lo' ? 'differs' : i.multicast, addresses: [...i.addresses].sort((a, b) => a.address.localeCompare(b.address)) }));
      expect(norm(w.stdout)).toEqual(norm(l.stdout));
      expect(norm(l.stdout).map((i) => i.name)).toEqual(expect.arrayContaining(['lo', ns().link]));
    });

    test('socket: IPv4 with DSCP 46 on the link reports what Linux reports, and says the marking is Wine\'s host kernel', async () => {
      const args = ['socket', '--json', '--dscp', '46', '--if', ns().link];
      const [l, w] = await Promise.all([linux(args), wine(args)]);
      expect(w).toMatchObject({ code: 0, stderr: '' });
      const [linuxReport, wineReport] = [jsonLines(l.stdout)[0], jsonLines(w.stdout)[0]];
      expect({ ...wineReport, dscpDetail: 'differs' }).toEqual({ ...linuxReport, dscpDetail: 'differs' });
      expect(linuxReport).toMatchObject({ tos: 184, dscp: 46, dscpMechanism: 'IP_TOS', dscpDetail: 'applied by the kernel' });
      // qWAVE is a stub in Wine; what marks is the TOS option on the host's Linux socket, and the report says so.
      expect(wineReport.dscpDetail).toMatch(/^under Wine \S+ the host's kernel applies IP_TOS; a Windows host would not \(qWAVE: .+\)$/);
    });

    test('socket: IPv6 under Wine 8 (no IPV6_TCLASS): --dscp fails by name, exit 2; without it the TOS is reported unreadable', async () => {
      const w = await wine(['socket', '--json', '--family', '6', '--dscp', '46']);
      expect(w.code).toBe(2);
      expect(w.stderr).toMatch(/setsockopt WSAENOPROTOOPT/);
      const plain = await wine(['socket', '--json', '--family', '6', '--if', ns().link]);
      expect(plain).toMatchObject({ code: 0, stderr: '' });
      expect(jsonLines(plain.stdout)[0]).toMatchObject({ family: 6, tos: null, dscp: null, tosError: 'WSAENOPROTOOPT', ifindex: expect.any(Number) });
      const text = await wine(['socket', '--family', '6']);
      expect(text.stdout).toMatch(/tos +unreadable \(WSAENOPROTOOPT\)/);
    });

    test.each(['wine', 'linux'] as const)('listen --group on %s, send from the other: ASM with DSCP and metadata', async (listenOn) => {
      const group = listenOn === 'wine' ? '239.43.1.1' : '239.43.1.2';
      const port = listenOn === 'wine' ? '6101' : '6102';
      const got = await across(
        listenOn,
        ['--group', group, '--port', port, '--if', ns().link, '--count', '3'],
        ['--to', group, '--port', port, '--if', ns().link, '--dscp', '46', '--count', '3', '--size', '500', '--json'],
      );
      expect(got).toHaveLength(3);
      for (const d of got) expect(d).toMatchObject({ from: ns().addr4, to: group, tos: 184, dscp: 46, length: 500, ifindex: expect.any(Number) });
    });

    test('IPv6 any-source: Wine listens on the link, Linux sends', async () => {
      const got = await across(
        'wine',
        ['--group', 'ff15::43:2', '--port', '6103', '--if', ns().link, '--count', '2'],
        ['--to', 'ff15::43:2', '--port', '6103', '--if', ns().link, '--count', '2', '--json'],
      );
      expect(got.map((d) => [d.from, d.to, d.length])).toEqual([
        [ns().addr6, 'ff15::43:2', 1400],
        [ns().addr6, 'ff15::43:2', 1400],
      ]);
    });
  },
  [wineMissing, () => stageUnbuilt(root)],
);
