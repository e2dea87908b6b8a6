// Big-endian field access at fixed offsets: plain byte arithmetic, no DataView per call (hot path: FILESEG).

export function u16(b: Uint8Array, off: number): number {
  return (b[off] << 8) | b[off + 1];
}

export function u32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

export function u24(b: Uint8Array, off: number): number {
  return (b[off] << 16) | (b[off + 1] << 8) | b[off + 2];
}

export function put16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

export function put24(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 16) & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
  b[off + 2] = v & 0xff;
}

export function put32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

export function u64(b: Uint8Array, off: number): bigint {
  return (BigInt(u32(b, off)) << 32n) | BigInt(u32(b, off + 4));
}

export function put64(b: Uint8Array, off: number, v: bigint): void {
  put32(b, off, Number((v >> 32n) & 0xffffffffn));
  put32(b, off + 4, Number(v & 0xffffffffn));
}

/** Rounds a byte count up to whole 4-byte words, the unit of every UFTP length-in-words field. */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** True when b[from..to) holds only zero bytes (padding must be zero so re-encoding is exact). */
export function allZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** A copy, so a decoded message does not pin the datagram buffer (FILESEG data is the exception). */
export function copy(b: Uint8Array, from: number, to: number): Uint8Array {
  return Uint8Array.prototype.slice.call(b, from, to);
}

/** How many bits are set: the NAKs in a STATUS bitmap. */
export function bitCount(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    let v = b[i];
    while (v !== 0) {
      v &= v - 1;
      n++;
    }
  }
  return n;
}
