// Key derivation of protocol.txt section 4: master secret from the premaster, key blocks
// (HMAC key | cipher key | 4-byte salt) for a client's session keys and for the group keys.
import { CipherName, cipherSpec, HashName, hashLength, SALT_LEN } from './algorithms';
import { prf } from './prf';

export const MASTER_LEN = 48;
export const RANDOM_LEN = 32;

/** Keys that protect messages: the group keys, or one client's session keys. */
export interface SymmetricKeys {
  cipher: CipherName;
  hash: HashName;
  hmacKey: Buffer;
  key: Buffer;
  salt: Buffer;
}

export function masterSecret(
  hash: HashName,
  premaster: Uint8Array,
  serverRandom: Uint8Array,
  clientRandom: Uint8Array,
): Buffer {
  return prf(hash, premaster, 'master secret', Buffer.concat([serverRandom, clientRandom]), MASTER_LEN);
}

/** Splits PRF(secret, "key expansion", seed) into HMAC key, cipher key and salt. */
export function expandKeys(hash: HashName, cipher: CipherName, secret: Uint8Array, seed: Uint8Array): SymmetricKeys {
  const hmacLen = hashLength(hash);
  const { keyLen } = cipherSpec(cipher);
  const block = prf(hash, secret, 'key expansion', seed, hmacLen + keyLen + SALT_LEN);
  return {
    cipher,
    hash,
    hmacKey: block.subarray(0, hmacLen),
    key: block.subarray(hmacLen, hmacLen + keyLen),
    salt: block.subarray(hmacLen + keyLen),
  };
}

/** The keys one client shares with the server, from the premaster secret of REGISTER. */
export function clientSessionKeys(
  hash: HashName,
  cipher: CipherName,
  premaster: Uint8Array,
  serverRandom: Uint8Array,
  clientRandom: Uint8Array,
): SymmetricKeys {
  const master = masterSecret(hash, premaster, serverRandom, clientRandom);
  return expandKeys(hash, cipher, master, Buffer.concat([serverRandom, clientRandom]));
}

/** The group keys, from the 48-byte group master that KEYINFO carries. */
export function groupKeys(hash: HashName, cipher: CipherName, groupMaster: Uint8Array, serverRandom: Uint8Array): SymmetricKeys {
  return expandKeys(hash, cipher, groupMaster, serverRandom);
}
