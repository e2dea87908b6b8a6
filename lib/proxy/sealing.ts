// ENCRYPTED in and out for a proxy that holds the group keys (lib/session/sealing.ts does the work): clients'
// responses are opened (and checked against replay) before aggregation; the proxy's own messages are sealed
// under its own ID and IV counter, signed with its own key when the session wants KEYEX signatures.
import { SigType, fail, type Decoded, type Message, type UftpHeader } from '../protocol';
import { open, seal } from '../session/sealing';
import type { SessionKeys } from './session-keys';
import type { Session } from './session';

export function openFromClient(keys: SessionKeys, packet: Uint8Array, clientId: number): Decoded<Message> {
  const verifyKey = keys.reg.sigType === SigType.KEYEX ? keys.clients.get(clientId)?.publicKey : undefined;
  if (keys.reg.sigType === SigType.KEYEX && !verifyKey) return fail('crypto', 'no CLIENT_KEY to check the signature with');
  return open(keys.reg, packet, verifyKey);
}

export function sealOwn(keys: SessionKeys, header: UftpHeader, msg: Message): Buffer {
  return seal(keys.reg, header, msg, keys.reg.ownKey.key);
}

/** CC_ACK goes on at once; in an encrypted session it is sealed again as the proxy's. */
export function resealCcAck(uid: number, session: Session, msg: Message): Buffer {
  return sealOwn(session.keys as SessionKeys, session.ownHeader(uid), msg);
}
