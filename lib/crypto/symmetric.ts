// One-shot block encryption as UFTP applies it: CBC with PKCS#7 padding, or GCM/CCM with a
// 16-byte tag appended to the ciphertext and the additional data authenticated beside it.
// Both functions throw on failure (bad tag, bad padding); callers that must not throw catch.
// The addon's per-key contexts do the work where it has them (native-cipher.ts); node:crypto,
// which gives the same bytes, otherwise.
import { CipherCCM, CipherGCM, createCipheriv, createDecipheriv, DecipherCCM, DecipherGCM } from 'crypto';
import { assertCipherAvailable, AUTH_TAG_LEN, CipherName, cipherSpec } from './algorithms';
import { cipherContext } from './native-cipher';

/** Ciphers already found available: getCiphers() copies a long list, too slow to ask once per packet. */
const available = new Set<CipherName>();

function ensureAvailable(cipher: CipherName): void {
  if (available.has(cipher)) return;
  assertCipherAvailable(cipher);
  available.add(cipher);
}

/**
 * Native output goes to slices of shared 64 KiB slabs, as Buffer.allocUnsafe slices its 8 KiB pool:
 * a new ArrayBuffer per packet (or per six packets of that pool) costs more than the cipher's setup.
 * A kept slice keeps its slab alive; callers that hold messages long copy them.
 */
const SLAB_BYTES = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(0);
let slabUsed = 0;

function outputBuffer(length: number): Buffer {
  if (length > SLAB_BYTES / 8) return Buffer.allocUnsafe(length);
  if (slabUsed + length > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += (length + 7) & ~7; // keep slices 8-byte aligned
  return out;
}

/** update() then final(), copying only when final() gives bytes (CBC's last block; never with GCM/CCM). */
function finish(c: { update(data: Uint8Array): Buffer; final(): Buffer }, data: Uint8Array): Buffer {
  const body = c.update(data);
  const tail = c.final();
  return tail.length === 0 ? body : Buffer.concat([body, tail]);
}

export function encryptBlock(
  cipher: CipherName,
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Buffer {
  ensureAvailable(cipher);
  const { mode, blockSize } = cipherSpec(cipher);
  // OpenSSL 3.0 CCM fails on empty input ("tag not set"); no UFTP message is empty.
  if (mode === 'ccm' && plaintext.length === 0) throw new RangeError('CCM cannot seal an empty message');
  const ctx = cipherContext(cipher, key, false);
  if (ctx !== undefined) {
    const cbc = mode === 'cbc';
    const out = outputBuffer(cbc ? (Math.floor(plaintext.length / blockSize) + 1) * blockSize : plaintext.length + AUTH_TAG_LEN);
    ctx.seal(iv, cbc ? null : (aad ?? null), plaintext, out);
    return out;
  }
  if (mode === 'cbc') return finish(createCipheriv(cipher, key, iv), plaintext);
  const c = createCipheriv(cipher as 'aes-128-gcm', key, iv, { authTagLength: AUTH_TAG_LEN }) as
    | CipherGCM
    | CipherCCM;
  // CCM must learn the plaintext length before any data, even with no additional data.
  if (mode === 'ccm' || (aad !== undefined && aad.length > 0)) {
    (c as CipherCCM).setAAD(aad ?? Buffer.alloc(0), { plaintextLength: plaintext.length });
  }
  // Elements are evaluated in order: the tag exists once final() has run.
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

/** The cipher last opened with and its mode: packets under one cipher skip the lookups. */
let lastCipher: CipherName | undefined;
let lastMode: 'cbc' | 'gcm' | 'ccm' = 'cbc';

/** The checks both decrypt functions make before any work; answers the mode. */
function openable(cipher: CipherName, data: Uint8Array): 'cbc' | 'gcm' | 'ccm' {
  if (cipher !== lastCipher) {
    ensureAvailable(cipher);
    lastMode = cipherSpec(cipher).mode;
    lastCipher = cipher;
  }
  const mode = lastMode;
  if (mode !== 'cbc' && data.length < AUTH_TAG_LEN) throw new RangeError(`${data.length} bytes cannot hold a ${AUTH_TAG_LEN}-byte tag`);
  if (mode === 'ccm' && data.length === AUTH_TAG_LEN) throw new RangeError('CCM cannot open an empty message');
  return mode;
}

export function decryptBlock(
  cipher: CipherName,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  aad?: Uint8Array,
): Buffer {
  const mode = openable(cipher, data);
  const cbc = mode === 'cbc';
  const ctx = cipherContext(cipher, key, true);
  if (ctx !== undefined) {
    const out = outputBuffer(cbc ? data.length : data.length - AUTH_TAG_LEN);
    const n = ctx.open(iv, cbc ? null : (aad ?? null), data, out);
    if (n < 0) throw new Error(cbc ? 'bad decrypt' : 'unable to authenticate data');
    return n === out.length ? out : out.subarray(0, n);
  }
  if (cbc) return finish(createDecipheriv(cipher, key, iv), data);
  const body = data.subarray(0, data.length - AUTH_TAG_LEN);
  const d = createDecipheriv(cipher as 'aes-128-gcm', key, iv, { authTagLength: AUTH_TAG_LEN }) as
    | DecipherGCM
    | DecipherCCM;
  d.setAuthTag(data.subarray(data.length - AUTH_TAG_LEN));
  if (mode === 'ccm') (d as DecipherCCM).setAAD(aad ?? Buffer.alloc(0), { plaintextLength: body.length });
  else if (aad !== undefined && aad.length > 0) (d as DecipherGCM).setAAD(aad);
  return finish(d, body);
}

/**
 * decryptBlock writing the plaintext into `out`, which may be `data` itself (in place; a partial
 * overlap is refused); answers the plaintext length. `out` needs data.length bytes for CBC,
 * data.length - 16 for GCM/CCM. Throws as decryptBlock does; after a failure `out` holds
 * unspecified bytes (OpenSSL decrypts before the tag or padding is known to be bad).
 */
export function decryptBlockInto(
  cipher: CipherName,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  out: Uint8Array,
  aad?: Uint8Array,
): number {
  const mode = openable(cipher, data);
  const cbc = mode === 'cbc';
  const need = cbc ? data.length : data.length - AUTH_TAG_LEN;
  if (out.length < need) throw new RangeError(`out has ${out.length} bytes, needs ${need}`);
  const ctx = cipherContext(cipher, key, true);
  if (ctx !== undefined) {
    const n = ctx.open(iv, cbc ? null : (aad ?? null), data, out);
    if (n < 0) throw new Error(cbc ? 'bad decrypt' : 'unable to authenticate data');
    return n;
  }
  const plain = decryptBlock(cipher, key, iv, data, aad);
  out.set(plain);
  return plain.length;
}
