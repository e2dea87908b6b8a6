// ENCRYPTED in and out for a party that holds the group keys: packets opened (authenticated, replay-checked,
// decrypted) and messages of our own sealed under our ID and IV counter. REGISTER and CLIENT_KEY always
// travel in clear.
import type { KeyObject } from 'node:crypto';
import type { ReplayWindow, SymmetricKeys } from '../crypto';
import { MessageType, SigType, decodeMessage, encodeMessage, encodePacket, fail, type Decoded, type Message, type UftpHeader } from '../protocol';
import { unwrap, wrap } from '../protocol/encrypted';
import { nextIv } from './registrant';

/** What sealing and opening need of a registrant (or anyone holding the group keys). */
export interface GroupCrypto {
  sigType: SigType;
  groupKeys?: SymmetricKeys;
  ivCounter: bigint;
  replay: ReplayWindow;
}

const ALWAYS_CLEAR = new Set<number>([MessageType.REGISTER, MessageType.CLIENT_KEY]);

/** Our message, in ENCRYPTED once the group keys are known; `signingKey` signs it with KEYEX signatures. */
export function seal(crypto: GroupCrypto, header: UftpHeader, msg: Message, signingKey?: KeyObject): Buffer {
  if (ALWAYS_CLEAR.has(msg.type) || !crypto.groupKeys) return encodePacket(header, msg);
  const key = crypto.sigType === SigType.KEYEX ? signingKey : undefined;
  return wrap({ ...header, func: msg.type }, encodeMessage(msg), crypto.groupKeys, nextIv(crypto), crypto.sigType, key);
}

/** A peer's ENCRYPTED packet opened and decoded; `verifyKey` checks KEYEX signatures. */
export function open(crypto: GroupCrypto, packet: Uint8Array, verifyKey?: KeyObject): Decoded<Message> {
  if (!crypto.groupKeys) return fail('crypto', 'no group key yet');
  if (crypto.sigType === SigType.KEYEX && !verifyKey) return fail('crypto', 'no key to check the signature with');
  const inner = unwrap(packet, crypto.groupKeys, crypto.replay, crypto.sigType, verifyKey);
  if (!inner.ok) return inner;
  return decodeMessage(inner.value);
}
