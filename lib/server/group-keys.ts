// The server's side of encryption (protocol.txt 4): its random, its ECDH key, the group master and group
// keys, the EXT_ENC_INFO of its ANNOUNCE (signed over the whole datagram with ECDH), and the IV counter of
// its ENCRYPTED messages.
import { generateEcdhKey, groupKeys, newGroupMaster, newRandom, ReplayWindow, signatureLength, signMessage, type CipherName, type HashName, type SymmetricKeys } from '../crypto';
import { KeyExchangeType, UFTP_VERSION, encodePacket, type Announce, type EncInfoExt, type UftpHeader } from '../protocol';
import { sessionAlgorithms } from '../protocol/encrypted';
import { blobOf } from '../session/keys';
import { CLIENT_AUTH, type EcdhPair } from '../session/registrant';
import type { EncryptionConfig } from './types';

export interface ServerKeys {
  config: EncryptionConfig;
  cipher: CipherName;
  hash: HashName;
  random: Buffer;
  ecdh?: EcdhPair;
  groupMaster: Buffer;
  groupKeys: SymmetricKeys;
  ivCounter: bigint;
  replay: ReplayWindow;
}

export function makeServerKeys(config: EncryptionConfig, wall: number): ServerKeys {
  const algs = sessionAlgorithms(config.keyType, config.hashType);
  if (!algs.ok) throw new Error(algs.error.message);
  const { cipher, hash } = algs.value;
  const random = newRandom(wall);
  const groupMaster = newGroupMaster(UFTP_VERSION);
  const ecdh = config.keyexType === KeyExchangeType.RSA ? undefined : generateEcdhKey(config.curve ?? 'prime256v1');
  return {
    config, cipher, hash, random, ecdh, groupMaster, groupKeys: groupKeys(hash, cipher, groupMaster, random),
    ivCounter: 0n, replay: new ReplayWindow(),
  };
}

export function encInfo(keys: ServerKeys): EncInfoExt {
  const { config } = keys;
  const ecdh = keys.ecdh;
  return {
    kind: 'encInfo', flags: config.clientAuth ? CLIENT_AUTH : 0, keyexType: config.keyexType, sigType: config.sigType,
    keyType: config.keyType, hashType: config.hashType, random: keys.random, publicKey: blobOf(config.key.key),
    dhKey: ecdh ? blobOf(ecdh.publicKey) : null,
    signature: ecdh ? new Uint8Array(signatureLength(config.key.key)) : new Uint8Array(0),
  };
}

/** The ANNOUNCE datagram; with ECDH signed over the whole datagram with its signature field zeroed. */
export function announcePacket(header: UftpHeader, ann: Announce, keys: ServerKeys | undefined): Buffer {
  const unsigned = encodePacket(header, ann);
  const enc = ann.extensions.find((e): e is EncInfoExt => e.kind === 'encInfo');
  if (!keys?.ecdh || !enc) return unsigned;
  const signature = signMessage(keys.hash, keys.config.key.key, unsigned);
  return encodePacket(header, { ...ann, extensions: ann.extensions.map((e) => (e === enc ? { ...enc, signature } : e)) });
}
