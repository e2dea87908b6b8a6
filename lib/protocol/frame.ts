// The frame every message but ENCRYPTED shares: func, header length in words, fixed fields, variable fields,
// zero padding to a word, header extensions up to the header length, then the body.
import { allZero, pad4, put32, u32 } from './bytes';
import { Decoded, fail, ok } from './errors';
import { Extension, NO_EXTENSIONS, decodeExtensions, extensionsLength, writeExtensions } from './extensions';

export interface Codec<M> {
  decode(b: Uint8Array): Decoded<M>;
  /** Encoded length in bytes. */
  length(m: M): number;
  /** Writes the message at `off` of a zero-filled `out` that has length(m) bytes there. */
  write(m: M, out: Uint8Array, off: number): void;
}

/** Header length in bytes, checked against the datagram and the message's fixed part. */
export function headerLength(b: Uint8Array, fixed: number, name: string): Decoded<number> {
  if (b.length < fixed) return fail('length', `${name} of ${b.length} bytes is shorter than its ${fixed}-byte fixed header`);
  const hlen = b[1] * 4;
  if (hlen < fixed) return fail('length', `${name} header length ${hlen} is shorter than its ${fixed}-byte fixed header`);
  if (hlen > b.length) return fail('length', `${name} header length ${hlen} runs past the ${b.length}-byte message`);
  return ok(hlen);
}

/** Extensions between the end of the variable fields (padded to a word) and the header length. */
export function extensionsAfter(b: Uint8Array, varEnd: number, hlen: number, name: string): Decoded<readonly Extension[]> {
  const extAt = pad4(varEnd);
  if (extAt > hlen) return fail('length', `${name} fields end at ${varEnd}, past the header length ${hlen}`);
  if (!allZero(b, varEnd, extAt)) return fail('field', `${name} padding after the variable fields is not zero`);
  return decodeExtensions(b, extAt, hlen);
}

/** A header with nothing after it: trailing bytes are an error. */
export function noBody(b: Uint8Array, hlen: number, name: string): Decoded<true> {
  return hlen === b.length ? ok(true) : fail('length', `${b.length - hlen} bytes after the ${name} header, which has no body`);
}

export function decodeIds(b: Uint8Array, from: number, name: string): Decoded<number[]> {
  const n = b.length - from;
  if (n % 4 !== 0) return fail('length', `${name} body of ${n} bytes is not a whole number of 4-byte client IDs`);
  const ids = new Array<number>(n / 4);
  for (let i = 0; i < ids.length; i++) ids[i] = u32(b, from + 4 * i);
  return ok(ids);
}

export function writeIds(ids: readonly number[], out: Uint8Array, off: number): void {
  for (let i = 0; i < ids.length; i++) put32(out, off + 4 * i, ids[i]);
}

/** Header length in bytes of a message whose variable fields end at `varEnd`. */
export function encodedHeaderLength(varEnd: number, extensions: readonly Extension[] = NO_EXTENSIONS): number {
  return pad4(varEnd) + extensionsLength(extensions);
}

/** Writes func, header length, and the extensions after the variable fields; returns the body offset. */
export function writeFrame(
  type: number, varEnd: number, extensions: readonly Extension[], out: Uint8Array, off: number,
): number {
  const hlen = encodedHeaderLength(varEnd, extensions);
  out[off] = type;
  out[off + 1] = hlen / 4;
  writeExtensions(extensions, out, off + pad4(varEnd));
  return off + hlen;
}
