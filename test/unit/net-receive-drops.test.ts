// The kernel's per-socket drop count (SO_RXQ_OVFL) through the real addon over loopback: a burst into a
// tiny receive buffer loses datagrams, and the count read back equals exactly what was sent and never arrived.
import type { Datagram, UdpSocket } from '../../lib/net';
import { receive, useSockets } from './net-helpers';

const socket = useSockets();
const BURST = 100;
const PROBE = Buffer.from('probe');

describe.each([4, 6] as const)('IPv%i', (family) => {
  const loopback = family === 4 ? '127.0.0.1' : '::1';

  function pair(): { rx: UdpSocket; tx: UdpSocket; port: number } {
    const rx = socket(family);
    rx.bind(loopback, 0);
    const tx = socket(family);
    tx.bind(loopback, 0);
    return { rx, tx, port: rx.address().port };
  }

  test('unavailable (undefined) before receiving starts: not a made-up 0', () => {
    const { rx } = pair();
    expect(rx.receiveDrops()).toBeUndefined();
  });

  test('0 while nothing is lost', async () => {
    const { rx, tx, port } = pair();
    const got = receive(rx, 3);
    for (let i = 0; i < 3; i++) tx.send(Buffer.from([i]), loopback, port);
    expect(await got).toHaveLength(3);
    expect(rx.receiveDrops()).toBe(0);
  });

  test('a burst into a tiny buffer: the count is what was sent and never arrived, learnt from the next datagram', async () => {
    const { rx, tx, port } = pair();
    rx.setRecvBufferSize(1, { force: false }); // the kernel's minimum: room for a few datagrams
    let arrived = 0;
    let countBeforeProbe: number | undefined;
    const probed = new Promise<number | undefined>((resolve) => {
      rx.onMessages((batch: Datagram[]) => {
        for (const d of batch) {
          if (d.data.equals(PROBE)) {
            resolve(rx.receiveDrops());
            return;
          }
          arrived++;
        }
        if (countBeforeProbe === undefined) {
          // The buffer is empty now (the batch was short): the probe is queued after every loss.
          countBeforeProbe = rx.receiveDrops();
          tx.send(PROBE, loopback, port);
        }
      });
    });
    // One synchronous burst: nothing is read while it is sent, so the buffer overflows.
    tx.sendBatch(Array.from({ length: BURST }, () => ({ data: Buffer.alloc(1000, 7), address: loopback, port })));
    const drops = await probed;
    expect(arrived).toBeGreaterThan(0);
    expect(arrived).toBeLessThan(BURST);
    expect(countBeforeProbe).toBe(0); // the datagrams queued before the loss carry the count from before it
    expect(drops).toBe(BURST - arrived);
    await rx.close();
    expect(rx.receiveDrops()).toBe(BURST - arrived); // still readable after close
  });
});
