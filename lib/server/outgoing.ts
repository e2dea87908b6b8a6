// Messages the server sends: its header (sequence number, advertised GRTT, group size), sealed in ENCRYPTED
// once the group keys are in use, to the private group (the public one for ANNOUNCE). Messages that list
// clients are split into as many datagrams as the list needs, each within the block size.
import { encodeMessage, encodePacket, quantizeGroupSize, UFTP_VERSION, type Message, type UftpHeader } from '../protocol';
import { wrap } from '../protocol/encrypted';
import type { DropReason } from '../session/drop';
import { nextIv } from '../session/registrant';
import type { Ctx } from './state';
import type { Endpoint } from './types';

export function serverHeader(ctx: Ctx, func: number, grttByte?: number): UftpHeader {
  const { state, config } = ctx;
  return {
    version: UFTP_VERSION, func, seq: state.nextSeq(), srcId: config.uid, groupId: config.groupId, groupInst: config.groupInst,
    grtt: grttByte ?? state.grtt.quantized, gsize: quantizeGroupSize(state.clients.receiverCount()), reserved: 0,
  };
}

export function privateGroup(ctx: Ctx): Endpoint {
  return { address: ctx.config.privateAddr, port: ctx.config.port };
}

export function publicGroup(ctx: Ctx): Endpoint {
  return { address: ctx.config.publicAddr, port: ctx.config.port };
}

/** A message to `to`, in ENCRYPTED when `encrypt` and the session has keys. */
export function sendMessage(ctx: Ctx, msg: Message, encrypt: boolean, to: Endpoint = privateGroup(ctx), grttByte?: number): void {
  const header = serverHeader(ctx, msg.type, grttByte);
  const keys = ctx.state.keys;
  let data: Buffer;
  if (encrypt && keys) {
    const signingKey = keys.config.key.key;
    data = wrap(header, encodeMessage(msg), keys.groupKeys, nextIv(keys), keys.config.sigType, signingKey);
  } else {
    data = encodePacket(header, msg);
  }
  ctx.out.push({ type: 'send', data, to });
}

/** How many 4-byte IDs fit after a message header of `headerBytes` within the block size. */
export function idsPerPacket(ctx: Ctx, headerBytes: number): number {
  return Math.max(1, Math.floor((ctx.config.blockSize - headerBytes) / 4));
}

/**
 * A message naming `ids`, split as the list needs (at least one datagram, even with no IDs); `build` makes
 * the message for one part. Logs "Sending NAME round.part" as the real server does: the round is the
 * phase's attempt, unless `what.round` says otherwise (a confirmation sent between rounds counts as the next).
 */
export function sendListed(
  ctx: Ctx,
  ids: number[],
  perPacket: number,
  build: (part: number[]) => Message,
  what: { name: string; encrypt: boolean; to?: Endpoint; level?: number; round?: number },
): void {
  const parts: number[][] = [];
  for (let i = 0; i < ids.length; i += perPacket) parts.push(ids.slice(i, i + perPacket));
  if (parts.length === 0) parts.push([]);
  parts.forEach((part, i) => {
    ctx.out.push({ type: 'log', level: what.level ?? 2, message: `Sending ${what.name} ${what.round ?? ctx.state.attempt}.${i + 1}`, groupId: ctx.config.groupId, groupInst: ctx.config.groupInst, fileId: ctx.state.fileId || undefined });
    sendMessage(ctx, build(part), what.encrypt, what.to);
  });
}

export function slog(ctx: Ctx, level: number, message: string): void {
  ctx.out.push({ type: 'log', level, message, groupId: ctx.config.groupId, groupInst: ctx.config.groupInst, fileId: ctx.state.fileId || undefined });
}

/**
 * A line about a datagram refused or ignored, worded as the real server words it: counted under `drop.<reason>`,
 * and marked as a drop so that the runner thins a flood of them (forged or repeated answers) to a few lines and a count.
 */
export function refused(ctx: Ctx, reason: DropReason, level: number, message: string): void {
  ctx.out.push(
    { type: 'log', level, message, groupId: ctx.config.groupId, groupInst: ctx.config.groupInst, fileId: ctx.state.fileId || undefined, drop: reason },
    { type: 'count', name: `drop.${reason}` },
  );
}
