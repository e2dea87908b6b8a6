// What an encrypted session's keys are, as a client or response proxy holds them, and the two small things
// done with them everywhere: the handshake fields the signatures cover and the next IV counter. A leaf of
// lib/proxy: session.ts and sealing.ts build on it, key-exchange.ts fills it in.
import type { KeyObject } from 'node:crypto';
import type { CipherName, HashName, ReplayWindow, SymmetricKeys } from '../crypto';
import type { ClientKey, KeyExchangeType, SigType, UftpHeader } from '../protocol';
import type { Timestamp } from './timing';
import type { ProxyKey } from './types';

export interface EcdhPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** What the proxy holds about one client's key exchange with it. */
export interface ClientCrypto {
  random: Uint8Array;
  premaster: Buffer;
  sessionKeys: SymmetricKeys;
  /** From a verified CLIENT_KEY. */
  publicKey?: KeyObject;
  keyBlob?: Buffer;
  /** A REGISTER held back until its CLIENT_KEY is verified (-C fingerprints, CLIENT_AUTH). */
  heldRegister?: { echoed: Timestamp; arrivalWall: number };
  /** Named in a REG_CONF: the server knows it, so it gets the group key from here. */
  confirmed: boolean;
  acked: boolean;
}

export interface SessionKeys {
  cipher: CipherName;
  hash: HashName;
  sigType: SigType;
  keyexType: KeyExchangeType;
  /** The server wants a CLIENT_KEY (CLIENT_AUTH flag or KEYEX signatures). */
  wantsClientKey: boolean;
  groupId: number;
  serverId: number;
  serverRandom: Buffer;
  privateAddress: Uint8Array;
  /** The key clients encrypt their premaster to or check ECDH signatures with. */
  downKey: ProxyKey;
  /** The key this proxy shows the server in CLIENT_KEY and signs with. */
  upKey: ProxyKey;
  /** ECDH sessions: this proxy's ECDH key, toward the server and its clients. */
  ecdh?: EcdhPair;
  ownRandom: Buffer;
  ownPremaster: Buffer;
  ownKeyInfo: Buffer;
  ownSessionKeys: SymmetricKeys;
  ownClientKey?: ClientKey;
  groupMaster?: Buffer;
  groupKeys?: SymmetricKeys;
  /** IV counter of this proxy's own ENCRYPTED messages and of the KEYINFOs it sends for the server. */
  ivCounter: bigint;
  replay: ReplayWindow;
  clients: Map<number, ClientCrypto>;
  /** The server's header on its latest REG_CONF: the KEYINFOs this proxy sends for the server copy it. */
  serverHeader?: UftpHeader;
  keyinfoRounds: number;
}

/** The fields of the key exchange that CLIENT_KEY and KEYINFO_ACK signatures cover. */
export function handshake(keys: SessionKeys, clientRandom: Uint8Array, premaster: Uint8Array) {
  return { groupId: keys.groupId, privateAddress: keys.privateAddress, serverRandom: keys.serverRandom, clientRandom, premaster };
}

export function nextIv(keys: SessionKeys): bigint {
  keys.ivCounter += 1n;
  return keys.ivCounter;
}
