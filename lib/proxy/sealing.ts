// ENCRYPTED in and out for a proxy that holds the group keys: clients' responses are opened (and checked
// against replay) before aggregation; the proxy's own messages are sealed under its own ID and IV counter.
import { MessageType, SigType, decodeMessage, encodeMessage, encodePacket, fail, type Decoded, type Message, type UftpHeader } from '../protocol';
import { unwrap, wrap } from '../protocol/encrypted';
import { nextIv, type SessionKeys } from './session-keys';
import type { Session } from './session';

/** Messages that travel in clear even once the group keys are known. */
const ALWAYS_CLEAR = new Set<number>([MessageType.REGISTER, MessageType.CLIENT_KEY]);

export function openFromClient(keys: SessionKeys, packet: Uint8Array, clientId: number): Decoded<Message> {
  if (!keys.groupKeys) return fail('crypto', 'no group key yet');
  const verifyKey = keys.sigType === SigType.KEYEX ? keys.clients.get(clientId)?.publicKey : undefined;
  if (keys.sigType === SigType.KEYEX && !verifyKey) return fail('crypto', 'no CLIENT_KEY to check the signature with');
  const inner = unwrap(packet, keys.groupKeys, keys.replay, keys.sigType, verifyKey);
  if (!inner.ok) return inner;
  return decodeMessage(inner.value);
}

export function sealOwn(keys: SessionKeys, header: UftpHeader, msg: Message): Buffer {
  if (ALWAYS_CLEAR.has(msg.type) || !keys.groupKeys) return encodePacket(header, msg);
  const signingKey = keys.sigType === SigType.KEYEX ? keys.upKey.key : undefined;
  return wrap({ ...header, func: msg.type }, encodeMessage(msg), keys.groupKeys, nextIv(keys), keys.sigType, signingKey);
}

/** CC_ACK goes on at once; in an encrypted session it is sealed again as the proxy's. */
export function resealCcAck(uid: number, session: Session, msg: Message): Buffer {
  return sealOwn(session.keys as SessionKeys, session.ownHeader(uid), msg);
}
