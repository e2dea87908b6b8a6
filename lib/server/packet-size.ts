// The bytes one data packet takes on the wire: what the pacer spends per packet and what uftp's "Wait
// between packets" line is computed from. As the real uftp counts it: the block and every header down to
// IP (IPv4 20 bytes, IPv6 40), plus what encryption adds (ENCRYPTED's head, the signature, and the GCM/CCM
// tag or the CBC padding): 1352 bytes for -b 1300 over IPv4, 1372 over IPv6, 1380 with aes256-gcm, 1400
// with aes128-cbc and an HMAC-SHA256.
import { cipherSpec, hashLength, AUTH_TAG_LEN } from '../crypto/algorithms';
import { signatureLength } from '../crypto/signatures';
import { HEADER_LEN, SigType } from '../protocol';
import { ENCRYPTED_HEAD_LEN, sessionAlgorithms } from '../protocol/encrypted';
import type { ServerConfig } from './types';

const UDP = 8;
const FILESEG_FIXED = 8;
const TFMCC_EXT = 8;

export function dataPacketBytes(config: Pick<ServerConfig, 'blockSize' | 'publicAddr' | 'cc' | 'encryption'>): number {
  const ip = config.publicAddr.includes(':') ? 40 : 20;
  const message = FILESEG_FIXED + (config.cc.type === 2 ? TFMCC_EXT : 0) + config.blockSize;
  const enc = config.encryption;
  if (!enc) return ip + UDP + HEADER_LEN + message;
  const algs = sessionAlgorithms(enc.keyType, enc.hashType);
  if (!algs.ok) return ip + UDP + HEADER_LEN + message;
  const spec = cipherSpec(algs.value.cipher);
  const sig = enc.sigType === SigType.HMAC ? hashLength(algs.value.hash) : enc.sigType === SigType.KEYEX ? signatureLength(enc.key.key) : 0;
  const payload = spec.mode === 'cbc' ? (Math.floor(message / spec.blockSize) + 1) * spec.blockSize : message + AUTH_TAG_LEN;
  return ip + UDP + HEADER_LEN + ENCRYPTED_HEAD_LEN + sig + payload;
}
