// Handshake values of protocol.txt section 4 as functions of plain inputs: randoms, the
// verify data that CLIENT_KEY signs and KEYINFO_ACK hashes, and the group master's trip
// inside KEYINFO (always CBC, even for GCM/CCM sessions; only its last 47 bytes travel).
import { createHash, KeyObject, randomBytes } from 'crypto';
import { cipherSpec, HashName, unauthenticatedTwin } from './algorithms';
import { buildIv } from './iv';
import { MASTER_LEN, RANDOM_LEN, SymmetricKeys } from './key-schedule';
import { prf } from './prf';
import { signMessage, verifyMessage } from './signatures';
import { decryptBlock, encryptBlock } from './symmetric';

export const VERIFY_DATA_LEN = 12;

/**
 * A server or client random: 4 bytes of UNIX time, then 28 random bytes. The real programs store
 * the time in host order, little-endian on every platform they ship for; nobody checks it.
 */
export function newRandom(nowMs: number = Date.now()): Buffer {
  const random = randomBytes(RANDOM_LEN);
  random.writeUInt32LE(Math.floor(nowMs / 1000) >>> 0, 0);
  return random;
}

/** A group master: the protocol version byte, then 47 random bytes. */
export function newGroupMaster(version: number): Buffer {
  const master = randomBytes(MASTER_LEN);
  master[0] = version;
  return master;
}

export interface HandshakeValues {
  groupId: number;
  /** The private multicast address: 4 bytes (IPv4) or 16 (IPv6), network order. */
  privateAddress: Uint8Array;
  serverRandom: Uint8Array;
  clientRandom: Uint8Array;
  premaster: Uint8Array;
  /** The client's key blob, when it sent a CLIENT_KEY (KEYINFO_ACK only). */
  clientKeyBlob?: Uint8Array;
  /** The 48-byte group master (KEYINFO_ACK only). */
  groupMaster?: Uint8Array;
}

/** group ID | private address | server random | client random | premaster [| client key blob | group master]. */
export function verifyData(values: HandshakeValues): Buffer {
  if (values.privateAddress.length !== 4 && values.privateAddress.length !== 16) {
    throw new RangeError(`private address must be 4 or 16 bytes, not ${values.privateAddress.length}`);
  }
  const groupId = Buffer.alloc(4);
  groupId.writeUInt32BE(values.groupId >>> 0);
  const parts: Uint8Array[] = [groupId, values.privateAddress, values.serverRandom, values.clientRandom, values.premaster];
  if (values.clientKeyBlob !== undefined) parts.push(values.clientKeyBlob);
  if (values.groupMaster !== undefined) parts.push(values.groupMaster);
  return Buffer.concat(parts);
}

/** The signed verify data of CLIENT_KEY (values without client key blob and group master). */
export function signClientKey(hash: HashName, clientPrivateKey: KeyObject, values: HandshakeValues): Buffer {
  return signMessage(hash, clientPrivateKey, verifyData(values));
}

export function verifyClientKey(hash: HashName, clientPublicKey: KeyObject, values: HandshakeValues, sig: Uint8Array): boolean {
  return verifyMessage(hash, clientPublicKey, verifyData(values), sig);
}

/** The 12 bytes of KEYINFO_ACK: PRF(group master, "client finished", Hash(verify data)). */
export function keyinfoAckVerifyData(hash: HashName, values: HandshakeValues): Buffer {
  if (values.groupMaster === undefined) throw new TypeError('KEYINFO_ACK verify data needs the group master');
  const digest = createHash(hash).update(verifyData(values)).digest();
  return prf(hash, values.groupMaster, 'client finished', digest, VERIFY_DATA_LEN);
}

/** Encrypts the last 47 bytes of the group master with one client's session keys (48 bytes out). */
export function encryptGroupMaster(clientKeys: SymmetricKeys, groupMaster: Uint8Array, ivCounter: bigint, serverId: number): Buffer {
  if (groupMaster.length !== MASTER_LEN) throw new RangeError(`group master must be ${MASTER_LEN} bytes`);
  const cipher = unauthenticatedTwin(clientKeys.cipher);
  const iv = buildIv(clientKeys.salt, cipherSpec(cipher).ivLen, ivCounter, serverId);
  return encryptBlock(cipher, clientKeys.key, iv, groupMaster.subarray(1));
}

/** The inverse of encryptGroupMaster; `version` becomes the first byte. Throws when it fails. */
export function decryptGroupMaster(
  clientKeys: SymmetricKeys,
  encrypted: Uint8Array,
  ivCounter: bigint,
  serverId: number,
  version: number,
): Buffer {
  const cipher = unauthenticatedTwin(clientKeys.cipher);
  const iv = buildIv(clientKeys.salt, cipherSpec(cipher).ivLen, ivCounter, serverId);
  const tail = decryptBlock(cipher, clientKeys.key, iv, encrypted);
  if (tail.length !== MASTER_LEN - 1) throw new RangeError(`group master decrypted to ${tail.length} bytes, not 47`);
  return Buffer.concat([Buffer.from([version]), tail]);
}
