// The ENCRYPTED message (protocol.txt 5.2.2) and the wrap/unwrap of an inner message in it.
// Layout after the UFTP header: IV counter (64) | signature length (16) | payload length (16) |
// signature | encrypted payload. As UFTP 4.10.2 does it: the inner message goes in without its
// UFTP header; HMAC and RSA/ECDSA signatures cover the whole packet with the signature field
// zeroed; GCM/CCM authenticate the header and the 12 bytes above as additional data, with the
// payload length already counting the 16-byte tag and an empty signature.
// Buffer imported, not the global: the global is an accessor, looked up again on every packet.
import { Buffer } from 'node:buffer';
import { createHmac, KeyObject, timingSafeEqual } from 'crypto';
// Straight from the modules, not the lib/crypto index: its re-export getters cost on every call.
import { AUTH_TAG_LEN, CipherName, CipherSpec, cipherSpec, HashName, hashLength } from '../crypto/algorithms';
import { buildIv, scratchIv } from '../crypto/iv';
import type { SymmetricKeys } from '../crypto/key-schedule';
import { ReplayWindow } from '../crypto/replay-window';
import { signatureLength, signMessage, verifyMessage } from '../crypto/signatures';
import { decryptBlock, decryptRangeInPlace, encryptBlock } from '../crypto/symmetric';
import { cipherContext, hmacContext } from '../crypto/native-cipher';
import { put16, put32, u16, u32 } from './bytes';
import { HashType, KeyType, MessageType, SigType, UFTP_VERSION } from './constants';
import { Decoded, fail, ok, ProtocolError } from './errors';
import { decodeHeader, HEADER_LEN, UftpHeader, writeHeader } from './header';

export const ENCRYPTED_HEAD_LEN = 12;

const CIPHER_OF_KEYTYPE: Readonly<Partial<Record<KeyType, CipherName>>> = {
  [KeyType.DES]: 'des-cbc',
  [KeyType.DES3]: 'des-ede3-cbc',
  [KeyType.AES128_CBC]: 'aes-128-cbc',
  [KeyType.AES256_CBC]: 'aes-256-cbc',
  [KeyType.AES128_GCM]: 'aes-128-gcm',
  [KeyType.AES256_GCM]: 'aes-256-gcm',
  [KeyType.AES128_CCM]: 'aes-128-ccm',
  [KeyType.AES256_CCM]: 'aes-256-ccm',
};

/** Session hashes of EXT_ENC_INFO; MD5 is only ever half of the SHA-1 PRF, never a session hash. */
const HASH_OF_HASHTYPE: Readonly<Partial<Record<HashType, HashName>>> = {
  [HashType.SHA1]: 'sha1',
  [HashType.SHA256]: 'sha256',
  [HashType.SHA384]: 'sha384',
  [HashType.SHA512]: 'sha512',
};

/** The crypto names of an EXT_ENC_INFO key type and hash type, or a reason they have none. */
export function sessionAlgorithms(keyType: number, hashType: number): Decoded<{ cipher: CipherName; hash: HashName }> {
  const cipher = CIPHER_OF_KEYTYPE[keyType as KeyType];
  if (cipher === undefined) return fail('field', `key type ${keyType} is not a UFTP cipher`);
  const hash = HASH_OF_HASHTYPE[hashType as HashType];
  if (hash === undefined) return fail('field', `hash type ${hashType} is not a UFTP session hash`);
  return ok({ cipher, hash });
}
const BODY_START = HEADER_LEN + ENCRYPTED_HEAD_LEN;

export interface EncryptedMessage {
  header: UftpHeader;
  ivCounter: bigint;
  sig: Buffer;
  payload: Buffer;
}

/** The packet as a Buffer: itself when it is one, else a view of the same bytes. */
function asBuffer(packet: Uint8Array): Buffer {
  return Buffer.isBuffer(packet) ? packet : Buffer.from(packet.buffer, packet.byteOffset, packet.length);
}

/**
 * A Buffer over packet[start, start + length). Buffer's own slice() makes a view (Uint8Array's copies)
 * and costs half of Buffer.from(arrayBuffer, ...) or subarray(), which goes through the species constructor.
 */
function viewOf(packet: Uint8Array, start: number, length: number): Buffer {
  if (packet instanceof Buffer) return packet.slice(start, start + length);
  return Buffer.from(packet.buffer, packet.byteOffset + start, length);
}

/**
 * Why `packet` is not a well-formed ENCRYPTED packet (header, type, lengths), or undefined when it is.
 * Reads the bytes in place: nothing is allocated for a good packet.
 */
function frameError(packet: Uint8Array): Decoded<never> | undefined {
  const len = packet.length;
  if (len < HEADER_LEN || packet[0] !== UFTP_VERSION) return decodeHeader(packet) as Decoded<never>;
  const func = packet[1];
  if (func !== MessageType.ENCRYPTED) return fail('function', `message type ${func} is not ENCRYPTED (${MessageType.ENCRYPTED})`);
  if (len < BODY_START) return fail('length', `ENCRYPTED of ${len} bytes is shorter than its ${BODY_START}-byte headers`);
  const sigLen = u16(packet, HEADER_LEN + 8);
  const payloadLen = u16(packet, HEADER_LEN + 10);
  if (BODY_START + sigLen + payloadLen !== len) {
    return fail(
      'length',
      `signature (${sigLen}) and payload (${payloadLen}) lengths do not add up to the ${len - BODY_START} bytes present`,
    );
  }
  return undefined;
}

export function decodeEncrypted(packet: Uint8Array): Decoded<EncryptedMessage> {
  const bad = frameError(packet);
  if (bad !== undefined) return bad;
  const buf = asBuffer(packet);
  const sigEnd = innerStart(packet);
  return ok({
    header: (decodeHeader(packet) as { ok: true; value: UftpHeader }).value,
    ivCounter: buf.readBigUInt64BE(HEADER_LEN),
    sig: buf.subarray(BODY_START, sigEnd),
    payload: buf.subarray(sigEnd),
  });
}

/** The spec of the cipher last asked for: packets under one cipher skip the table lookup. */
let lastSpec: CipherSpec | undefined;

function specOf(cipher: CipherName): CipherSpec {
  if (lastSpec === undefined || lastSpec.name !== cipher) lastSpec = cipherSpec(cipher);
  return lastSpec;
}

function expectedSigLength(keys: SymmetricKeys, sigType: SigType, key: KeyObject | undefined): number | string {
  switch (sigType) {
    case SigType.HMAC:
      return hashLength(keys.hash);
    case SigType.KEYEX:
      return key === undefined ? 'a KEYEX signature needs the sender key' : signatureLength(key);
    case SigType.AUTHENC:
      return specOf(keys.cipher).mode !== 'cbc' ? 0 : `AUTHENC with the unauthenticated cipher ${keys.cipher}`;
    default:
      return `signature type ${String(sigType)} cannot protect an ENCRYPTED message`;
  }
}

function writeEncryptedHead(out: Buffer, header: UftpHeader, ivCounter: bigint, sigLen: number, payloadLen: number): void {
  writeHeader({ ...header, func: MessageType.ENCRYPTED }, out);
  out.writeBigUInt64BE(BigInt.asUintN(64, ivCounter), HEADER_LEN);
  out.writeUInt16BE(sigLen, HEADER_LEN + 8);
  out.writeUInt16BE(payloadLen, HEADER_LEN + 10);
}

/**
 * Encrypts `inner` (a message without its UFTP header) into an ENCRYPTED packet sent with
 * `header`'s fields. The caller owns the IV counter: UFTP increments it before every message.
 * Throws on caller errors (no signing key for KEYEX, message too long).
 */
export function wrap(
  header: UftpHeader,
  inner: Uint8Array,
  keys: SymmetricKeys,
  ivCounter: bigint,
  sigType: SigType,
  signingKey?: KeyObject,
): Buffer {
  const sigLen = expectedSigLength(keys, sigType, signingKey);
  if (typeof sigLen === 'string') throw new TypeError(sigLen);
  const spec = cipherSpec(keys.cipher);
  const iv = buildIv(keys.salt, spec.ivLen, ivCounter, header.srcId);
  let payload: Buffer;
  if (spec.mode === 'cbc') {
    payload = encryptBlock(keys.cipher, keys.key, iv, inner);
  } else {
    const aad = Buffer.alloc(BODY_START);
    writeEncryptedHead(aad, header, ivCounter, sigLen, inner.length + AUTH_TAG_LEN);
    payload = encryptBlock(keys.cipher, keys.key, iv, inner, aad);
  }
  if (payload.length > 0xffff) throw new RangeError(`encrypted payload of ${payload.length} bytes exceeds 65535`);
  // Pooled and written in full: a fresh zeroed ArrayBuffer per packet costs more than the cipher.
  const packet = Buffer.allocUnsafe(BODY_START + sigLen + payload.length);
  writeEncryptedHead(packet, header, ivCounter, sigLen, payload.length);
  packet.fill(0, BODY_START, BODY_START + sigLen);
  payload.copy(packet, BODY_START + sigLen);
  if (sigType === SigType.HMAC) {
    const mac = hmacContext(keys.hash, keys.hmacKey);
    if (mac !== undefined) mac.digest(packet, packet.subarray(BODY_START, BODY_START + sigLen));
    else createHmac(keys.hash, keys.hmacKey).update(packet).digest().copy(packet, BODY_START);
  } else if (sigType === SigType.KEYEX) {
    signMessage(keys.hash, signingKey as KeyObject, packet).copy(packet, BODY_START);
  }
  return packet;
}

/**
 * wrap() for the per-packet path: the ENCRYPTED packet is written into `out` from `at`, the inner message
 * `plain` sealed by the key's native context straight into place, nothing allocated. For HMAC and AUTHENC
 * signatures (KEYEX signs each packet with the private key: use wrap). Answers the packet's end in `out`, or
 * -1 when this path does not apply (no native contexts, KEYEX, not enough room): then call wrap().
 * `header.func` is ignored (ENCRYPTED is written); the IV counter is given as its two 32-bit halves.
 */
export function sealInto(
  out: Buffer,
  at: number,
  header: UftpHeader,
  plain: Uint8Array,
  keys: SymmetricKeys,
  counterHi: number,
  counterLo: number,
  sigType: SigType,
): number {
  const spec = specOf(keys.cipher);
  const cbc = spec.mode === 'cbc';
  let sigLen: number;
  if (sigType === SigType.HMAC) sigLen = hashLength(keys.hash);
  else if (sigType === SigType.AUTHENC && !cbc) sigLen = 0;
  else return -1;
  const ctx = cipherContext(keys.cipher, keys.key, false);
  const mac = sigLen > 0 ? hmacContext(keys.hash, keys.hmacKey) : undefined;
  if (ctx === undefined || (sigLen > 0 && mac === undefined) || (spec.mode === 'ccm' && plain.length === 0)) return -1;
  const payLen = cbc ? (Math.floor(plain.length / spec.blockSize) + 1) * spec.blockSize : plain.length + AUTH_TAG_LEN;
  const start = at + BODY_START + sigLen;
  const end = start + payLen;
  if (end > out.length || payLen > 0xffff) return -1;
  out[at] = UFTP_VERSION;
  out[at + 1] = MessageType.ENCRYPTED;
  put16(out, at + 2, header.seq);
  put32(out, at + 4, header.srcId);
  put32(out, at + 8, header.groupId);
  out[at + 12] = header.groupInst;
  out[at + 13] = header.grtt;
  out[at + 14] = header.gsize;
  out[at + 15] = 0;
  put32(out, at + HEADER_LEN, counterHi);
  put32(out, at + HEADER_LEN + 4, counterLo);
  put16(out, at + HEADER_LEN + 8, sigLen);
  put16(out, at + HEADER_LEN + 10, payLen);
  const iv = scratchIv(keys.salt, spec.ivLen, counterHi, counterLo, header.srcId);
  ctx.seal(iv, cbc ? null : out.subarray(at, at + BODY_START), plain, out.subarray(start, end));
  if (mac !== undefined) {
    out.fill(0, at + BODY_START, start);
    mac.digest(out.subarray(at, end), out.subarray(at + BODY_START, start));
  }
  return end;
}

/** The HMAC or KEYEX signature of `packet` checked (AUTHENC packets have none: their tag is checked in decryption). */
function signatureValid(
  packet: Buffer,
  sigEnd: number,
  keys: SymmetricKeys,
  sigType: SigType,
  verifyKey: KeyObject | undefined,
): boolean {
  const sig = packet.subarray(BODY_START, sigEnd);
  if (sigType === SigType.HMAC) {
    const native = hmacContext(keys.hash, keys.hmacKey);
    if (native !== undefined) return native.verify(packet, sig, BODY_START, sigEnd);
    // The HMAC runs over the packet with its signature zeroed: fed in three parts, the packet is not copied.
    const mac = createHmac(keys.hash, keys.hmacKey)
      .update(packet.subarray(0, BODY_START))
      .update(Buffer.alloc(sig.length))
      .update(packet.subarray(sigEnd))
      .digest();
    return timingSafeEqual(mac, sig);
  }
  const zeroed = Buffer.from(packet);
  zeroed.fill(0, BODY_START, sigEnd);
  return verifyMessage(keys.hash, verifyKey as KeyObject, zeroed, sig);
}

/** The additional data of GCM/CCM (the first BODY_START bytes) copied to a shared buffer: cheaper than a view. */
const aadScratch = Buffer.alloc(BODY_START);

function aadOf(packet: Uint8Array): Buffer {
  for (let i = 0; i < BODY_START; i++) aadScratch[i] = packet[i];
  return aadScratch;
}

/** Why the last admit() or openInPlace() failed. */
let failure: Decoded<never> = fail('length', 'no packet opened yet');
/**
 * Sender and IV counter halves of the packet admit() last let through, for its caller to read at once
 * (nothing runs in between: all of this is synchronous). Cheaper, measured, than reading them again.
 */
let admittedSrc = 0;
let admittedHi = 0;
let admittedLo = 0;

function refuse(why: Decoded<never>): -1 {
  failure = why;
  return -1;
}

/**
 * Everything unwrap checks before decrypting (frameError, then signature type, replay window and
 * signature), reading the fields straight from the bytes. Answers where the encrypted payload
 * starts, or -1 with `failure` set.
 */
function admit(packet: Uint8Array, keys: SymmetricKeys, replayWindow: ReplayWindow, sigType: SigType, verifyKey: KeyObject | undefined): number {
  const bad = frameError(packet);
  if (bad !== undefined) return refuse(bad);
  const sigLen = u16(packet, HEADER_LEN + 8);
  const srcId = u32(packet, 4);
  const hi = u32(packet, HEADER_LEN);
  const lo = u32(packet, HEADER_LEN + 4);
  try {
    const want = expectedSigLength(keys, sigType, verifyKey);
    if (typeof want === 'string') return refuse(fail('field', want));
    if (sigLen !== want) return refuse(fail('field', `signature of ${sigLen} bytes, expected ${want}`));
    const verdict = replayWindow.checkParts(srcId, hi, lo);
    if (verdict !== 'new') {
      const counter = (BigInt(hi) << 32n) | BigInt(lo);
      return refuse(fail('replay', `IV counter ${counter} from ${srcId.toString(16)} is ${verdict}`));
    }
    const sigEnd = BODY_START + sigLen;
    if (sigType !== SigType.AUTHENC && !signatureValid(asBuffer(packet), sigEnd, keys, sigType, verifyKey)) {
      return refuse(fail('crypto', 'signature does not verify'));
    }
    admittedSrc = srcId;
    admittedHi = hi;
    admittedLo = lo;
    return sigEnd;
  } catch (err) {
    return refuse(decryptFailed(err));
  }
}

function decryptFailed(err: unknown): Decoded<never> {
  return fail('crypto', `decryption failed: ${(err as Error).message}`);
}

/**
 * unwrapInPlace for callers on the per-packet path, without the result object or the view: answers the
 * inner message's length (it starts at innerStart(packet)), or -1, and then openFailure() says why.
 * Everything else is as unwrapInPlace.
 */
export function openInPlace(
  packet: Uint8Array,
  keys: SymmetricKeys,
  replayWindow: ReplayWindow,
  sigType: SigType,
  verifyKey?: KeyObject,
): number {
  const sigEnd = admit(packet, keys, replayWindow, sigType, verifyKey);
  if (sigEnd < 0) return -1;
  const srcId = admittedSrc;
  const hi = admittedHi;
  const lo = admittedLo;
  try {
    const iv = scratchIv(keys.salt, specOf(keys.cipher).ivLen, hi, lo, srcId);
    const n = decryptRangeInPlace(keys.cipher, keys.key, iv, packet, 0, BODY_START, sigEnd, packet.length);
    replayWindow.acceptParts(srcId, hi, lo);
    return n;
  } catch (err) {
    return refuse(decryptFailed(err));
  }
}

/**
 * Runs openInPlace over `rounds` packets sealed with `keys`, so that the path is compiled and optimized
 * before the first data arrives. A receiver whose decrypt path is still cold when a fast sender starts
 * falls behind for tens of milliseconds and overflows its socket (bench:client: NAKs in section 0 only).
 * HMAC and AUTHENC only: a KEYEX packet costs a public-key verification, too dear to spend on warming.
 */
export function warmOpen(keys: SymmetricKeys, sigType: SigType, rounds = 2000): void {
  if (sigType !== SigType.HMAC && sigType !== SigType.AUTHENC) return;
  const header: UftpHeader = {
    version: UFTP_VERSION, func: MessageType.FILESEG, seq: 0, srcId: 1, groupId: 1, groupInst: 0, grtt: 0, gsize: 0, reserved: 0,
  };
  const inner = Buffer.alloc(1308);
  inner[0] = MessageType.FILESEG;
  const window = new ReplayWindow();
  const work = Buffer.alloc(1500);
  for (let i = 1; i <= rounds; i++) {
    const end = sealInto(work, 0, header, inner, keys, 0, i, sigType);
    if (end < 0) return;
    openInPlace(work.subarray(0, end), keys, window, sigType);
  }
}

/** Why the last openInPlace that answered -1 failed. */
export function openFailure(): ProtocolError {
  return (failure as { ok: false; error: ProtocolError }).error;
}

/** Where the inner message of an ENCRYPTED packet starts (after its headers and signature). */
export function innerStart(packet: Uint8Array): number {
  return BODY_START + u16(packet, HEADER_LEN + 8);
}

/**
 * Authenticates, replay-checks and decrypts an ENCRYPTED packet; answers the inner message
 * (without UFTP header) or a typed error. Never throws. `verifyKey` is the sender's public
 * key, needed for KEYEX signatures. The replay window records only packets that authenticate.
 */
export function unwrap(
  packet: Uint8Array,
  keys: SymmetricKeys,
  replayWindow: ReplayWindow,
  sigType: SigType,
  verifyKey?: KeyObject,
): Decoded<Buffer> {
  const sigEnd = admit(packet, keys, replayWindow, sigType, verifyKey);
  if (sigEnd < 0) return failure;
  const srcId = admittedSrc;
  const hi = admittedHi;
  const lo = admittedLo;
  try {
    const spec = specOf(keys.cipher);
    const iv = scratchIv(keys.salt, spec.ivLen, hi, lo, srcId);
    const buf = asBuffer(packet);
    const inner = decryptBlock(keys.cipher, keys.key, iv, buf.subarray(sigEnd), spec.mode === 'cbc' ? undefined : aadOf(buf));
    replayWindow.acceptParts(srcId, hi, lo);
    return ok(inner);
  } catch (err) {
    return decryptFailed(err);
  }
}

/**
 * unwrap, decrypting over the ciphertext inside `packet` itself: the inner message is a view of
 * `packet` (starting right after the signature), and nothing is allocated for it. Only the bytes of
 * the encrypted payload change; header, IV counter, lengths and signature are left as they were.
 * After a 'crypto' failure the payload bytes are unspecified (the cipher may have run over them
 * before the tag or padding proved bad); after any other failure the packet is untouched.
 */
export function unwrapInPlace(
  packet: Uint8Array,
  keys: SymmetricKeys,
  replayWindow: ReplayWindow,
  sigType: SigType,
  verifyKey?: KeyObject,
): Decoded<Buffer> {
  const n = openInPlace(packet, keys, replayWindow, sigType, verifyKey);
  if (n < 0) return failure;
  return ok(viewOf(packet, innerStart(packet), n));
}
