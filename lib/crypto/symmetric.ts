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

/** The checks every decrypt function makes before any work, on `length` bytes of input; answers the mode. */
function openable(cipher: CipherName, length: number): 'cbc' | 'gcm' | 'ccm' {
  if (cipher !== lastCipher) {
    ensureAvailable(cipher);
    lastMode = cipherSpec(cipher).mode;
    lastCipher = cipher;
  }
  const mode = lastMode;
  if (mode !== 'cbc' && length < AUTH_TAG_LEN) throw new RangeError(`${length} bytes cannot hold a ${AUTH_TAG_LEN}-byte tag`);
  if (mode === 'ccm' && length === AUTH_TAG_LEN) throw new RangeError('CCM cannot open an empty message');
  return mode;
}

function openFailure(cbc: boolean): Error {
  return new Error(cbc ? 'bad decrypt' : 'unable to authenticate data');
}

export function decryptBlock(
  cipher: CipherName,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  aad?: Uint8Array,
): Buffer {
  const mode = openable(cipher, data.length);
  const cbc = mode === 'cbc';
  const ctx = cipherContext(cipher, key, true);
  if (ctx !== undefined) {
    const out = outputBuffer(cbc ? data.length : data.length - AUTH_TAG_LEN);
    const n = ctx.open(iv, cbc ? null : (aad ?? null), data, out);
    if (n < 0) throw openFailure(cbc);
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
 * decryptBlock over ranges of one array, in place: data[sealedStart, sealedEnd) is opened with
 * data[aadStart, aadEnd) as the additional data (GCM/CCM; CBC ignores it) and the plaintext written
 * from sealedStart; answers its length. No views are made on the native path. Throws as
 * decryptBlock does; RangeError for ranges outside `data` or a non-empty AAD range overlapping the
 * sealed one. After a failure the sealed bytes are unspecified.
 */
export function decryptRangeInPlace(
  cipher: CipherName,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  aadStart: number,
  aadEnd: number,
  sealedStart: number,
  sealedEnd: number,
): number {
  // A sealed range out of order is reported as such, not as a negative length.
  if (!(sealedEnd >= sealedStart)) checkRanges(data.length, 0, 0, sealedStart, sealedEnd);
  const mode = openable(cipher, sealedEnd - sealedStart);
  const cbc = mode === 'cbc';
  const ctx = cipherContext(cipher, key, true);
  if (ctx !== undefined) {
    const n = cbc ? ctx.openRange(data, 0, 0, sealedStart, sealedEnd, iv) : ctx.openRange(data, aadStart, aadEnd, sealedStart, sealedEnd, iv);
    if (n < 0) throw openFailure(cbc);
    return n;
  }
  checkRanges(data.length, cbc ? 0 : aadStart, cbc ? 0 : aadEnd, sealedStart, sealedEnd);
  const plain = decryptBlock(cipher, key, iv, data.subarray(sealedStart, sealedEnd), cbc ? undefined : data.subarray(aadStart, aadEnd));
  data.set(plain, sealedStart);
  return plain.length;
}

/** The addon's range checks, with its messages, for the node:crypto path. */
function checkRanges(length: number, aadStart: number, aadEnd: number, sealedStart: number, sealedEnd: number): void {
  const named: [string, number][] = [['aadStart', aadStart], ['aadEnd', aadEnd], ['sealedStart', sealedStart], ['sealedEnd', sealedEnd]];
  for (const [name, at] of named) {
    if (typeof at !== 'number') throw new TypeError(`${name} must be a number`);
    if (!Number.isInteger(at) || at < 0 || at > length) throw new RangeError(`${name} must be an integer from 0 to ${length}`);
  }
  if (aadEnd < aadStart || sealedEnd < sealedStart) throw new RangeError('a range ends before it starts');
  if (aadEnd > aadStart && aadStart < sealedEnd && sealedStart < aadEnd) throw new RangeError('the AAD range overlaps the sealed range');
}
