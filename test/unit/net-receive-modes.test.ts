// The two receive modes over loopback: transient batches that are views of the
// socket's receive area (no copy), and maxDatagramSize, which drops a datagram
// too long for its slot and reports it instead of delivering it cut short.
import type { Datagram, SyscallError, UdpSocket } from '../../lib/net';
import { receive, sleep, useSockets } from './net-helpers';

const socket = useSockets();
function pair(): { rx: UdpSocket; tx: UdpSocket; port: number } {
  const rx = socket();
  rx.bind('127.0.0.1', 0);
  const tx = socket();
  tx.bind('127.0.0.1', 0);
  return { rx, tx, port: rx.address().port };
}

/** Datagram i: its index in the first 4 bytes, then the byte i & 0xff. */
function numbered(i: number, size: number): Buffer {
  const data = Buffer.alloc(size, i & 0xff);
  data.writeUInt32BE(i, 0);
  return data;
}

test('transient batches view the receive area: right bytes inside the callback, one ArrayBuffer for all', async () => {
  const { rx, tx, port } = pair();
  const total = 300;
  const seen: { index: number; whole: boolean; from: string; fromPort: number }[] = [];
  const areas = new Set<ArrayBufferLike>();
  let first: Datagram | undefined;
  let firstBytes: Buffer | undefined;
  const done = new Promise<void>((resolve) => {
    rx.onMessages(
      (batch) => {
        for (const d of batch) {
          const index = d.data.readUInt32BE(0);
          seen.push({ index, whole: d.data.equals(numbered(index, 100 + (index % 50))), from: d.from, fromPort: d.fromPort });
          areas.add(d.data.buffer);
        }
        if (first === undefined) {
          first = batch[0];
          firstBytes = Buffer.from(batch[0].data); // a copy: what the first slot held
        }
        if (seen.length >= total) resolve();
      },
      { transient: true },
    );
  });
  for (let i = 0; i < total; i += 50) {
    tx.sendBatch(Array.from({ length: 50 }, (_, k) => ({ data: numbered(i + k, 100 + ((i + k) % 50)), address: '127.0.0.1', port })));
    await sleep(5); // several batches, so later ones reuse the slots
  }
  await done;
  expect(seen.map((s) => s.index)).toEqual(Array.from({ length: total }, (_, i) => i));
  expect(seen.every((s) => s.whole && s.from === '127.0.0.1' && s.fromPort === tx.address().port)).toBe(true);
  expect(areas.size).toBe(1);
  // No copy was made: the first datagram's view now shows what a later batch wrote into its slot.
  expect(first?.data.equals(firstBytes as Buffer)).toBe(false);
});

test('switching back to the default mode gives views that stay valid', async () => {
  const { rx, tx, port } = pair();
  rx.onMessages(() => undefined, { transient: true });
  const firstArrived = receive(rx, 1); // onMessages(cb) without options: copies again
  tx.send(numbered(1, 64), '127.0.0.1', port);
  const [one] = await firstArrived;
  const secondArrived = receive(rx, 1);
  tx.send(numbered(2, 64), '127.0.0.1', port);
  const [two] = await secondArrived;
  expect(one.data.equals(numbered(1, 64))).toBe(true);
  expect(two.data.equals(numbered(2, 64))).toBe(true);
  expect(one.data.buffer).not.toBe(two.data.buffer);
});

describe.each([false, true])('maxDatagramSize (transient: %s)', (transient) => {
  test('a longer datagram is dropped and reported as EMSGSIZE, the others arrive whole', async () => {
    const { rx, tx, port } = pair();
    const errors: (SyscallError & { dropped?: number })[] = [];
    rx.onError((err) => errors.push(err));
    const got: Buffer[] = [];
    rx.onMessages((batch) => got.push(...batch.map((d) => Buffer.from(d.data))), { transient, maxDatagramSize: 100 });
    tx.sendBatch([
      { data: numbered(1, 100), address: '127.0.0.1', port },
      { data: numbered(2, 101), address: '127.0.0.1', port },
      { data: numbered(3, 40), address: '127.0.0.1', port },
    ]);
    for (let i = 0; i < 100 && (got.length < 2 || errors.length < 1); i++) await sleep(10);
    expect(got).toEqual([numbered(1, 100), numbered(3, 40)]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'EMSGSIZE', syscall: 'recvmmsg', dropped: 1 });
    expect(errors[0].message).toContain(`100-byte receive slot dropped, the first from 127.0.0.1:${tx.address().port}`);
  });
});

test('bad receive options name themselves', () => {
  const { rx } = pair();
  expect(() => rx.onMessages(() => undefined, { maxDatagramSize: 0 })).toThrow('maxDatagramSize must be an integer from 1 to 65536, got 0');
  expect(() => rx.onMessages(() => undefined, { maxDatagramSize: 65537 })).toThrow(RangeError);
  expect(() => rx.onMessages(() => undefined, { transient: 'yes' as unknown as boolean })).toThrow('transient must be a boolean');
});

describe('gather', () => {
  /** Datagrams sent a few at a time, `gapMs` apart: the batch sizes the receiver saw. */
  async function trickle(options: Parameters<UdpSocket['onMessages']>[1], bursts: number, perBurst: number, gapMs: number): Promise<number[]> {
    const { rx, tx, port } = pair();
    const sizes: number[] = [];
    let got = 0;
    const done = new Promise<void>((resolve) => {
      rx.onMessages((batch) => {
        sizes.push(batch.length);
        got += batch.length;
        if (got >= bursts * perBurst) resolve();
      }, options);
    });
    for (let b = 0; b < bursts; b++) {
      tx.sendBatch(Array.from({ length: perBurst }, (_, k) => ({ data: numbered(b * perBurst + k, 200), address: '127.0.0.1', port })));
      await sleep(gapMs);
    }
    await done;
    return sizes;
  }

  test('a thin wake-up rests the receive side: the same datagrams arrive in fewer, fuller batches', async () => {
    const plain = await trickle({ transient: true }, 40, 2, 1);
    const gathered = await trickle({ transient: true, gather: { below: 32, waitMs: 20 } }, 40, 2, 1);
    expect(plain.reduce((a, b) => a + b, 0)).toBe(80);
    expect(gathered.reduce((a, b) => a + b, 0)).toBe(80);
    // Every wake-up takes 20 ms of 2-datagram bursts sent about 1 ms apart.
    expect(gathered.length).toBeLessThan(plain.length / 2);
    expect(Math.max(...gathered)).toBeGreaterThan(4);
  });

  test('bad gather values are refused', () => {
    const { rx } = pair();
    expect(() => rx.onMessages(() => undefined, { gather: { below: 0, waitMs: 1 } })).toThrow(RangeError);
    expect(() => rx.onMessages(() => undefined, { gather: { below: 8, waitMs: 500 } })).toThrow(RangeError);
  });
});
