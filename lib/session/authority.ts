// The side of the key exchange that hands out the group key (protocol.txt 4): the server, or a client or
// response proxy toward its own clients. From a registrant's REGISTER: its premaster (RSA-decrypted with our
// key, or from ECDH with our ECDH key) and the session keys it shares with us; its CLIENT_KEY checked; its
// KEYINFO entry (the group master encrypted for it); its KEYINFO_ACK checked.
import { timingSafeEqual, type KeyObject } from 'node:crypto';
import {
  clientSessionKeys, decryptPremaster, ecdhPremaster, encryptGroupMaster, importKeyBlob, keyinfoAckVerifyData,
  verifyClientKey, type CipherName, type HandshakeValues, type HashName, type SymmetricKeys,
} from '../crypto';
import { KeyExchangeType, type KeyInfoEntry } from '../protocol';

export interface Registration {
  premaster: Buffer;
  sessionKeys: SymmetricKeys;
}

/**
 * The premaster and session keys of a REGISTER's key info. Throws when it does not decrypt (OAEP) or is
 * not an EC point on the right curve; a bad PKCS#1 block gives a random premaster that fails later.
 */
export function acceptRegistration(
  suite: { keyexType: KeyExchangeType; hash: HashName; cipher: CipherName; serverRandom: Uint8Array },
  own: { rsaKey?: KeyObject; ecdhKey?: KeyObject },
  clientRandom: Uint8Array,
  keyInfo: Uint8Array,
): Registration {
  let premaster: Buffer;
  if (suite.keyexType === KeyExchangeType.RSA) {
    if (!own.rsaKey) throw new Error('no RSA key to decrypt the premaster with');
    premaster = decryptPremaster(own.rsaKey, keyInfo);
  } else {
    if (!own.ecdhKey) throw new Error('no ECDH key for the key exchange');
    premaster = ecdhPremaster(own.ecdhKey, importKeyBlob(keyInfo).key);
  }
  return { premaster, sessionKeys: clientSessionKeys(suite.hash, suite.cipher, premaster, suite.serverRandom, clientRandom) };
}

/** A CLIENT_KEY's signature over the handshake values (never throws). */
export function clientKeyValid(hash: HashName, key: KeyObject, values: HandshakeValues, signature: Uint8Array): boolean {
  try {
    return verifyClientKey(hash, key, values, signature);
  } catch {
    return false;
  }
}

/** One registrant's entry of a KEYINFO: the group master encrypted with its session keys. */
export function keyInfoEntry(clientId: number, sessionKeys: SymmetricKeys, groupMaster: Uint8Array, ivCounter: bigint, senderId: number): KeyInfoEntry {
  return { clientId, groupMaster: encryptGroupMaster(sessionKeys, groupMaster, ivCounter, senderId) };
}

/** A KEYINFO_ACK proves the registrant holds the group master (values with its key blob, when it sent one). */
export function keyInfoAckValid(hash: HashName, values: HandshakeValues, verifyData: Uint8Array): boolean {
  const want = keyinfoAckVerifyData(hash, values);
  return verifyData.length === want.length && timingSafeEqual(Buffer.from(verifyData), want);
}
