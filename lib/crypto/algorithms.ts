// The symmetric ciphers and hashes of UFTP 4 (protocol.txt section 4), by OpenSSL name.
// Crypto sits below protocol/, so it speaks names; protocol/ maps the 5.3 numbers onto them.
import { getCiphers } from 'crypto';

export type CipherName =
  | 'des-cbc'
  | 'des-ede3-cbc'
  | 'aes-128-cbc'
  | 'aes-256-cbc'
  | 'aes-128-gcm'
  | 'aes-256-gcm'
  | 'aes-128-ccm'
  | 'aes-256-ccm';

export type CipherMode = 'cbc' | 'gcm' | 'ccm';

export interface CipherSpec {
  name: CipherName;
  mode: CipherMode;
  keyLen: number;
  /** Length of the IV UFTP builds for this cipher: 8 (DES), 12 (GCM/CCM) or 16 (AES-CBC). */
  ivLen: number;
  blockSize: number;
}

/** GCM and CCM tags are 16 bytes in UFTP 4 and follow the ciphertext. */
export const AUTH_TAG_LEN = 16;
/** The salt from which IVs are built (4 bytes of every key block). */
export const SALT_LEN = 4;

const CIPHERS: Record<CipherName, CipherSpec> = {
  'des-cbc': { name: 'des-cbc', mode: 'cbc', keyLen: 8, ivLen: 8, blockSize: 8 },
  'des-ede3-cbc': { name: 'des-ede3-cbc', mode: 'cbc', keyLen: 24, ivLen: 8, blockSize: 8 },
  'aes-128-cbc': { name: 'aes-128-cbc', mode: 'cbc', keyLen: 16, ivLen: 16, blockSize: 16 },
  'aes-256-cbc': { name: 'aes-256-cbc', mode: 'cbc', keyLen: 32, ivLen: 16, blockSize: 16 },
  'aes-128-gcm': { name: 'aes-128-gcm', mode: 'gcm', keyLen: 16, ivLen: 12, blockSize: 16 },
  'aes-256-gcm': { name: 'aes-256-gcm', mode: 'gcm', keyLen: 32, ivLen: 12, blockSize: 16 },
  'aes-128-ccm': { name: 'aes-128-ccm', mode: 'ccm', keyLen: 16, ivLen: 12, blockSize: 16 },
  'aes-256-ccm': { name: 'aes-256-ccm', mode: 'ccm', keyLen: 32, ivLen: 12, blockSize: 16 },
};

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

const HASH_LEN: Record<HashName, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export function cipherSpec(name: CipherName): CipherSpec {
  const spec = CIPHERS[name];
  if (spec === undefined) throw new RangeError(`unknown cipher '${String(name)}'`);
  return spec;
}

export function hashLength(name: HashName): number {
  const len = HASH_LEN[name];
  if (len === undefined) throw new RangeError(`unknown hash '${String(name)}'`);
  return len;
}

/** The CBC cipher of the same key size: KEYINFO encrypts the group master with it (section 4). */
export function unauthenticatedTwin(name: CipherName): CipherName {
  switch (name) {
    case 'aes-128-gcm':
    case 'aes-128-ccm':
      return 'aes-128-cbc';
    case 'aes-256-gcm':
    case 'aes-256-ccm':
      return 'aes-256-cbc';
    default:
      return name;
  }
}

/**
 * Throws unless this Node's OpenSSL can run the cipher. OpenSSL 3 keeps single DES in its
 * legacy provider, which Node loads only when started with --openssl-legacy-provider.
 */
export function assertCipherAvailable(name: CipherName): void {
  cipherSpec(name);
  if (!getCiphers().includes(name)) {
    const hint =
      name === 'des-cbc'
        ? "DES needs OpenSSL's legacy provider: run node with --openssl-legacy-provider"
        : `this OpenSSL (${process.versions.openssl}) does not offer it`;
    throw new Error(`cipher ${name} is not available: ${hint}`);
  }
}
