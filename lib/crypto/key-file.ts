// Private key files in the PEM flavours the real uftp_keymgt writes (PKCS#1 "RSA PRIVATE KEY",
// SEC1 "EC PRIVATE KEY" with a named curve) and reads (those two and PKCS#8 "PRIVATE KEY").
import { createPrivateKey, KeyObject } from 'crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'fs';
import { canonicalCurveName } from './curves';
import { ecCurveOf, KeyBlobError } from './key-blob';
import { generateKeyPair } from './key-pair';
import { signatureLength } from './signatures';

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export type KeySpec = { type: 'rsa'; bits: number } | { type: 'ec'; curve: string };

export interface KeyInfo {
  key: KeyObject;
  type: 'rsa' | 'ec';
  /** RSA: the modulus length in bits as UFTP counts it (its byte length times 8). */
  bits?: number;
  /** EC: the OpenSSL name of the curve. */
  curve?: string;
}

/** RSA key sizes uftp_keymgt 4.10.2 generates. */
export const RSA_MIN_BITS = 512;
export const RSA_MAX_BITS = 2048;

export function describeKey(key: KeyObject): KeyInfo {
  if (key.asymmetricKeyType === 'rsa') return { key, type: 'rsa', bits: signatureLength(key) * 8 };
  if (key.asymmetricKeyType === 'ec') return { key, type: 'ec', curve: ecCurveOf(key) };
  throw new KeyBlobError(`it holds an ${key.asymmetricKeyType ?? 'unknown'} key, not an RSA or EC key`);
}

/** Reads an unencrypted PEM private key file; every failure is a KeyFileError naming the file. */
export function readKeyFile(path: string): KeyInfo {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new KeyFileError(`${path}: cannot read key file: ${e.message}`, e.code);
  }
  const text = pem.toString('latin1');
  if (!text.includes('-----BEGIN ')) throw new KeyFileError(`${path}: not a PEM private key file`, 'EBADKEY');
  // UFTP keys are stored unencrypted; there is no passphrase to ask for.
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw new KeyFileError(`${path}: cannot load private key: it is encrypted`, 'EBADKEY');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyFileError(`${path}: cannot load private key: ${(err as Error).message}`, 'EBADKEY');
  }
  try {
    return describeKey(key);
  } catch (err) {
    throw new KeyFileError(`${path}: ${(err as Error).message}`, 'EBADKEY');
  }
}

/** Checks a key spec the way uftp_keymgt -g does; throws RangeError naming what is wrong. */
export function checkKeySpec(spec: KeySpec): KeySpec {
  if (spec.type === 'rsa') {
    if (!Number.isInteger(spec.bits) || spec.bits < RSA_MIN_BITS || spec.bits > RSA_MAX_BITS) {
      throw new RangeError(`RSA key length ${spec.bits} is outside ${RSA_MIN_BITS}-${RSA_MAX_BITS} bits`);
    }
    return spec;
  }
  const curve = canonicalCurveName(spec.curve);
  if (curve === undefined) throw new RangeError(`curve '${spec.curve}' is not one of UFTP's named curves`);
  return { type: 'ec', curve };
}

export function generateKey(spec: KeySpec): KeyObject {
  const checked = checkKeySpec(spec);
  return generateKeyPair(checked).privateKey;
}

export function privateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
  return key.export({ type, format: 'pem' }) as string;
}

/** Writes the key as PEM to a new file (mode 0600); refuses to replace an existing file. */
export function writeKeyFile(path: string, key: KeyObject): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EEXIST' ? 'file already exists, will not overwrite it' : e.message;
    throw new KeyFileError(`${path}: cannot create key file: ${why}`, e.code);
  }
  try {
    writeSync(fd, privateKeyPem(key));
  } finally {
    closeSync(fd);
  }
}
