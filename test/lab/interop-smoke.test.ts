// The real programs (Debian's uftp 4.10.2) in the lab: a server multicasts files to a client on its
// segment, byte for byte; a client behind the router hears nothing, because multicast does not cross.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Lab, sha256File, type LabProcess } from '../../scripts/lab';
import { uidOf } from '../../scripts/bench/proxy-topology';
import { describeLab, uftpPrograms } from './helpers/gate';

const FILES = { 'small.txt': Buffer.from('uftp-ts interop smoke\n'), 'big.bin': randomBytes(5 * 1024 * 1024) };

describeLab(
  'real uftp -> real uftpd in the lab',
  () => {
    let lab: Lab;
    let src: string;
    beforeAll(async () => {
      lab = await Lab.create({
        segments: ['a', 'b'],
        hosts: {
          srv: { segments: ['a'] },
          near: { segments: ['a'] },
          r: { segments: ['a', 'b'], router: true },
          far: { segments: ['b'] },
        },
      });
      src = join(lab.tmpdir(), 'src');
      await mkdir(src);
      for (const [name, content] of Object.entries(FILES)) await writeFile(join(src, name), content);
    });
    afterAll(() => lab?.destroy());
    // A failed test must not leave its clients holding port 1044 for the next one.
    let clients: LabProcess[] = [];
    afterEach(async () => {
      await Promise.all(clients.map((c) => c.stop()));
      clients = [];
    });

    // An interface given by name means its IPv4 address to the real programs; for IPv6 give the address.
    async function startClient(host: 'near' | 'far', segment: string, family: 4 | 6, dest: string): Promise<LabProcess> {
      await mkdir(dest);
      const h = lab.host(host);
      const args = ['-d', '-q', '-D', dest, '-I', family === 4 ? h.ifname(segment) : h.addr(segment, 6)];
      if (family === 6) args.push('-M', 'ff15::4:4:1');
      const proc = h.spawn('/usr/bin/uftpd', args);
      clients.push(proc);
      await proc.waitForOutput(/Loaded \d+ bit \w+ key/, 10_000);
      return proc;
    }

    test.each([4, 6] as const)('IPv%s: files arrive intact on the segment, not across the router', async (family) => {
      const dir = join(lab.tmpdir(), `v${family}`);
      await mkdir(dir);
      const near = await startClient('near', 'a', family, join(dir, 'near'));
      const far = await startClient('far', 'b', family, join(dir, 'far'));
      const srv = lab.host('srv');
      const iface = family === 4 ? srv.ifname('a') : srv.addr('a', 6);
      const groups = family === 4 ? [] : ['-M', 'ff15::4:4:1', '-P', 'ff15::5:5:x'];
      // TTL 16: it is the router that stops multicast, not a TTL of 1.
      const files = Object.keys(FILES).map((f) => join(src, f));
      const run = await srv.exec('/usr/bin/uftp', ['-I', iface, '-R', '100000', '-t', '16', ...groups, ...files], { timeoutMs: 60_000 });
      const log = run.stdout + run.stderr;
      expect({ code: run.code, log }).toEqual({ code: 0, log: expect.stringContaining('Group complete') });
      expect(log.match(/Received REGISTER from client/g)).toHaveLength(1);
      if (family === 4) expect(log).toContain(`Received REGISTER from client ${uidOf(lab.host('near').addr('a'))}`);

      await near.waitForOutput(/Group file transfer confirmed/, 10_000);
      for (const name of Object.keys(FILES)) {
        expect(await sha256File(join(dir, 'near', name))).toBe(await sha256File(join(src, name)));
      }
      await Promise.all([near.stop(), far.stop()]);
      expect(await readdir(join(dir, 'far'))).toEqual([]);
      expect(far.stderr()).not.toMatch(/Received request/);
    });
  },
  [uftpPrograms('uftp', 'uftpd')],
);
