// Receive coalescing (ReceiveOptions.coalesce, Linux UDP GRO) over loopback: a sender's GSO runs reach
// the socket whole and the addon splits them back; the callback must see exactly the datagrams sent, in
// order, with sender, destination and TOS, in transient and in copied batches, and plain batches again
// once it is turned off. A batch longer than 64 (one recvmmsg) shows the runs came whole. (Across a
// bridge, a router and multicast: test/lab/addon-gso.test.ts.)
import { readFileSync } from 'node:fs';
import type { Datagram, UdpSocket } from '../../lib/net';
import { useSockets } from './net-helpers';

const socket = useSockets();

// UDP_GRO came with Linux 5.0.
function kernelHasGro(): boolean {
  const [major] = readFileSync('/proc/sys/kernel/osrelease', 'utf8').split('.').map(Number);
  return major >= 5;
}
const linuxGro = process.platform === 'linux' && kernelHasGro();
const DSCP = 10;

interface Seen {
  bytes: string;
  from: string;
  fromPort: number;
  to: string;
  tos: number;
}

/** Collects `count` datagrams (copying them out of transient batches) and the longest batch. */
function collect(rx: UdpSocket, count: number, transient: boolean, coalesce: boolean): Promise<{ seen: Seen[]; longest: number }> {
  return new Promise((resolve, reject) => {
    const seen: Seen[] = [];
    let longest = 0;
    const timer = setTimeout(() => reject(new Error(`${seen.length} of ${count} datagrams arrived`)), 10_000);
    rx.onMessages(
      (batch: Datagram[]) => {
        longest = Math.max(longest, batch.length);
        for (const d of batch) seen.push({ bytes: Buffer.from(d.data).toString('hex'), from: d.from, fromPort: d.fromPort, to: d.to, tos: d.tos });
        if (seen.length >= count) {
          clearTimeout(timer);
          resolve({ seen, longest });
        }
      },
      { transient, coalesce },
    );
  });
}

describe.each([4, 6] as const)('IPv%i', (family) => {
  const loopback = family === 4 ? '127.0.0.1' : '::1';

  function pair(): { rx: UdpSocket; tx: UdpSocket } {
    const rx = socket(family);
    rx.setRecvBufferSize(8 << 20);
    rx.bind(loopback, 0);
    const tx = socket(family);
    tx.bind(loopback, 0);
    tx.setDscp(DSCP);
    return { rx, tx };
  }

  // Runs of equal sizes with short tails, lone datagrams and empty ones, each datagram's bytes its own.
  function traffic(): Buffer[] {
    const sizes = [1400, 1400, 1400, 1400, 1400, 700, 5, 0, 64, 64, 64, 63, 9000, 9000, 1, 1472, 1472, 1472, 1472];
    return Array.from({ length: 60 }, (_, round) => sizes.map((size, i) => Buffer.alloc(size, (round * 31 + i) & 0xff))).flat();
  }

  test('asked with a smaller maxDatagramSize: refused (a run fills a whole slot)', () => {
    const { rx } = pair();
    expect(() => rx.onMessages(() => undefined, { coalesce: true, maxDatagramSize: 1500 })).toThrow(RangeError);
    expect(() => rx.onMessages(() => undefined, { coalesce: 'yes' as unknown as boolean })).toThrow(/coalesce/);
    expect(rx.coalescing()).toBe(false);
  });

  test.each([true, false])('transient %s: the datagrams as sent, in order, with their addresses and TOS; off again: plain batches', async (transient) => {
    const { rx, tx } = pair();
    const sent = traffic();
    const port = rx.address().port;
    const want = sent.map((d) => ({ bytes: d.toString('hex'), from: loopback, fromPort: tx.address().port, to: loopback, tos: DSCP << 2 }));

    const got = collect(rx, sent.length, transient, true);
    expect(rx.coalescing()).toBe(linuxGro);
    for (let i = 0; i < sent.length; i += 200) tx.sendBatch(sent.slice(i, i + 200).map((data) => ({ data, address: loopback, port })));
    const { seen, longest } = await got;
    expect(seen).toEqual(want);
    if (linuxGro && tx.segmentLimit() > 0) expect(longest).toBeGreaterThan(64);

    const plain = collect(rx, sent.length, transient, false);
    expect(rx.coalescing()).toBe(false);
    for (let i = 0; i < sent.length; i += 200) tx.sendBatch(sent.slice(i, i + 200).map((data) => ({ data, address: loopback, port })));
    const again = await plain;
    expect(again.seen).toEqual(want);
    expect(again.longest).toBeLessThanOrEqual(64);
  });
});
