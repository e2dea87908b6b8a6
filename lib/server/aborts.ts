// ABORT from the server: to one client (Host = its ID), or to everyone (Host 0) on the private group.
import { ABORT_MESSAGE_LEN, MessageType, NO_EXTENSIONS, type Abort } from '../protocol';
import { privateGroup, sendMessage } from './outgoing';
import type { Ctx } from './state';
import type { Endpoint } from './types';

function abortMessage(text: string, host: number, flags = 0): Abort {
  const message = new Uint8Array(ABORT_MESSAGE_LEN);
  message.set(Buffer.from(text, 'utf8').subarray(0, ABORT_MESSAGE_LEN - 1));
  return { type: MessageType.ABORT, flags, reserved: 0, host: host >>> 0, message, extensions: NO_EXTENSIONS };
}

/**
 * A client that is not (yet) in the session is told in clear, at the address it wrote from (as often as
 * stranger-aborts.ts allows: that address may be forged); one in it, on the group.
 */
export function abortClient(ctx: Ctx, id: number, text: string, to?: Endpoint): void {
  if (to === undefined) {
    sendMessage(ctx, abortMessage(text, id), true, privateGroup(ctx));
  } else if (ctx.state.strangerAborts.allow(to.address, ctx.clock.now)) {
    sendMessage(ctx, abortMessage(text, id), false, to);
  } else {
    ctx.out.push({ type: 'count', name: 'abort.withheld' });
  }
}

/** Everyone still in the session is aborted. */
export function abortEveryone(ctx: Ctx, text: string): void {
  ctx.out.push({ type: 'log', level: 0, message: 'Aborting all clients', groupId: ctx.config.groupId, groupInst: ctx.config.groupInst });
  sendMessage(ctx, abortMessage(text, 0), true);
  for (const c of ctx.state.clients.all()) {
    if (c.state === 'active' || c.state === 'naked' || c.state === 'registered') {
      c.state = 'aborted';
      c.reason = 'Aborted';
    }
  }
}
