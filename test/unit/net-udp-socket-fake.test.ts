// UdpSocket's own logic against a fake native socket: argument mapping,
// batch decoding, the flush/close promises. No sockets involved.
import { UdpSocket, type NativeHandlers, type NativeSocket } from '../../lib/net';
import { META_WORDS } from '../../lib/net/datagram-batch';

class FakeNative implements NativeSocket {
  static last: FakeNative;
  calls: unknown[][] = [];
  pending = 0;
  constructor(
    readonly family: 4 | 6,
    readonly reuseAddr: boolean,
    readonly handlers: NativeHandlers,
  ) {
    FakeNative.last = this;
  }
  private record(name: string, ...args: unknown[]) {
    this.calls.push([name, ...args]);
  }
  bind(address: string, port: number) { this.record('bind', address, port); }
  address() { return { address: '127.0.0.1', port: 4000 }; }
  setBuffer(receive: boolean, bytes: number, force: boolean) {
    this.record('setBuffer', receive, bytes, force);
    return { requested: bytes, granted: bytes * 2, forced: force };
  }
  getBuffer() { return 0; }
  setTos(tos: number) { this.record('setTos', tos); }
  getTos() { return 0; }
  dscpMarking() { return { mechanism: 'IP_TOS' as const, detail: 'applied by the kernel' }; }
  setMulticastTtl(ttl: number) { this.record('setMulticastTtl', ttl); }
  getMulticastTtl() { return 1; }
  setMulticastLoopback(on: boolean) { this.record('setMulticastLoopback', on); }
  setDontFragment(on: boolean) { this.record('setDontFragment', on); }
  setV6Only(on: boolean) { this.record('setV6Only', on); }
  setMulticastInterface(ifindex: number) { this.record('setMulticastInterface', ifindex); }
  getMulticastInterface() { return 0; }
  membership(join: boolean, group: string, source: string | null, ifindex: number) {
    this.record('membership', join, group, source, ifindex);
  }
  startReceiving() { this.record('startReceiving'); return false; }
  holdReceiving(on: boolean) { this.record('holdReceiving', on); }
  send(data: Uint8Array, address: string, port: number) {
    this.record('send', Buffer.from(data).toString(), address, port);
    return this.pending > 0 ? 0 : 1;
  }
  sendBatch(datas: Uint8Array[], addresses: string[], ports: number[]) {
    this.record('sendBatch', datas.map((d) => Buffer.from(d).toString()), addresses, ports);
    return datas.length - this.pending;
  }
  queued() { return this.pending; }
  sendQueue() { return { datagrams: this.pending, bytes: this.pending * 100, dropped: 3, peakBytes: 900, limitBytes: 1000 }; }
  setSendQueueLimit(bytes: number) { this.record('setSendQueueLimit', bytes); return bytes; }
  setSegmentOffload(on: boolean) { this.record('setSegmentOffload', on); return 0; }
  segmentLimit() { return 0; }
  receiveDrops() { return null; }
  close() { this.record('close'); }
}

function make(family: 4 | 6 = 4): { sock: UdpSocket; fake: FakeNative } {
  const sock = new UdpSocket(FakeNative, { family });
  return { sock, fake: FakeNative.last };
}

/** A slab laid out like binding_socket.cc's DeliverBatch (layout in batch_table.h). */
function slab(rows: { data: string; from: number; port: number; to: number; ifindex: number; tos: number }[]) {
  const metaBytes = rows.length * META_WORDS * 4;
  const total = metaBytes + rows.reduce((n, r) => n + r.data.length, 0);
  const buf = new ArrayBuffer(total);
  const meta = new Uint32Array(buf, 0, rows.length * META_WORDS);
  let offset = metaBytes;
  rows.forEach((r, i) => {
    new Uint8Array(buf, offset, r.data.length).set(Buffer.from(r.data));
    meta.set([offset, r.data.length, r.from, r.port, r.to, r.ifindex, r.tos], i * META_WORDS);
    offset += r.data.length;
  });
  return buf;
}

test('options reach the native constructor, reuseAddr defaulting to true', () => {
  expect(make(6).fake).toMatchObject({ family: 6, reuseAddr: true });
  new UdpSocket(FakeNative, { family: 4, reuseAddr: false });
  expect(FakeNative.last.reuseAddr).toBe(false);
});

test('setters map onto native calls', () => {
  const { sock, fake } = make();
  sock.setDscp(46);
  sock.setMulticastTtl(32);
  sock.setMulticastLoopback(false);
  sock.setRecvBufferSize(8388608);
  sock.setSendBufferSize(1024, { force: false });
  sock.joinGroup('239.1.1.1');
  sock.joinSourceGroup('232.1.1.1', '198.51.100.9', 'lo');
  sock.leaveGroup('239.1.1.1');
  expect(fake.calls).toEqual([
    ['setTos', 0xb8],
    ['setMulticastTtl', 32],
    ['setMulticastLoopback', false],
    ['setBuffer', true, 8388608, true],
    ['setBuffer', false, 1024, false],
    ['membership', true, '239.1.1.1', null, 0],
    ['membership', true, '232.1.1.1', '198.51.100.9', expect.any(Number)],
    ['membership', false, '239.1.1.1', null, 0],
  ]);
});

test('a native batch becomes Datagrams viewing one slab', () => {
  const { sock, fake } = make();
  const got: { data: string; from: string; fromPort: number; to: string; ifindex: number; tos: number }[] = [];
  let slabs = new Set<ArrayBufferLike>();
  sock.onMessages(() => undefined);
  expect(fake.calls).toEqual([['startReceiving']]);
  sock.onMessages((batch) => {
    slabs = new Set(batch.map((d) => d.data.buffer));
    for (const d of batch) got.push({ ...d, data: d.data.toString() });
  });
  expect(fake.calls).toEqual([['startReceiving']]); // replacing the callback does not restart
  const buf = slab([
    { data: 'one', from: 0, port: 1000, to: 1, ifindex: 3, tos: 0 },
    { data: 'second', from: 2, port: 2000, to: 1, ifindex: 3, tos: 0xb8 },
  ]);
  fake.handlers.onBatch(buf, 2, ['198.51.100.1', '239.1.1.1', '198.51.100.2']);
  expect(got).toEqual([
    { data: 'one', from: '198.51.100.1', fromPort: 1000, to: '239.1.1.1', ifindex: 3, tos: 0 },
    { data: 'second', from: '198.51.100.2', fromPort: 2000, to: '239.1.1.1', ifindex: 3, tos: 0xb8 },
  ]);
  expect([...slabs]).toEqual([buf]);
});

test('sendBatch passes three parallel arrays and names the bad element', () => {
  const { sock, fake } = make();
  const n = sock.sendBatch([
    { data: Buffer.from('a'), address: '198.51.100.1', port: 1 },
    { data: Buffer.from('b'), address: '198.51.100.2', port: 2 },
  ]);
  expect(n).toBe(2);
  expect(fake.calls).toEqual([['sendBatch', ['a', 'b'], ['198.51.100.1', '198.51.100.2'], [1, 2]]]);
  expect(() => sock.sendBatch([{ data: Buffer.from('a'), address: 'nope', port: 1 }])).toThrow(
    "datagrams[0].address 'nope' is not an IPv4 address",
  );
  expect(() => sock.sendBatch([{ data: 'x' as unknown as Buffer, address: '198.51.100.1', port: 1 }])).toThrow(
    /datagrams\[0\]\.data/,
  );
});

test('flush resolves on drain; close rejects what still waits, once', async () => {
  const { sock, fake } = make();
  await expect(sock.flush()).resolves.toBeUndefined(); // empty queue: at once
  fake.pending = 1;
  expect(sock.send(Buffer.from('x'), '198.51.100.1', 9)).toBe(false);
  let flushed = false;
  const flushing = sock.flush().then(() => (flushed = true));
  await Promise.resolve();
  expect(flushed).toBe(false);
  fake.pending = 0;
  fake.handlers.onDrain();
  await flushing;
  expect(flushed).toBe(true);

  fake.pending = 3;
  const waiting = sock.flush();
  const closing = sock.close();
  expect(sock.close()).toBe(closing);
  await expect(waiting).rejects.toMatchObject({ code: 'ERR_SOCKET_CLOSED' });
  await closing;
  expect(fake.calls.filter((c) => c[0] === 'close')).toHaveLength(1);
});

test('async errors go to onError', () => {
  const { sock, fake } = make();
  const seen: string[] = [];
  sock.onError((err) => seen.push(err.code));
  fake.handlers.onError(Object.assign(new Error('recvmmsg ENOMEM'), { code: 'ENOMEM', errno: 12, syscall: 'recvmmsg' }));
  expect(seen).toEqual(['ENOMEM']);
});

test('the send queue: depth passed through, its limit checked', () => {
  const { sock, fake } = make();
  fake.pending = 2;
  expect(sock.sendQueue()).toEqual({ datagrams: 2, bytes: 200, dropped: 3, peakBytes: 900, limitBytes: 1000 });
  expect(sock.setSendQueueLimit(5000)).toBe(5000);
  expect(fake.calls).toContainEqual(['setSendQueueLimit', 5000]);
  expect(() => sock.setSendQueueLimit(-1)).toThrow(RangeError);
  expect(() => sock.setSendQueueLimit(1.5)).toThrow(RangeError);
});
