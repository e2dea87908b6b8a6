// The pseudo-random functions UFTP 4 derives its keys with (protocol.txt section 4): TLS 1.1's
// MD5/SHA-1 combination (RFC 4346 5) when the session hash is SHA-1, P_hash with the session
// hash (RFC 5246 5) otherwise -- both built on UFTP's own P_hash variant (see pHash).
import { createHmac } from 'crypto';
import { HashName } from './algorithms';

/**
 * P_hash as UFTP 4.10.2 computes it, which is not RFC 5246's: A(1) = HMAC(secret, seed) and
 * block(1) = HMAC(secret, A(1) | seed) as in the RFC, but every later A is the previous
 * output block, so block(i+1) = HMAC(secret, block(i) | seed). Only the first block of
 * output agrees with TLS; the real programs interoperate only with this variant.
 */
export function pHash(hash: HashName, secret: Uint8Array, seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  let chain = createHmac(hash, secret).update(seed).digest();
  while (produced < length) {
    const block = createHmac(hash, secret).update(chain).update(seed).digest();
    out.push(block);
    produced += block.length;
    chain = block;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** PRF(secret, label, seed) as UFTP uses it for `hash`, `length` bytes long. */
export function prf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const labelled = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  if (hash !== 'sha1') return pHash(hash, secret, labelled, length);
  // RFC 4346: the secret's halves overlap by one byte when its length is odd.
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), labelled, length);
  const sha = pHash('sha1', secret.subarray(secret.length - half), labelled, length);
  for (let i = 0; i < length; i++) md5[i] ^= sha[i];
  return md5;
}
