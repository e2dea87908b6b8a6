// UdpCapture's own logic against a fake native capture: arguments, batch decoding (capture rows carry the
// destination port and the direction), errors and close. The real capture runs in test/lab/addon-capture.
import { UdpCapture, type NativeCapture, type NativeCaptureHandlers, type CapturedDatagram } from '../../lib/net';
import { CAPTURE_WORDS } from '../../lib/net/datagram-batch';

class FakeCapture implements NativeCapture {
  static last: FakeCapture;
  calls: unknown[][] = [];
  constructor(
    readonly port: number,
    readonly ifindex: number,
    readonly handlers: NativeCaptureHandlers,
  ) {
    FakeCapture.last = this;
  }
  setRecvBuffer(bytes: number) {
    this.calls.push(['setRecvBuffer', bytes]);
    return { requested: bytes, granted: bytes * 2, forced: true };
  }
  start() { this.calls.push(['start']); }
  counts() { return { kernelDrops: 2, unreadable: 1, coalesced: 3 }; }
  close() { this.calls.push(['close']); }
}

type Row = { payload: string; from: number; fromPort: number; to: number; ifindex: number; tos: number; toPort: number; out: boolean };

/** A batch as the addon lays it out: the table, then the payloads back to back. */
function batch(rows: Row[]): ArrayBuffer {
  const table = rows.length * CAPTURE_WORDS * 4;
  const size = table + rows.reduce((n, r) => n + r.payload.length, 0);
  const slab = new ArrayBuffer(size);
  const meta = new Uint32Array(slab, 0, rows.length * CAPTURE_WORDS);
  let offset = table;
  rows.forEach((r, i) => {
    meta.set([offset, r.payload.length, r.from, r.fromPort, r.to, r.ifindex, r.tos, r.toPort, r.out ? 1 : 0], i * CAPTURE_WORDS);
    Buffer.from(slab, offset, r.payload.length).write(r.payload);
    offset += r.payload.length;
  });
  return slab;
}

describe('UdpCapture over a fake native capture', () => {
  test('opens on the port with every interface by default and asks for an 8 MiB buffer', () => {
    const cap = new UdpCapture(FakeCapture, { port: 1044 });
    const fake = FakeCapture.last;
    expect([fake.port, fake.ifindex, fake.calls]).toEqual([1044, 0, [['setRecvBuffer', 8 << 20]]]);
    expect(cap.buffer).toEqual({ requested: 8 << 20, granted: 16 << 20, forced: true });
  });

  test.each([
    [{ port: 0 }, /port must be an integer from 1 to 65535, got 0/],
    [{ port: 1044, recvBufferSize: 0 }, /recvBufferSize must be an integer/],
  ])('refuses %j', (options, message) => {
    expect(() => new UdpCapture(FakeCapture, options)).toThrow(message);
  });

  test('decodes both directions with source and destination ports; starts once', () => {
    const cap = new UdpCapture(FakeCapture, { port: 1044 });
    const got: CapturedDatagram[][] = [];
    cap.onMessages((b) => got.push(b));
    cap.onMessages((b) => got.push(b));
    const fake = FakeCapture.last;
    expect(fake.calls.filter((c) => c[0] === 'start')).toHaveLength(1);
    fake.handlers.onBatch(
      batch([
        { payload: 'register', from: 0, fromPort: 1044, to: 1, ifindex: 3, tos: 0, toPort: 40000, out: true },
        { payload: 'announce', from: 1, fromPort: 40000, to: 2, ifindex: 3, tos: 0xb8, toPort: 1044, out: false },
      ]),
      2,
      ['198.18.0.2', '198.18.0.1', '230.4.4.1'],
    );
    expect(got[0].map((d) => ({ ...d, data: d.data.toString() }))).toEqual([
      { data: 'register', from: '198.18.0.2', fromPort: 1044, to: '198.18.0.1', toPort: 40000, ifindex: 3, tos: 0, direction: 'out' },
      { data: 'announce', from: '198.18.0.1', fromPort: 40000, to: '230.4.4.1', toPort: 1044, ifindex: 3, tos: 0xb8, direction: 'in' },
    ]);
  });

  test('a native error that closed the capture settles close(); counts stay readable', async () => {
    const cap = new UdpCapture(FakeCapture, { port: 1044 });
    const errors: Error[] = [];
    cap.onError((e) => errors.push(e));
    const fake = FakeCapture.last;
    fake.handlers.onError(Object.assign(new Error('uv_poll EBADF'), { code: 'EBADF', closed: true }));
    await cap.close();
    expect(errors.map((e) => e.message)).toEqual(['uv_poll EBADF']);
    expect(fake.calls.filter((c) => c[0] === 'close')).toHaveLength(1);
    expect(cap.counts()).toEqual({ kernelDrops: 2, unreadable: 1, coalesced: 3 });
  });

  test('a buffer the kernel refuses closes the native capture before the error is thrown', () => {
    class Refusing extends FakeCapture {
      override setRecvBuffer(): never {
        throw Object.assign(new Error('setsockopt EINVAL'), { code: 'EINVAL' });
      }
    }
    expect(() => new UdpCapture(Refusing, { port: 1044 })).toThrow('setsockopt EINVAL');
    expect(FakeCapture.last.calls).toEqual([['close']]);
  });
});
