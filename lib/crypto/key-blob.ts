// Public key blobs of protocol.txt 5.2.3.2 (RSA) and 5.2.3.3 (EC), as the real programs build
// them: RSA = type 1 | 0 | modulus length | 32-bit exponent | modulus (no leading zeros);
// EC = type 2 | curve | key length | X | Y, zero-padded to a multiple of 4 (the padding is not
// counted in the key length, but is part of the blob and of its fingerprint).
import { createPublicKey, KeyObject } from 'crypto';
import { curveById, curveId } from './curves';
import { spkiKeyBits } from './der';
import { generateKeyPair } from './key-pair';

export const KEYBLOB_RSA = 1;
export const KEYBLOB_EC = 2;

export class KeyBlobError extends Error {
  override readonly name = 'KeyBlobError';
}

function publicOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

/** Byte length of an RSA key's modulus (OpenSSL's RSA_size): also its signature length. */
export function rsaModulusLength(key: KeyObject): number {
  return Buffer.from(publicOf(key).export({ format: 'jwk' }).n as string, 'base64url').length;
}

function pad4(length: number): number {
  return (length + 3) & ~3;
}

/** The uncompressed point (04 | X | Y) of an EC key. */
export function ecPoint(key: KeyObject): Buffer {
  return spkiKeyBits(publicOf(key).export({ type: 'spki', format: 'der' }));
}

/** The UFTP curve name of an EC key, or a KeyBlobError for curves UFTP has no number for. */
export function ecCurveOf(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === undefined || curveId(curve) === undefined) {
    throw new KeyBlobError(`EC curve ${curve ?? '(unnamed)'} has no UFTP curve number`);
  }
  return curve;
}

/** X | Y length of an EC key before padding (the blob's key length field). */
export function ecKeyLength(key: KeyObject): number {
  return ecPoint(key).length - 1;
}

/** X | Y length after padding to 4 bytes, as ECDSA signature sizes count it. */
export function ecPaddedKeyLength(key: KeyObject): number {
  return pad4(ecKeyLength(key));
}

function rsaBlob(key: KeyObject): Buffer {
  const jwk = publicOf(key).export({ format: 'jwk' });
  const modulus = Buffer.from(jwk.n as string, 'base64url');
  const exponent = Buffer.from(jwk.e as string, 'base64url');
  if (exponent.length > 4) throw new KeyBlobError('RSA exponent does not fit the 32-bit blob field');
  const head = Buffer.alloc(8);
  head[0] = KEYBLOB_RSA;
  head.writeUInt16BE(modulus.length, 2);
  head.set(exponent, 8 - exponent.length);
  return Buffer.concat([head, modulus]);
}

function ecBlob(key: KeyObject): Buffer {
  const curve = ecCurveOf(key);
  const xy = ecPoint(key).subarray(1);
  const blob = Buffer.alloc(4 + pad4(xy.length));
  blob[0] = KEYBLOB_EC;
  blob[1] = curveId(curve) as number;
  blob.writeUInt16BE(xy.length, 2);
  blob.set(xy, 4);
  return blob;
}

/** The key blob of an RSA or EC key (private keys give their public half's blob). */
export function keyBlob(key: KeyObject): Buffer {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return rsaBlob(key);
    case 'ec':
      return ecBlob(key);
    default:
      throw new KeyBlobError(`${key.asymmetricKeyType ?? 'unknown'} keys have no UFTP key blob`);
  }
}

// SubjectPublicKeyInfo prefixes per curve, taken from a throwaway key: saves an OID table.
const spkiPrefixes = new Map<string, Buffer>();

function spkiPrefix(curve: string): Buffer {
  let prefix = spkiPrefixes.get(curve);
  if (prefix === undefined) {
    const { publicKey } = generateKeyPair({ type: 'ec', curve });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    prefix = spki.subarray(0, spki.length - ecPoint(publicKey).length);
    spkiPrefixes.set(curve, prefix);
  }
  return prefix;
}

/** An EC public key from its curve and X | Y. */
export function ecPublicKey(curve: string, xy: Uint8Array): KeyObject {
  const prefix = spkiPrefix(curve);
  const der = Buffer.concat([prefix, Buffer.from([4]), xy]);
  try {
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (ecPoint(key).length !== xy.length + 1) throw new Error('length');
    return key;
  } catch {
    throw new KeyBlobError(`EC key of ${xy.length} bytes is not a point on ${curve}`);
  }
}

export interface ImportedBlob {
  key: KeyObject;
  /** Bytes of the input the blob used (with EC padding); the rest belongs to what follows. */
  length: number;
}

/** Reads a key blob at the start of `bytes`; throws KeyBlobError on anything malformed. */
export function importKeyBlob(bytes: Uint8Array): ImportedBlob {
  if (bytes.length < 4) throw new KeyBlobError(`key blob of ${bytes.length} bytes is shorter than its 4-byte head`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const type = view[0];
  const len = view.readUInt16BE(2);
  if (type === KEYBLOB_RSA) {
    if (view[1] !== 0) throw new KeyBlobError('RSA key blob reserved byte is not 0');
    if (8 + len > view.length || len === 0) throw new KeyBlobError(`RSA modulus of ${len} bytes runs past the blob`);
    const exponent = view.subarray(4, 8);
    const modulus = view.subarray(8, 8 + len);
    try {
      const key = createPublicKey({
        key: { kty: 'RSA', n: modulus.toString('base64url'), e: exponent.toString('base64url') },
        format: 'jwk',
      });
      return { key, length: 8 + len };
    } catch {
      throw new KeyBlobError('RSA key blob does not hold a usable public key');
    }
  }
  if (type === KEYBLOB_EC) {
    const curve = curveById(view[1]);
    if (curve === undefined) throw new KeyBlobError(`EC key blob names unknown curve ${view[1]}`);
    if (4 + len > view.length) throw new KeyBlobError(`EC key of ${len} bytes runs past the blob`);
    const key = ecPublicKey(curve, view.subarray(4, 4 + len));
    return { key, length: Math.min(view.length, 4 + pad4(len)) };
  }
  throw new KeyBlobError(`unknown key blob type ${type}`);
}
