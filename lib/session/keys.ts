// Moving keys between lib/crypto (KeyObject, raw blob bytes) and lib/protocol (decoded KeyBlob fields).
import type { KeyObject } from 'node:crypto';
import { fingerprint, importKeyBlob, keyBlob } from '../crypto';
import { decodeKeyBlob, encodeKeyBlob, type KeyBlob } from '../protocol';

export function blobOf(key: KeyObject): KeyBlob {
  const raw = keyBlob(key);
  const decoded = decodeKeyBlob(raw, 0, raw.length, 'own key');
  if (!decoded.ok) throw new TypeError(`own key has no usable blob: ${decoded.error.toString()}`);
  return decoded.value;
}

/** The public key a blob holds, or undefined when it holds none usable (never throws). */
export function keyOfBlob(blob: KeyBlob | null | undefined): KeyObject | undefined {
  if (!blob) return undefined;
  try {
    return importKeyBlob(encodeKeyBlob(blob)).key;
  } catch {
    return undefined;
  }
}

export function blobFingerprint(blob: KeyBlob | null | undefined): string | undefined {
  const key = keyOfBlob(blob);
  return key ? fingerprint(key) : undefined;
}

/** A 32-bit nonce as the 4 big-endian bytes that HB_REQ and PROXY_KEY sign. */
export function nonceBytes(nonce: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(nonce >>> 0);
  return b;
}
