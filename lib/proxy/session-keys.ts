// What an encrypted session's keys are, as a client or response proxy holds them: toward the server the proxy
// is one more registrant (lib/session/registrant.ts); toward its clients it stands where the server would,
// with the key its clients encrypt to and what it learns of each client's key exchange. A leaf of lib/proxy:
// session.ts and sealing.ts build on it, key-exchange.ts fills it in.
import type { HandshakeValues, SymmetricKeys } from '../crypto';
import type { UftpHeader } from '../protocol';
import type { EcdhPair, Registrant } from '../session/registrant';
import type { Timestamp } from '../session/timing';
import type { ProxyKey } from './types';

/** What the proxy holds about one client's key exchange with it. */
export interface ClientCrypto {
  random: Uint8Array;
  premaster: Buffer;
  sessionKeys: SymmetricKeys;
  /** From a verified CLIENT_KEY. */
  publicKey?: import('node:crypto').KeyObject;
  keyBlob?: Buffer;
  /** A REGISTER held back until its CLIENT_KEY is verified (-C fingerprints, CLIENT_AUTH). */
  heldRegister?: { echoed: Timestamp; arrivalWall: number };
  /** Named in a REG_CONF: the server knows it, so it gets the group key from here. */
  confirmed: boolean;
  acked: boolean;
}

export interface SessionKeys {
  /** This proxy as a registrant of the server: its own key exchange, the group keys, its IV counter. */
  reg: Registrant;
  /** The key clients encrypt their premaster to or check ECDH signatures with. */
  downKey: ProxyKey;
  /** ECDH sessions: the ECDH key shown to clients (a client proxy's session pair, a response proxy's long-lived one). */
  ecdh?: EcdhPair;
  clients: Map<number, ClientCrypto>;
  /** The server's header on its latest REG_CONF: the KEYINFOs this proxy sends for the server copy it. */
  serverHeader?: UftpHeader;
  keyinfoRounds: number;
}

/** The fields of a client's key exchange that its CLIENT_KEY and KEYINFO_ACK signatures cover. */
export function clientHandshake(keys: SessionKeys, clientRandom: Uint8Array, premaster: Uint8Array): HandshakeValues {
  const { reg } = keys;
  return { groupId: reg.groupId, privateAddress: reg.privateAddress, serverRandom: reg.serverRandom, clientRandom, premaster };
}
