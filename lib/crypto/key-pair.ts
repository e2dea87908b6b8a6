// Fresh key pairs, detached from the Node job that made them.
//
// Node 20 (seen with 20.20.2) can deadlock on a key straight from generateKeyPairSync: the key-generation job
// keeps a reference to the new key, sharing its lock, until a garbage collection frees the job. export() to
// JWK holds that lock while it makes JS strings; a collection that runs just then frees the job, whose
// destructor waits for the same lock, on the same thread, for ever. Our programs export JWK all the time
// (key blobs, ECDH public keys), and our uftpd hung so at start-up with a key it generated (found by
// test/lab/uftp-all-ours.test.ts). A copy made through DER has a lock of its own; the job then dies holding
// the original, which nobody exports.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'crypto';

export type KeyPairSpec = { type: 'rsa'; bits: number } | { type: 'ec'; curve: string };

export function generateKeyPair(spec: KeyPairSpec): { privateKey: KeyObject; publicKey: KeyObject } {
  const made = spec.type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: spec.bits, publicExponent: 65537 })
    : generateKeyPairSync('ec', { namedCurve: spec.curve });
  const privateKey = createPrivateKey({ key: made.privateKey.export({ format: 'der', type: 'pkcs8' }), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
