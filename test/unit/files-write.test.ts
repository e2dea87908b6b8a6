// WriteHandle: positional writes in flight together, close waiting for them, mtime, abandon, and
// (as root, on a 64 KiB tmpfs) ENOSPC as a rejected write and EXDEV between filesystems.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DirRoot, moveIntoPlace, openForWrite, rename } from '../../lib/files';
import { expectCode, mountTmpfs, removeTrees, tempTree, type Tree } from './files-helpers';

let tree: Tree;
let root: DirRoot;

beforeEach(() => {
  tree = tempTree();
  root = DirRoot.open(tree.dest);
});
afterEach(() => root.close());
afterAll(removeTrees);

test('writes at offsets, many in flight and out of order; close waits for all and sets the mtime', async () => {
  const block = 1000;
  const count = 2000;
  const expected = Buffer.alloc(block * count);
  for (let i = 0; i < expected.length; i++) expected[i] = (i * 7 + (i >> 10)) & 0xff;
  const handle = openForWrite(root, 'big', { truncate: true });
  const writes: Promise<void>[] = [];
  for (let i = count - 1; i >= 0; i--) writes.push(handle.write(i * block, expected.subarray(i * block, (i + 1) * block)));
  const mtime = 1_600_000_000;
  await handle.close({ mtimeSec: mtime }); // without awaiting the writes first
  await Promise.all(writes);
  expect(fs.readFileSync(path.join(tree.dest, 'big')).equals(expected)).toBe(true);
  const st = fs.statSync(path.join(tree.dest, 'big'));
  expect(Math.floor(st.mtimeMs / 1000)).toBe(mtime);
});

test('a write of an empty array, truncate, and sparse offsets', async () => {
  const handle = openForWrite(root, 'f', { truncate: true });
  await handle.write(0, new Uint8Array(0));
  await handle.write(10, Buffer.from('end'));
  await handle.truncate(11);
  await handle.close();
  expect(fs.readFileSync(path.join(tree.dest, 'f'))).toEqual(Buffer.concat([Buffer.alloc(10), Buffer.from('e')]));
});

test('bad offsets are RangeErrors; writes after close are EBADF; a second close returns the first', async () => {
  const handle = openForWrite(root, 'f', { truncate: true });
  await expect(handle.write(-1, Buffer.from('x'))).rejects.toThrow('non-negative integer');
  await expect(handle.write(1.5, Buffer.from('x'))).rejects.toThrow('non-negative integer');
  const closing = handle.close();
  expect(handle.close()).toBe(closing);
  await closing;
  await expectCode(() => handle.write(0, Buffer.from('x')), 'EBADF');
  await expectCode(() => handle.truncate(0), 'EBADF');
  await expect(handle.abandon()).resolves.toBeUndefined();
});

test('abandon waits for writes in flight to end, never rejects; close after it does nothing', async () => {
  const handle = openForWrite(root, 'f', { truncate: true });
  const writes = Array.from({ length: 50 }, (_, i) => handle.write(i * 100, Buffer.alloc(100, i)));
  await handle.abandon();
  // Every write had ended before the descriptor was closed: none is still pending.
  const settled = await Promise.race([Promise.allSettled(writes), new Promise((r) => setImmediate(() => r('pending')))]);
  expect(settled).not.toBe('pending');
  await expect(handle.close({ mtimeSec: 1 })).resolves.toBeUndefined();
  await expect(handle.abandon()).resolves.toBeUndefined();
  expect(Math.floor(fs.statSync(path.join(tree.dest, 'f')).mtimeMs / 1000)).not.toBe(1);
});

describe('on a 64 KiB tmpfs (root only)', () => {
  const tmpfs = mountTmpfs('64k');
  const maybe = tmpfs === undefined ? test.skip : test;
  let small: DirRoot;

  beforeAll(() => {
    if (tmpfs !== undefined) small = DirRoot.open(tmpfs.dir);
  });
  afterAll(() => {
    small?.close();
    tmpfs?.unmount();
  });

  maybe('ENOSPC: the write that does not fit rejects, later writes settle with it, close reports it', async () => {
    const handle = openForWrite(small, 'big', { truncate: true });
    const chunk = Buffer.alloc(16 * 1024, 1);
    const writes = Array.from({ length: 16 }, (_, i) => handle.write(i * chunk.length, chunk));
    const results = await Promise.allSettled(writes);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect((f.reason as { code?: string }).code).toBe('ENOSPC');
    await expectCode(() => handle.write(0, Buffer.from('x')), 'ENOSPC'); // sticky, without touching the disk
    await expectCode(() => handle.close(), 'ENOSPC');
    await expect(handle.abandon()).resolves.toBeUndefined();
    fs.unlinkSync(path.join(tmpfs!.dir, 'big'));
  });

  maybe('ENOSPC then abandon: resolves, and close after it is a no-op', async () => {
    const handle = openForWrite(small, 'big', { truncate: true });
    await expectCode(() => handle.write(0, Buffer.alloc(256 * 1024)), 'ENOSPC');
    await expect(handle.abandon()).resolves.toBeUndefined();
    await expect(handle.close()).resolves.toBeUndefined();
    fs.unlinkSync(path.join(tmpfs!.dir, 'big'));
  });

  maybe('freeSpace sees the small filesystem', async () => {
    const { freeSpace } = await import('../../lib/files');
    const bytes = await freeSpace(small);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
  });

  maybe('EXDEV: rename and moveIntoPlace across filesystems fail and copy nothing', async () => {
    fs.writeFileSync(path.join(tree.dest, 'f'), 'x');
    await expectCode(() => rename(root, 'f', small, 'f'), 'EXDEV');
    await expectCode(() => moveIntoPlace(root, 'f', small, { individually: false }), 'EXDEV');
    expect(fs.readdirSync(tmpfs!.dir)).toEqual([]);
    expect(fs.readFileSync(path.join(tree.dest, 'f'), 'utf8')).toBe('x');
  });
});
