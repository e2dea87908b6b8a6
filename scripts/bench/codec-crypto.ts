// ENCRYPTED wrap/unwrap timings on FILESEG messages the size the real server sends (1300-byte blocks:
// a 1308-byte inner message, a 1352-byte packet with AES-GCM).
import { createDecipheriv, randomBytes } from 'node:crypto';
import { buildIv, CipherName, groupKeys, HashName, ReplayWindow } from '../../lib/crypto';
import { encodeMessage, HEADER_LEN, MessageType, SigType } from '../../lib/protocol';
import { unwrap, wrap } from '../../lib/protocol/encrypted';
import { BLOCK, benchHeader } from './codec-fileseg';
import { time, Timing } from './codec-timing';

export interface CryptoCase {
  label: string;
  cipher: CipherName;
  hash: HashName;
  sigType: SigType;
}

export const CRYPTO_CASES: CryptoCase[] = [
  { label: 'aes128-gcm', cipher: 'aes-128-gcm', hash: 'sha256', sigType: SigType.AUTHENC },
  { label: 'aes256-cbc+hmac-sha256', cipher: 'aes-256-cbc', hash: 'sha256', sigType: SigType.HMAC },
];

/** Packets wrapped ahead for unwrap; the replay window is reset each time the pool comes round. */
const POOL = 4096;

export const innerFileSeg = encodeMessage({
  type: MessageType.FILESEG, fileId: 1, section: 0, blockNum: 7, extensions: [], data: randomBytes(BLOCK),
});

export interface CryptoTimings {
  wrap: Timing;
  unwrap: Timing;
  /** Bytes through the cipher per unwrap (the ciphertext, without tag or signature). */
  cipherBytes: number;
  packetBytes: number;
}

export function cryptoTimings(c: CryptoCase, n: number): CryptoTimings {
  const keys = groupKeys(c.hash, c.cipher, randomBytes(48), randomBytes(32));
  const packets = Array.from({ length: POOL }, (_v, i) => wrap(benchHeader, innerFileSeg, keys, BigInt(i + 1), c.sigType));
  const packetBytes = packets[0].length;
  const sigBytes = packets[0].readUInt16BE(HEADER_LEN + 8);
  const tagBytes = c.sigType === SigType.AUTHENC ? 16 : 0;
  const cipherBytes = packetBytes - HEADER_LEN - 12 - sigBytes - tagBytes;
  let window = new ReplayWindow();
  const wrapTiming = time(`wrap ${c.label}`, n, (i) => wrap(benchHeader, innerFileSeg, keys, BigInt(i + 1), c.sigType).length, BLOCK);
  const unwrapTiming = time(`unwrap ${c.label}`, n, (i) => {
    if (i % POOL === 0) window = new ReplayWindow();
    const r = unwrap(packets[i % POOL], keys, window, c.sigType);
    if (!r.ok) throw new Error(`unwrap ${c.label} failed: ${r.error.toString()}`);
    return r.value.length;
  }, cipherBytes);
  return { wrap: wrapTiming, unwrap: unwrapTiming, cipherBytes, packetBytes };
}

/**
 * What node:crypto alone costs for one GCM packet (decipher object, tag, AAD, update, final) with nothing
 * of ours around it: the floor for any unwrap built on it.
 */
export function nodeGcmFloor(n: number): Timing {
  const keys = groupKeys('sha256', 'aes-128-gcm', randomBytes(48), randomBytes(32));
  const packet = wrap(benchHeader, innerFileSeg, keys, 1n, SigType.AUTHENC);
  const aad = packet.subarray(0, HEADER_LEN + 12);
  const body = packet.subarray(HEADER_LEN + 12, packet.length - 16);
  const tag = packet.subarray(packet.length - 16);
  const iv = buildIv(keys.salt, 12, 1n, benchHeader.srcId);
  return time('node:crypto GCM decrypt alone (floor)', n, () => {
    const d = createDecipheriv('aes-128-gcm', keys.key, iv);
    d.setAuthTag(tag);
    d.setAAD(aad);
    const out = d.update(body);
    d.final();
    return out.length;
  }, body.length);
}
