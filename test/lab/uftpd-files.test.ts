// What a file can be, received by our uftpd (near) beside the real one (near2) from the real uftp: sizes at
// the edges of a block (0, 1, one block, whole blocks, one byte either side), a tree with sub-directories,
// empty directories and symbolic links (sent as links: no -l), delete requests and a free-space request
// from a `uftp -i` list, and a sparse file over 4 GiB (ours only: it is the 64-bit sizes and offsets that
// are tested, and the real client needs no proof of them).
import { mkdir, open, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { sha256File } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { emptyDirs, randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { expectCompleted, hostStatuses, logOf, resultStatuses, sendFiles } from './helpers/uftpd-lab';

const LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } },
};
const OURS: HostName = 'near';
const REAL: HostName = 'near2';
const BLOCK = 1300; // uftp's default block size

/** relative path -> link target, for every symbolic link under root. */
async function links(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isSymbolicLink()) out[path.relative(root, full)] = await readlink(full);
      else if (e.isDirectory()) await walk(full);
    }
  };
  await walk(root);
  return out;
}

/** sha256 of a large file, read in 4 MiB pieces. */
async function bigDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    for (let at = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

describeLab(
  'files of every kind: real uftp -> our uftpd beside the real uftpd',
  () => {
    const lab = useProxyLab(LAB);

    async function bothClients(dir: string, extra: (who: 'ours' | 'real') => string[] = () => []) {
      const t = lab();
      const ours = await t.client(OURS, `${dir}/ours`, extra('ours'), 'ours');
      const real = await t.client(REAL, `${dir}/real`, extra('real'), 'real');
      return { ours, real };
    }

    test('sizes at the edges of a block: 0, 1, 1299, 1300, 1301, 40 x 1300 bytes', async () => {
      const t = lab();
      const dir = await t.freshDir('sizes');
      const sizes: Record<string, number> = {
        empty: 0, one: 1, 'block-less-1': BLOCK - 1, block: BLOCK, 'block-plus-1': BLOCK + 1, blocks40: 40 * BLOCK,
      };
      for (const [name, size] of Object.entries(sizes)) await randomFile(`${dir}/src`, name, size);
      await bothClients(dir);

      const run = await sendFiles(t, [], Object.keys(sizes).map((n) => `${dir}/src/${n}`));
      expect(run.code).toBe(0);
      for (const host of [OURS, REAL]) {
        expect(hostStatuses(run.log, t.uid(host))).toEqual(Object.keys(sizes).map(() => 'Completed'));
      }
      const want = await treeDigest(`${dir}/src`);
      expect(Object.keys(want)).toHaveLength(6);
      expect(await treeDigest(`${dir}/ours`)).toEqual(want);
      expect(await treeDigest(`${dir}/real`)).toEqual(want);
    });

    test('a tree: sub-directories, empty directories, symbolic links (sent as links)', async () => {
      const t = lab();
      const dir = await t.freshDir('tree');
      const src = `${dir}/src`;
      for (const p of ['tree/a/b/c/deep.bin', 'tree/a/side.bin', 'tree/top.bin']) await randomFile(src, p, 3000);
      for (const p of ['tree/empty1', 'tree/a/empty2', 'emptytop']) await mkdir(`${src}/${p}`, { recursive: true });
      await symlink('a/side.bin', `${src}/tree/link-file`);
      await symlink('a', `${src}/tree/link-dir`);
      await symlink('../nowhere', `${src}/tree/dangling`);
      await symlink('/etc/hostname', `${src}/abs-link`);
      await randomFile(src, 'plain.bin', 2000);
      await bothClients(dir);

      const run = await sendFiles(t, [], ['tree', 'emptytop', 'abs-link', 'plain.bin'].map((n) => `${src}/${n}`));
      expect(run.code).toBe(0);
      expectCompleted(run.log, t.uid(OURS));
      expect(hostStatuses(run.log, t.uid(OURS))).toEqual(hostStatuses(run.log, t.uid(REAL)));
      expect(hostStatuses(run.log, t.uid(OURS)).every((s) => s === 'Completed')).toBe(true);

      const want = { digest: await treeDigest(src), empty: await emptyDirs(src), links: await links(src) };
      expect(Object.keys(want.links)).toHaveLength(4);
      for (const d of ['ours', 'real']) {
        expect(await treeDigest(`${dir}/${d}`)).toEqual(want.digest);
        expect(await emptyDirs(`${dir}/${d}`)).toEqual(want.empty);
        expect(await links(`${dir}/${d}`)).toEqual(want.links);
      }
    });

    test('uftp -i with @DELETE entries and @FREESPACE: deleted as the real client deletes, free space reported', async () => {
      const t = lab();
      const dir = await t.freshDir('delete');
      const newFile = await randomFile(`${dir}/src`, 'new.bin', 5000);
      for (const d of ['ours', 'real']) {
        await randomFile(`${dir}/${d}`, 'victim.txt', 100);
        await randomFile(`${dir}/${d}`, 'victimdir/inner.bin', 100);
        await randomFile(`${dir}/${d}`, 'keep.txt', 100);
      }
      const list = `${dir}/list.txt`;
      await writeFile(list, [newFile, '@DELETE:victim.txt', '@DELETE:victimdir', '@DELETE:missing.txt', '@FREESPACE', ''].join('\n'));
      const status = { ours: `${dir}/ours.status`, real: `${dir}/real.status` };
      await bothClients(dir, (who) => ['-F', status[who]]);

      const run = await sendFiles(t, ['-i', list], []);
      expect(run.code).toBe(0);
      expect(hostStatuses(run.log, t.uid(OURS))).toEqual(hostStatuses(run.log, t.uid(REAL)));
      expect(await resultStatuses(status.ours)).toEqual(await resultStatuses(status.real));
      expect((await resultStatuses(status.ours)).map(([n]) => n)).toEqual(['new.bin', 'victim.txt', 'victimdir', 'missing.txt', '.']);
      const ours = await treeDigest(`${dir}/ours`);
      expect(Object.keys(ours).sort()).toEqual(Object.keys(await treeDigest(`${dir}/real`)).sort());
      expect(Object.keys(ours).sort()).toEqual(['keep.txt', 'new.bin']);
      expect(ours['new.bin']).toBe(await sha256File(newFile));
      // The server prints each client's free space (the destination's file system: the same disk here).
      const free = (uid: string): number => Number(run.log.match(new RegExp(`Host: ${uid} .*\\n\\s+Free space on host: (\\d+) bytes`))?.[1]);
      expect(free(t.uid(OURS))).toBeGreaterThan(0);
      expect(Math.abs(free(t.uid(OURS)) - free(t.uid(REAL)))).toBeLessThan(1e9);
    });

    test('a sparse file just over 4 GiB, data around the 4 GiB mark and in the last block', async () => {
      const t = lab();
      const dir = await t.freshDir('big');
      await mkdir(`${dir}/src`);
      const file = `${dir}/src/big.sparse`;
      const size = 2 ** 32 + 3 * 1024 * 1024 + 777;
      const fh = await open(file, 'w');
      try {
        await fh.truncate(size);
        for (const at of [0, 2 ** 32 - 1500, 2 ** 32 + 123_456, size - 4000]) await fh.write(randomBytes(3000), 0, 3000, at);
      } finally {
        await fh.close();
      }
      const ours = await t.client(OURS, `${dir}/ours`, ['-B', '4194304'], 'ours');

      // The largest block uftp allows keeps the datagram count (and the time) down: 8 sections of 65536 blocks.
      try {
        const run = await sendFiles(t, ['-b', '8800', '-R', '-1', '-B', '4194304'], [file], { timeoutMs: 200_000 });
        expectCompleted(run.log, t.uid(OURS));
        expect(run.code).toBe(0);
        expect(logOf(ours)).toContain(`Bytes: ${size}, Blocks: ${Math.ceil(size / 8800)}, Sections: 8`);
        expect(await bigDigest(`${dir}/ours/big.sparse`)).toBe(await bigDigest(file));
      } finally {
        await t.stopAll();
        await rm(`${dir}/ours/big.sparse`, { force: true }); // 4 GiB of real blocks: not kept until the lab goes
      }
    }, 240_000);
  },
  [realProgramsMissing],
);
