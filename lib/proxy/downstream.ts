// Traffic from the server toward clients (everything but ANNOUNCE, see announce.ts). A server proxy sends it
// on to its downstream, a client proxy multicasts it on its segment's private group, a response proxy only
// listens (the clients hear the server themselves). With encryption, KEYINFO and REG_CONF meant for this
// proxy are answered here instead of being passed on.
import { HEADER_LEN, MessageType, decodeHeader, decodeMessage, type Message } from '../protocol';
import { log, send, type Ctx } from './context';
import { dropped } from '../session/drop';
import { onProxyKeyInfo, onProxyRegConf } from './group-key';
import { isMulticast } from '../net/validate';
import type { Session } from './session';
import type { Endpoint, ProxyMode } from './types';

/** `downstream`: the server proxy's current downstream (undefined while a heartbeat has not named one). */
export function onServerMessage(
  ctx: Ctx,
  session: Session,
  data: Uint8Array,
  func: number,
  to: string,
  downstream: Endpoint | undefined,
): void {
  const mode: ProxyMode = ctx.config.mode;
  session.grtt = data[13];
  if (mode === 'client' && isMulticast(to)) {
    dropped(ctx.out, 'unexpected', `server message to ${to}: a client proxy takes them from a server proxy`, session.ref, 5);
    return;
  }
  let msg: Message | undefined;
  if (func !== MessageType.ENCRYPTED) {
    const decoded = decodeMessage(data.subarray(HEADER_LEN));
    if (!decoded.ok) {
      dropped(ctx.out, 'malformed', `from the server: ${decoded.error.toString()}`, session.ref);
      return;
    }
    msg = decoded.value;
  }
  if (session.keys && (msg?.type === MessageType.KEYINFO || msg?.type === MessageType.REG_CONF)) {
    const header = decodeHeader(data);
    if (header.ok) {
      if (msg.type === MessageType.KEYINFO) onProxyKeyInfo(ctx, session, header.value, msg);
      else onProxyRegConf(ctx, session, header.value, msg);
      return;
    }
  }
  if (mode === 'server') {
    if (downstream) send(ctx, data, downstream);
    else dropped(ctx.out, 'unexpected', 'no downstream proxy yet (waiting for a heartbeat)', session.ref, 5);
  } else if (mode === 'client') {
    send(ctx, data, session.privateTarget);
  }
  if (msg?.type === MessageType.ABORT) log(ctx, 1, 'Server aborted the session', session.ref);
}
