// What every handler of one input shares: the configuration, the time, and the outputs gathered so far.
import { encodePacket, type Message } from '../protocol';
import type { Session } from './session';
import { sealOwn } from './sealing';
import type { Clock, Endpoint, ProxyConfig, ProxyOutput } from './types';

export interface Ctx {
  readonly config: ProxyConfig;
  readonly clock: Clock;
  readonly out: ProxyOutput[];
}

export function send(ctx: Ctx, data: Uint8Array, to: Endpoint): void {
  ctx.out.push({ type: 'send', data, to });
}

export function log(ctx: Ctx, level: number, message: string, groupId?: number, fileId?: number): void {
  ctx.out.push({ type: 'log', level, message, groupId, fileId });
}

export function count(ctx: Ctx, name: string): void {
  ctx.out.push({ type: 'count', name });
}

/** Sends a message of the proxy's own to `to`, sealed in ENCRYPTED when the session is encrypted. */
export function sendOwn(ctx: Ctx, session: Session, msg: Message, to: Endpoint): void {
  const header = session.ownHeader(ctx.config.uid);
  send(ctx, session.keys ? sealOwn(session.keys, header, msg) : encodePacket(header, msg), to);
}
