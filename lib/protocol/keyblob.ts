// RSA and EC public key blobs (protocol.txt 5.2.3.2, 5.2.3.3), as carried in EXT_ENC_INFO, CLIENT_KEY,
// HB_REQ and PROXY_KEY: their fields. lib/crypto/key-blob.ts turns the same bytes into key objects.
// An EC key goes out zero-padded to a word, the padding outside the key length but inside the blob
// (the real uftp's ANNOUNCE with a sect163k1 key: key length 42, a 48-byte blob).
import { KeyBlobType } from './constants';
import { allZero, copy, pad4, put16, put32, u16, u32 } from './bytes';
import { Decoded, fail, ok } from './errors';

export interface RsaKeyBlob {
  blobType: KeyBlobType.RSA;
  reserved: number;
  exponent: number;
  modulus: Uint8Array;
}

export interface EcKeyBlob {
  blobType: KeyBlobType.EC;
  /** Curve number of section 5.3.12 (see CURVES). */
  curve: number;
  /** X then Y, each as long as the curve's field (64 bytes for prime256v1: no 0x04 prefix on the wire), without the padding. */
  key: Uint8Array;
}

export type KeyBlob = RsaKeyBlob | EcKeyBlob;

export function keyBlobLength(blob: KeyBlob): number {
  return blob.blobType === KeyBlobType.RSA ? 8 + blob.modulus.length : 4 + pad4(blob.key.length);
}

/** Decodes exactly b[from..to): the blob must fill the field its message gives it. */
export function decodeKeyBlob(b: Uint8Array, from: number, to: number, what: string): Decoded<KeyBlob> {
  if (to - from < 4) return fail('length', `${what}: key blob of ${to - from} bytes is shorter than 4`);
  const type = b[from];
  if (type === KeyBlobType.RSA) {
    const modLen = u16(b, from + 2);
    if (to - from < 8 || to - from !== 8 + modLen) {
      return fail('length', `${what}: RSA key blob with a ${modLen}-byte modulus does not fill its ${to - from}-byte field`);
    }
    return ok({ blobType: KeyBlobType.RSA, reserved: b[from + 1], exponent: u32(b, from + 4), modulus: copy(b, from + 8, to) });
  }
  if (type === KeyBlobType.EC) {
    const keyLen = u16(b, from + 2);
    if (to - from !== 4 + pad4(keyLen)) {
      return fail('length', `${what}: EC key blob with a ${keyLen}-byte key does not fill its ${to - from}-byte field`);
    }
    const keyEnd = from + 4 + keyLen;
    if (!allZero(b, keyEnd, to)) return fail('field', `${what}: EC key blob padding is not zero`);
    return ok({ blobType: KeyBlobType.EC, curve: b[from + 1], key: copy(b, from + 4, keyEnd) });
  }
  return fail('field', `${what}: key blob type ${type} is neither RSA (1) nor EC (2)`);
}

export function writeKeyBlob(blob: KeyBlob, out: Uint8Array, off: number): void {
  out[off] = blob.blobType;
  if (blob.blobType === KeyBlobType.RSA) {
    out[off + 1] = blob.reserved;
    put16(out, off + 2, blob.modulus.length);
    put32(out, off + 4, blob.exponent);
    out.set(blob.modulus, off + 8);
  } else {
    out[off + 1] = blob.curve;
    put16(out, off + 2, blob.key.length);
    out.set(blob.key, off + 4);
    out.fill(0, off + 4 + blob.key.length, off + keyBlobLength(blob));
  }
}

/** A blob alone, as lib/crypto/key-blob.ts reads it. */
export function encodeKeyBlob(blob: KeyBlob): Buffer {
  const out = Buffer.alloc(keyBlobLength(blob));
  writeKeyBlob(blob, out, 0);
  return out;
}

/** An optional blob field: length 0 on the wire means none. */
export function decodeOptionalBlob(b: Uint8Array, from: number, to: number, what: string): Decoded<KeyBlob | null> {
  return from === to ? ok(null) : decodeKeyBlob(b, from, to, what);
}

export function optionalBlobLength(blob: KeyBlob | null): number {
  return blob ? keyBlobLength(blob) : 0;
}
