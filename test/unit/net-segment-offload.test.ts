// UDP GSO in sendBatch over loopback: on by default where the kernel has it, switchable per socket, and
// the receiver gets the same datagrams either way. (Bridges, routers, multicast and MTU fallback: the lab
// test test/lab/addon-gso.test.ts.)
import { readFileSync } from 'node:fs';
import { loadAddon } from '../../lib/net/native';
import { receive, useSockets } from './net-helpers';

const socket = useSockets();

// UDP_SEGMENT came with Linux 4.18.
function kernelHasGso(): boolean {
  const [major, minor] = readFileSync('/proc/sys/kernel/osrelease', 'utf8').split('.').map(Number);
  return major > 4 || (major === 4 && minor >= 18);
}
const linuxGso = process.platform === 'linux' && kernelHasGso();

describe.each([4, 6] as const)('IPv%i', (family) => {
  const loopback = family === 4 ? '127.0.0.1' : '::1';

  test('on by default where the kernel has it; off and on again per socket', () => {
    const s = socket(family);
    const initial = s.segmentLimit();
    if (linuxGso) expect(initial).toBeGreaterThan(1500);
    else expect(initial).toBe(0);
    expect(s.setSegmentOffload(false)).toBe(0);
    expect(s.segmentLimit()).toBe(0);
    expect(s.setSegmentOffload(true)).toBe(initial);
    expect(() => s.setSegmentOffload('yes' as unknown as boolean)).toThrow(/on/);
  });

  test.each([true, false])('gso %s: runs of equal sizes, short tails and lone datagrams arrive as sent', async (gso) => {
    const rx = socket(family);
    rx.setRecvBufferSize(4 << 20);
    rx.bind(loopback, 0);
    const tx = socket(family);
    tx.bind(loopback, 0);
    tx.setSegmentOffload(gso);
    const sizes = [1000, 1000, 1000, 1000, 7, 1, 300, 300, 1400, 1400, 1399, 1400, 9000, 9000, 9000, 0, 5, 5];
    const datagrams = Array.from({ length: 40 }, (_, round) => sizes.map((size, i) => Buffer.alloc(size, (round * 31 + i) & 0xff))).flat();
    const got = receive(rx, datagrams.length);
    expect(tx.sendBatch(datagrams.map((data) => ({ data, address: loopback, port: rx.address().port })))).toBe(datagrams.length);
    const arrived = await got;
    expect(arrived.map((d) => d.data.length)).toEqual(datagrams.map((d) => d.length));
    expect(arrived.every((d, i) => d.data.equals(datagrams[i]))).toBe(true);
  });

  // Port 0 is refused by the kernel for any datagram (EINVAL), coalesced or not: not a segment-size problem.
  (linuxGso ? test : test.skip)('an EINVAL that a lone datagram gets too leaves the segment limit alone', () => {
    const tx = new (loadAddon().Socket)(family, true, { onBatch: () => undefined, onError: () => undefined, onDrain: () => undefined });
    try {
      const limit = tx.segmentLimit();
      const datas = Array.from({ length: 4 }, () => Buffer.alloc(1000));
      let code: unknown;
      try {
        tx.sendBatch(datas, datas.map(() => loopback), datas.map(() => 0));
      } catch (err) {
        code = (err as { code?: unknown }).code;
      }
      expect(code).toBe('EINVAL');
      expect(tx.segmentLimit()).toBe(limit);
    } finally {
      tx.close();
    }
  });
});
