// A dual-stack socket (IPv6 with IPV6_V6ONLY off), as the real uftpproxyd opens when its groups are IPv4 and
// its downstream is IPv6: IPv4 peers are given and reported as plain IPv4 addresses, IPv6 ones as IPv6, on one
// socket. Real sockets on the loopback interface.
import { UdpSocket } from '../../lib/net';
import { receive } from './net-helpers';

const open: UdpSocket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function socket(options: Parameters<typeof UdpSocket.open>[0]): UdpSocket {
  const s = UdpSocket.open(options);
  open.push(s);
  return s;
}

describe('dual-stack socket', () => {
  test('takes IPv4 and IPv6 peers: each is reported, and answered, in its own family', async () => {
    const dual = socket({ family: 6, dualStack: true });
    dual.bind('::', 0);
    const { port } = dual.address();
    const v4 = socket({ family: 4 });
    v4.bind('127.0.0.1', 0);
    const v6 = socket({ family: 6 });
    v6.bind('::1', 0);

    const got = receive(dual, 2);
    v4.send(Buffer.from('four'), '127.0.0.1', port);
    v6.send(Buffer.from('six'), '::1', port);
    const batch = await got;
    const by = Object.fromEntries(batch.map((d) => [d.data.toString(), d]));
    expect(by.four).toMatchObject({ from: '127.0.0.1', fromPort: v4.address().port, to: '127.0.0.1' });
    expect(by.six).toMatchObject({ from: '::1', fromPort: v6.address().port, to: '::1' });

    const back4 = receive(v4, 1);
    const back6 = receive(v6, 1);
    dual.sendBatch([
      { data: Buffer.from('to four'), address: '127.0.0.1', port: v4.address().port },
      { data: Buffer.from('to six'), address: '::1', port: v6.address().port },
    ]);
    expect((await back4)[0]).toMatchObject({ from: '127.0.0.1', fromPort: port });
    expect((await back6)[0]).toMatchObject({ from: '::1', fromPort: port });
  });

  test('options: TTL and don\'t-fragment for both families; an IPv4-only socket cannot be dual', () => {
    const dual = socket({ family: 6, dualStack: true });
    dual.setMulticastTtl(9);
    expect(dual.getMulticastTtl()).toBe(9);
    expect(() => dual.setDontFragment(false)).not.toThrow();
    expect(dual.dualStack).toBe(true);
    expect(() => UdpSocket.open({ family: 4, dualStack: true })).toThrow('dualStack needs family 6');
    const plain = socket({ family: 6 });
    expect(() => plain.send(Buffer.from('x'), '127.0.0.1', 9)).toThrow("address '127.0.0.1' is not an IPv6 address");
  });
});
