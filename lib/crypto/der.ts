// Just enough DER to reach an EC point inside a SubjectPublicKeyInfo and to move ECDSA
// signatures between DER and UFTP's own (rlen, slen, r, s) layout.

export interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the last content byte. */
  end: number;
}

export function readTlv(der: Uint8Array, offset: number): Tlv {
  if (offset + 2 > der.length) throw new RangeError('DER value truncated');
  const tag = der[offset];
  let len = der[offset + 1];
  let start = offset + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 3 || start + count > der.length) throw new RangeError('bad DER length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + der[start + i];
    start += count;
  }
  if (start + len > der.length) throw new RangeError('DER value runs past its container');
  return { tag, start, end: start + len };
}

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function encodeTlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** Drops leading zero bytes: the big-endian magnitude as OpenSSL's BN_bn2bin writes it. */
export function stripLeadingZeros(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.subarray(i));
}

/** A DER INTEGER holding the unsigned big-endian value `magnitude`. */
export function encodeUnsignedInteger(magnitude: Uint8Array): Buffer {
  const m = stripLeadingZeros(magnitude);
  return encodeTlv(0x02, m[0] & 0x80 ? Buffer.concat([Buffer.from([0]), m]) : m);
}

/** The bytes inside the BIT STRING of a SubjectPublicKeyInfo (for EC: 04 | X | Y). */
export function spkiKeyBits(spki: Uint8Array): Buffer {
  const outer = readTlv(spki, 0);
  const algorithm = readTlv(spki, outer.start);
  const bits = readTlv(spki, algorithm.end);
  if (outer.tag !== 0x30 || algorithm.tag !== 0x30 || bits.tag !== 0x03) throw new RangeError('not a SubjectPublicKeyInfo');
  return Buffer.from(spki.subarray(bits.start + 1, bits.end));
}
