// What every handler of one input shares (lib/session/context.ts), with the proxy's configuration; and how
// the proxy sends a message of its own.
import { encodePacket, type Message } from '../protocol';
import { send, type Ctx as SessionCtx } from '../session/context';
import type { Session } from './session';
import { sealOwn } from './sealing';
import type { Endpoint, ProxyConfig } from './types';

export { count, log, send } from '../session/context';

export type Ctx = SessionCtx<ProxyConfig>;

/** Sends a message of the proxy's own to `to`, sealed in ENCRYPTED when the session is encrypted. */
export function sendOwn(ctx: Ctx, session: Session, msg: Message, to: Endpoint): void {
  const header = session.ownHeader(ctx.config.uid);
  send(ctx, session.keys ? sealOwn(session.keys, header, msg) : encodePacket(header, msg), to);
}
