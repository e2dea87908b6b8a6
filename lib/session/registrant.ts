// The registrant's side of an encrypted session's key set-up (protocol.txt 4, flows 5.1.1): a client, or a
// client or response proxy toward the server. From the server's EXT_ENC_INFO: a random and a premaster of
// its own (RSA-encrypted to the server's key, or an ECDH exchange), the session keys they give, a signed
// CLIENT_KEY when asked for; later the group master out of KEYINFO and the KEYINFO_ACK that proves it.
import { timingSafeEqual, type KeyObject } from 'node:crypto';
import {
  ReplayWindow, clientSessionKeys, decryptGroupMaster, ecCurveOf, ecdhPremaster, encryptPremaster, generateEcdhKey,
  groupKeys, keyBlob, keyinfoAckVerifyData, newPremaster, newRandom, rsaModulusLength, signClientKey, verifyMessage,
  type CipherName, type HandshakeValues, type HashName, type SymmetricKeys,
} from '../crypto';
import {
  KeyExchangeType, MessageType, NO_EXTENSIONS, SigType, UFTP_VERSION, encodePacket, parseIp,
  type Announce, type ClientKey, type EncInfoExt, type KeyInfo, type KeyInfoAck, type UftpHeader,
} from '../protocol';
import { sessionAlgorithms } from '../protocol/encrypted';
import { blobOf, keyOfBlob } from './keys';
import type { LoadedKey } from './types';

export const CLIENT_AUTH = 0x01;

export interface EcdhPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export type Result<T> = { ok: true; value: T } | { ok: false; why: string };

const refuse = (why: string): { ok: false; why: string } => ({ ok: false, why });

/** What a registrant holds for one encrypted session. */
export interface Registrant {
  cipher: CipherName;
  hash: HashName;
  sigType: SigType;
  keyexType: KeyExchangeType;
  /** The server asked for client authentication (CLIENT_AUTH). */
  clientAuth: boolean;
  /** A CLIENT_KEY goes with REGISTER: CLIENT_AUTH, or KEYEX signatures. */
  wantsClientKey: boolean;
  groupId: number;
  serverId: number;
  serverRandom: Buffer;
  /** The private multicast address as 4 or 16 bytes: part of what the handshake signatures cover. */
  privateAddress: Uint8Array;
  /** The ANNOUNCE's public key: it checks KEYEX signatures on the server's packets. */
  serverKey: KeyObject;
  /** Our key: it signs CLIENT_KEY and, with KEYEX signatures, our packets. */
  ownKey: LoadedKey;
  /** ECDH sessions: our key pair (a client proxy shows it to its clients too). */
  ecdh?: EcdhPair;
  random: Buffer;
  premaster: Buffer;
  /** REGISTER's key info: the encrypted premaster, or our ECDH key blob. */
  keyInfo: Buffer;
  sessionKeys: SymmetricKeys;
  clientKey?: ClientKey;
  groupMaster?: Buffer;
  groupKeys?: SymmetricKeys;
  /** IV counter of our ENCRYPTED messages (incremented before each use). */
  ivCounter: bigint;
  /** Replay window over the ENCRYPTED packets we open. */
  replay: ReplayWindow;
}

export interface KeyChoice {
  ownKey: LoadedKey;
  /** RSA key exchange: the key the premaster is encrypted to; default the ANNOUNCE's (a response proxy's for its clients). */
  exchangeKey?: KeyObject;
  /** ECDH: the peer's ECDH key; default the ANNOUNCE's (a response proxy's long-lived one for its clients). */
  exchangeDh?: KeyObject;
}

export function encInfoOf(ann: Announce): EncInfoExt | undefined {
  return ann.extensions.find((e): e is EncInfoExt => e.kind === 'encInfo');
}

/** The key type a session's signatures need: EC for ECDH_ECDSA, RSA otherwise. */
export function signatureKeyType(keyex: KeyExchangeType): 'rsa' | 'ec' {
  return keyex === KeyExchangeType.ECDH_ECDSA ? 'ec' : 'rsa';
}

/**
 * The key of ours that matches the server's, as the real client picks it: an RSA key with the server key's
 * modulus length, or an EC key on the server key's curve.
 */
export function matchingKey(keys: readonly LoadedKey[], serverKey: KeyObject): LoadedKey | undefined {
  if (serverKey.asymmetricKeyType === 'rsa') {
    const len = rsaModulusLength(serverKey);
    return keys.find((k) => k.type === 'rsa' && rsaModulusLength(k.key) === len);
  }
  const curve = serverKey.asymmetricKeyDetails?.namedCurve;
  return keys.find((k) => k.type === 'ec' && k.key.asymmetricKeyDetails?.namedCurve === curve);
}

export interface SessionCrypto {
  cipher: CipherName;
  hash: HashName;
  sigType: SigType;
  keyexType: KeyExchangeType;
  serverKey: KeyObject;
  serverDh?: KeyObject;
}

/** The algorithms and keys an EXT_ENC_INFO names, checked the way the real client checks them. */
export function sessionCrypto(enc: EncInfoExt): Result<SessionCrypto> {
  const algs = sessionAlgorithms(enc.keyType, enc.hashType);
  if (!algs.ok) return refuse(algs.error.message);
  const { cipher, hash } = algs.value;
  const keyex = enc.keyexType as KeyExchangeType;
  if (keyex !== KeyExchangeType.RSA && keyex !== KeyExchangeType.ECDH_RSA && keyex !== KeyExchangeType.ECDH_ECDSA) {
    return refuse(`Invalid keyextype specified (${enc.keyexType})`);
  }
  const sigType = enc.sigType as SigType;
  const aead = !cipher.endsWith('-cbc');
  if (sigType !== SigType.HMAC && sigType !== SigType.KEYEX && !(sigType === SigType.AUTHENC && aead)) {
    return refuse(`Invalid sigtype specified (${enc.sigType})`);
  }
  const serverKey = keyOfBlob(enc.publicKey);
  if (!serverKey) return refuse('Failed to load server public key');
  if (serverKey.asymmetricKeyType !== signatureKeyType(keyex)) return refuse('Server key type does not match the key exchange');
  if (keyex === KeyExchangeType.RSA) return { ok: true, value: { cipher, hash, sigType, keyexType: keyex, serverKey } };
  const serverDh = keyOfBlob(enc.dhKey);
  if (!serverDh || serverDh.asymmetricKeyType !== 'ec') return refuse('Failed to load server public ECDH key');
  return { ok: true, value: { cipher, hash, sigType, keyexType: keyex, serverKey, serverDh } };
}

/** ECDH sessions: the ANNOUNCE is signed with the server key over the whole datagram, signature zeroed. */
export function announceSignatureValid(header: UftpHeader, ann: Announce, enc: EncInfoExt, crypto: SessionCrypto): boolean {
  const zeroed = ann.extensions.map((e) => (e === enc ? { ...enc, signature: new Uint8Array(enc.signature.length) } : e));
  const unsigned = encodePacket(header, { ...ann, extensions: zeroed });
  return verifyMessage(crypto.hash, crypto.serverKey, unsigned, enc.signature);
}

/** Our random, premaster and key info for REGISTER, the session keys they give, and the CLIENT_KEY when wanted. */
export function startRegistration(
  header: UftpHeader,
  ann: Announce,
  enc: EncInfoExt,
  crypto: SessionCrypto,
  choice: KeyChoice,
  wall: number,
): Result<Registrant> {
  const privateAddress = parseIp(ann.privateAddr);
  if (!privateAddress) return refuse(`private address ${ann.privateAddr} does not parse`);
  const random = newRandom(wall);
  let premaster: Buffer;
  let keyInfo: Buffer;
  let ecdh: EcdhPair | undefined;
  try {
    if (crypto.keyexType === KeyExchangeType.RSA) {
      premaster = newPremaster(UFTP_VERSION);
      keyInfo = encryptPremaster(choice.exchangeKey ?? crypto.serverKey, premaster);
    } else {
      const peer = choice.exchangeDh ?? (crypto.serverDh as KeyObject);
      ecdh = generateEcdhKey(ecCurveOf(peer));
      premaster = ecdhPremaster(ecdh.privateKey, peer);
      keyInfo = keyBlob(ecdh.publicKey);
    }
  } catch (err) {
    return refuse(`key exchange failed: ${(err as Error).message}`);
  }
  const clientAuth = (enc.flags & CLIENT_AUTH) !== 0;
  const reg: Registrant = {
    cipher: crypto.cipher, hash: crypto.hash, sigType: crypto.sigType, keyexType: crypto.keyexType, clientAuth,
    wantsClientKey: clientAuth || crypto.sigType === SigType.KEYEX,
    groupId: header.groupId, serverId: header.srcId, serverRandom: Buffer.from(enc.random), privateAddress,
    serverKey: crypto.serverKey, ownKey: choice.ownKey, ecdh, random, premaster, keyInfo,
    sessionKeys: clientSessionKeys(crypto.hash, crypto.cipher, premaster, enc.random, random),
    ivCounter: 0n, replay: new ReplayWindow(),
  };
  if (reg.wantsClientKey) {
    try {
      reg.clientKey = {
        type: MessageType.CLIENT_KEY, reserved: 0, publicKey: blobOf(choice.ownKey.key), extensions: NO_EXTENSIONS,
        verifySignature: signClientKey(crypto.hash, choice.ownKey.key, handshake(reg)),
      };
    } catch (err) {
      return refuse(`Error signing verify data: ${(err as Error).message}`);
    }
  }
  return { ok: true, value: reg };
}

/** The fields of the key exchange that CLIENT_KEY and KEYINFO_ACK signatures cover. */
export function handshake(reg: Registrant): HandshakeValues {
  return { groupId: reg.groupId, privateAddress: reg.privateAddress, serverRandom: reg.serverRandom, clientRandom: reg.random, premaster: reg.premaster };
}

/**
 * The group master from our entry of a KEYINFO (its source ID builds the IV), the group keys it gives, and the
 * KEYINFO_ACK that answers it. `first` is false for a repeated KEYINFO (answered again, keys unchanged).
 */
export function acceptKeyInfo(reg: Registrant, header: UftpHeader, msg: KeyInfo, uid: number): Result<{ ack: KeyInfoAck; first: boolean }> {
  const entry = msg.keys.find((k) => k.clientId >>> 0 === uid >>> 0);
  if (!entry) return refuse('KEYINFO has no entry for us');
  let master: Buffer;
  try {
    master = decryptGroupMaster(reg.sessionKeys, entry.groupMaster, msg.ivCounter, header.srcId, header.version);
  } catch (err) {
    return refuse(`Decrypt failed for group master: ${(err as Error).message}`);
  }
  const first = reg.groupMaster === undefined;
  if (!first && !timingSafeEqual(master, reg.groupMaster as Buffer)) return refuse('KEYINFO carries a different group master');
  reg.groupMaster = master;
  reg.groupKeys = groupKeys(reg.hash, reg.cipher, master, reg.serverRandom);
  const verifyData = keyinfoAckVerifyData(reg.hash, {
    ...handshake(reg), clientKeyBlob: reg.clientKey ? keyBlob(reg.ownKey.key) : undefined, groupMaster: master,
  });
  return { ok: true, value: { ack: { type: MessageType.KEYINFO_ACK, reserved: 0, verifyData, extensions: NO_EXTENSIONS }, first } };
}

export function nextIv(reg: { ivCounter: bigint }): bigint {
  reg.ivCounter += 1n;
  return reg.ivCounter;
}
