// The test payload of uftp_diag send: what is written reads back, and any change is caught.
import { PAYLOAD_MIN, readPayload, writePayload } from '../../lib/cli/diag/payload';

describe('diag payload', () => {
  test.each([8, 9, 100, 1400, 9000])('round trip at %i bytes for many sequence numbers', (size) => {
    const buf = Buffer.alloc(size);
    for (const seq of [0, 1, 255, 256, 1000, 0xfffffffe, 0xffffffff]) {
      writePayload(buf, seq);
      expect(readPayload(buf)).toBe(seq);
    }
  });

  test('layout: magic, big-endian seq, filler (seq + i) & 0xff', () => {
    const buf = Buffer.alloc(12);
    writePayload(buf, 0x01020304);
    expect([...buf]).toEqual([0x55, 0x44, 0x49, 0x47, 1, 2, 3, 4, (0x04 + 8) & 0xff, 0x0d, 0x0e, 0x0f]);
  });

  test('a changed byte anywhere makes it unreadable (or another seq)', () => {
    const buf = Buffer.alloc(64);
    writePayload(buf, 7);
    for (let i = 0; i < buf.length; i++) {
      const copy = Buffer.from(buf);
      copy[i] ^= 0x40;
      expect(readPayload(copy)).not.toBe(7);
    }
  });

  test('short or foreign data is not a payload', () => {
    expect(readPayload(Buffer.alloc(PAYLOAD_MIN - 1))).toBeNull();
    expect(readPayload(Buffer.from('hello, world'))).toBeNull();
  });

  test('reads a view into a larger slab', () => {
    const slab = Buffer.alloc(300);
    writePayload(slab.subarray(100, 200), 42);
    expect(readPayload(new Uint8Array(slab.buffer, slab.byteOffset + 100, 100))).toBe(42);
  });
});
