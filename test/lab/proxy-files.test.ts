// Scenario 7 of the proxy issue: what travels through server proxy -> client proxy arrives whole, byte for
// byte, at both clients behind the router and at the client beside the server: an empty file, a 1-byte file,
// 100 MB, many small files, a directory tree with an empty directory in it.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { emptyDirs, randomFile, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, useProxyLab, realProgramsMissing, type HostName } from './helpers/proxy-lab';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];
const BIG_BUFFERS = ['-B', '8388608']; // 100 MB at speed: nobody's socket may overflow

type Maker = (src: string) => Promise<void>;

const KINDS: Array<[string, Maker]> = [
  [
    'an empty file and a 1-byte file',
    async (src) => {
      await writeFile(path.join(src, 'empty'), '');
      await writeFile(path.join(src, 'one'), 'x');
    },
  ],
  ['100 MB', async (src) => void (await randomFile(src, 'big.bin', 100 * 1024 * 1024))],
  [
    'many small files',
    async (src) => {
      for (let i = 0; i < 300; i++) await randomFile(path.join(src, 'many'), `f${String(i).padStart(3, '0')}`, 1 + i * 37);
    },
  ],
  [
    'a directory tree',
    async (src) => {
      for (const p of ['tree/a/b/c/deep.bin', 'tree/a/side.bin', 'tree/d/e.bin', 'tree/top.bin']) {
        await randomFile(src, p, 5000);
      }
      await mkdir(path.join(src, 'tree/a/empty'), { recursive: true });
    },
  ],
];

describeLab(
  'files through server proxy and client proxy',
  () => {
    const lab = useProxyLab();

    test.each(KINDS)(`${WHICH} proxies: %s`, async (_name, make) => {
      const t = lab();
      const dir = await t.freshDir('files');
      const src = path.join(dir, 'src');
      await mkdir(src);
      await make(src);
      for (const name of CLIENTS) await t.client(name, `${dir}/${name}`, BIG_BUFFERS);
      await t.clientProxy(WHICH, BIG_BUFFERS);
      await t.serverProxy(WHICH, BIG_BUFFERS);

      const entries = (await readdir(src)).map((e) => path.join(src, e));
      // -R after FAST_SERVER's: the later one counts.
      const run = await t.send(['-R', '400000', ...BIG_BUFFERS], entries, 'server', 120_000);
      for (const name of CLIENTS) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
      expect(run.code).toBe(0);
      const want = await treeDigest(src);
      for (const name of CLIENTS) {
        expect(await treeDigest(`${dir}/${name}`)).toEqual(want);
        expect(await emptyDirs(`${dir}/${name}`)).toEqual(await emptyDirs(src));
      }
    }, 180_000);
  },
  [realProgramsMissing],
);
