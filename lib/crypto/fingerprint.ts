// Key fingerprints as every UFTP 4.10.2 program prints and compares them: SHA-1 of the key
// blob (key-blob.ts), as upper-case hex pairs joined by colons.
import { createHash, KeyObject } from 'crypto';
import { keyBlob } from './key-blob';

export function fingerprintBytes(key: KeyObject): Buffer {
  return createHash('sha1').update(keyBlob(key)).digest();
}

export function formatFingerprint(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

export function fingerprint(key: KeyObject): string {
  return formatFingerprint(fingerprintBytes(key));
}
