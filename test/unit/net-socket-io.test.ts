// Datagrams over loopback through the real addon: what each one carries
// (source, destination, interface, TOS), batches, and send errors.
import type { UdpSocket } from '../../lib/net';
import { readNumber, receive, useSockets } from './net-helpers';

const loIndex = readNumber('/sys/class/net/lo/ifindex');
const socket = useSockets();

describe.each([4, 6] as const)('IPv%i over loopback', (family) => {
  const loopback = family === 4 ? '127.0.0.1' : '::1';

  function pair(): { rx: UdpSocket; tx: UdpSocket; port: number } {
    const rx = socket(family);
    rx.bind(family === 4 ? '0.0.0.0' : '::', 0);
    const tx = socket(family);
    tx.bind(loopback, 0);
    return { rx, tx, port: rx.address().port };
  }

  test('each datagram comes with from, fromPort, to, ifindex and tos 0 when unmarked', async () => {
    const { rx, tx, port } = pair();
    const got = receive(rx, 1);
    expect(tx.send(Buffer.from('hello'), loopback, port)).toBe(true);
    const [d] = await got;
    expect(d.data.toString()).toBe('hello');
    expect(d.from).toBe(loopback);
    expect(d.fromPort).toBe(tx.address().port);
    expect(d.to).toBe(loopback);
    expect(d.ifindex).toBe(loIndex);
    expect(d.tos).toBe(0);
  });

  test('DSCP 46 arrives as TOS 0xB8', async () => {
    const { rx, tx, port } = pair();
    tx.setDscp(46);
    const got = receive(rx, 1);
    tx.send(Buffer.from('marked'), loopback, port);
    const [d] = await got;
    expect(d.tos).toBe(0xb8);
    expect(d.tos >> 2).toBe(46);
  });

  test('a few thousand datagrams through sendBatch arrive whole and in order', async () => {
    const { rx, tx, port } = pair();
    rx.setRecvBufferSize(16 * 1024 * 1024);
    const total = 3000;
    const datagrams = Array.from({ length: total }, (_, i) => {
      const data = Buffer.alloc(200 + (i % 1000));
      data.fill(i & 0xff);
      data.writeUInt32BE(i, 0);
      return { data, address: loopback, port };
    });
    const got = receive(rx, total);
    let handed = 0;
    for (let i = 0; i < total; i += 500) handed += tx.sendBatch(datagrams.slice(i, i + 500));
    await tx.flush();
    const all = await got;
    expect(handed).toBe(total);
    expect(all).toHaveLength(total);
    all.forEach((d, i) => {
      expect(d.data.readUInt32BE(0)).toBe(i);
      expect(d.data.equals(datagrams[i].data)).toBe(true);
      expect(d.fromPort).toBe(tx.address().port);
    });
    // Datagrams of one batch share a slab; the data are views, not copies.
    expect(new Set(all.map((d) => d.data.buffer)).size).toBeLessThan(total);
  });

  test('a datagram larger than UDP allows throws EMSGSIZE from sendmmsg', () => {
    const { tx, port } = pair();
    let err: (Error & { code?: string; syscall?: string; sent?: number }) | undefined;
    try {
      tx.sendBatch([
        { data: Buffer.from('fine'), address: loopback, port },
        { data: Buffer.alloc(70000), address: loopback, port },
      ]);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.code).toBe('EMSGSIZE');
    expect(err?.syscall).toBe('sendmmsg');
    expect(err?.sent).toBe(1);
  });
});

test('sending to the broadcast address without SO_BROADCAST throws EACCES', () => {
  const tx = socket(4);
  expect(() => tx.send(Buffer.from('x'), '255.255.255.255', 9)).toThrow(expect.objectContaining({ code: 'EACCES' }));
});

test('an IPv6 scope that names no interface is a bad address', () => {
  const tx = socket(6);
  expect(() => tx.send(Buffer.from('x'), 'fe80::1%nope0', 9)).toThrow("address 'fe80::1%nope0' is not an IPv6 address");
});
