// The write cache's windows are reused only once every write of them has ended. A "disk" that copies each
// write's bytes only when it ends, in a shuffled order and late, catches a window filled again too early.
import { WindowPool } from '../../lib/client/window-pool';
import { WriteCache } from '../../lib/client/write-cache';

function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

test('a window comes back only when retired and its writes have ended; foreign buffers are ignored', () => {
  const pool = new WindowPool();
  const a = pool.take(1000);
  pool.writeStarted(a.subarray(0, 10));
  pool.writeStarted(a.subarray(10, 20));
  pool.retire(a);
  expect(pool.take(1000).buffer).not.toBe(a.buffer); // two writes pending
  pool.writeEnded(a.subarray(0, 10));
  expect(pool.take(1000).buffer).not.toBe(a.buffer); // one left
  pool.writeEnded(a.subarray(10, 20));
  expect(pool.take(1000).buffer).toBe(a.buffer);

  const b = pool.take(1000);
  pool.retire(b); // no writes: free at once
  expect(pool.take(1000).buffer).toBe(b.buffer);
  expect(pool.take(2000).buffer).not.toBe(b.buffer); // another size

  const foreign = Buffer.allocUnsafeSlow(1000);
  pool.writeStarted(foreign);
  pool.writeEnded(foreign);
  pool.retire(foreign);
  expect(pool.take(1000).buffer).not.toBe(foreign.buffer);
});

test.each([1, 2, 3])('seed %i: every block lands intact though writes end late and out of order', (seed) => {
  const pick = random(seed);
  const blockSize = 100;
  const blocks = 3000;
  const expected = Buffer.alloc(blocks * blockSize);
  for (let b = 0; b < blocks; b++) expected.fill(b & 0xff, b * blockSize, (b + 1) * blockSize);
  expected.writeUInt32BE(0xdeadbeef, 0);

  const disk = Buffer.alloc(blocks * blockSize);
  const pool = new WindowPool();
  const pending: { offset: number; data: Uint8Array }[] = [];
  const endSome = (n: number): void => {
    for (let i = 0; i < n && pending.length > 0; i++) {
      const [w] = pending.splice(pick(pending.length), 1);
      disk.set(w.data, w.offset); // the bytes are read when the write ends, not when it is handed out
      pool.writeEnded(w.data);
    }
  };
  const cache = new WriteCache(1000, blockSize, (offset, data) => pending.push({ offset, data }), pool);

  // Blocks in order with gaps, then the gaps (repairs), as a transfer with loss sends them.
  const order = [...Array(blocks).keys()].filter((b) => b % 7 !== 3);
  order.push(...[...Array(blocks).keys()].filter((b) => b % 7 === 3));
  for (const b of order) {
    cache.add(b, expected.subarray(b * blockSize, (b + 1) * blockSize));
    endSome(pick(3)); // writes end at their own pace, some long after
  }
  cache.flush();
  endSome(pending.length);
  expect(disk.equals(expected)).toBe(true);
});

test('at most 8 MiB of windows are kept (two at least)', () => {
  for (const [bytes, kept] of [[1 << 20, 8], [20 << 20, 2]]) {
    const pool = new WindowPool();
    const windows = Array.from({ length: 12 }, () => pool.take(bytes));
    for (const w of windows) pool.retire(w);
    const again = new Set(Array.from({ length: 12 }, () => pool.take(bytes).buffer));
    expect(windows.filter((w) => again.has(w.buffer)).length).toBe(kept);
  }
});
