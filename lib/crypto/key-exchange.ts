// The two key exchanges of protocol.txt section 4 that give client and server a premaster.
// RSA: the client encrypts 48 random bytes with the server key. UFTP 4.10.2 pads with PKCS#1
// v1.5 when the modulus is under 768 bits and with OAEP (SHA-1) from 768 bits up.
// ECDH: both sides derive the shared X coordinate; its SHA-1 is the premaster.
import {
  constants,
  createHash,
  diffieHellman,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'crypto';
import { rsaModulusLength } from './key-blob';
import { generateKeyPair } from './key-pair';
import { MASTER_LEN } from './key-schedule';

export type RsaPadding = 'pkcs1' | 'oaep';

export function rsaPaddingFor(key: KeyObject): RsaPadding {
  return rsaModulusLength(key) * 8 < 768 ? 'pkcs1' : 'oaep';
}

/**
 * A premaster secret as the spec makes it: the protocol version byte, then 47 random bytes.
 * (The real uftpd 4.10.2 sends 48 random bytes; the server never looks at the first.)
 */
export function newPremaster(version: number): Buffer {
  const premaster = randomBytes(MASTER_LEN);
  premaster[0] = version;
  return premaster;
}

export function encryptPremaster(serverPublicKey: KeyObject, premaster: Uint8Array): Buffer {
  const padding =
    rsaPaddingFor(serverPublicKey) === 'pkcs1' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_OAEP_PADDING;
  return publicEncrypt({ key: serverPublicKey, padding, oaepHash: 'sha1' }, premaster);
}

/**
 * Removes PKCS#1 v1.5 type 2 padding without branching on where it fails, and answers a
 * random premaster when it is wrong (RFC 5246 7.4.7.1): a bad REGISTER then fails later, at
 * KEYINFO_ACK, instead of telling an attacker which padding check it broke.
 */
function unpadPkcs1(block: Buffer, expectedLen: number): Buffer {
  const sep = block.length - expectedLen - 1;
  let bad = block[0] | (block[1] ^ 2) | (sep < 10 ? 1 : 0);
  for (let i = 2; i < Math.max(sep, 2); i++) bad |= block[i] === 0 ? 1 : 0;
  bad |= sep >= 2 && sep < block.length ? block[sep] : 1;
  const fallback = randomBytes(expectedLen);
  return bad === 0 ? Buffer.from(block.subarray(sep + 1)) : fallback;
}

/**
 * Recovers the premaster of a REGISTER. OAEP failures throw; PKCS#1 failures give a random
 * premaster (see unpadPkcs1). Node refuses PKCS#1 private decryption since CVE-2023-46809,
 * so that padding is removed here over a raw RSA operation.
 */
export function decryptPremaster(serverPrivateKey: KeyObject, encrypted: Uint8Array): Buffer {
  if (rsaPaddingFor(serverPrivateKey) === 'oaep') {
    return privateDecrypt(
      { key: serverPrivateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      encrypted,
    );
  }
  if (encrypted.length !== rsaModulusLength(serverPrivateKey)) {
    throw new RangeError(`encrypted premaster is ${encrypted.length} bytes, not the modulus length`);
  }
  const block = privateDecrypt({ key: serverPrivateKey, padding: constants.RSA_NO_PADDING }, encrypted);
  return unpadPkcs1(block, MASTER_LEN);
}

export function generateEcdhKey(curve: string): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPair({ type: 'ec', curve });
}

/** SHA-1 of the ECDH shared secret (the X coordinate, full field length). */
export function ecdhPremaster(ownPrivateKey: KeyObject, peerPublicKey: KeyObject): Buffer {
  const shared = diffieHellman({ privateKey: ownPrivateKey, publicKey: peerPublicKey });
  return createHash('sha1').update(shared).digest();
}
