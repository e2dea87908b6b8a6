// Traffic from clients toward the server. A server proxy passes it on untouched; client and response proxies
// gather REGISTER, FILEINFO_ACK, STATUS and COMPLETE into aggregates of their own, pass CC_ACK on at once,
// and answer ABORTs on the client's behalf.
import { ABORT_MESSAGE_LEN, HEADER_LEN, MessageType, decodeMessage, type Abort, type Message } from '../protocol';
import { bitCount, u32 } from '../protocol/bytes';
import { clientAllowed } from './access';
import type { ClientResponse, PendingKind } from './aggregation';
import { count, log, send, sendOwn, type Ctx } from './context';
import { dropped, hexId } from '../session/drop';
import { onClientKey, onRegisterKeys } from './client-keys';
import { onKeyInfoAck } from './group-key';
import { afterOwnRegister, ownRegistration } from './key-exchange';
import { openFromClient, resealCcAck } from './sealing';
import { PLAIN_REGISTRATION, aggregateMessages } from './responses';
import type { Session } from './session';
import { aggregationWaitMs } from '../session/timing';
import type { Endpoint } from './types';

/** Server proxy: upstream traffic goes back where the ANNOUNCE came from, byte for byte. */
export function passUpstream(ctx: Ctx, session: Session, data: Uint8Array, func: number): void {
  if (func !== MessageType.ENCRYPTED) {
    const msg = decodeMessage(data.subarray(HEADER_LEN));
    if (!msg.ok) {
      dropped(ctx.out, 'malformed', `upstream message: ${msg.error.toString()}`, session.ref);
      return;
    }
    if (msg.value.type === MessageType.STATUS) count(ctx, 'nak.forwarded', bitCount(msg.value.naks));
  }
  send(ctx, data, session.upstream);
}

/** Client and response proxies: a response from one of their clients. */
export function onClientResponse(ctx: Ctx, session: Session, data: Uint8Array, func: number, from: Endpoint): void {
  const id = u32(data, 4);
  if (!clientAllowed(ctx.config.clientList, id)) {
    dropped(ctx.out, 'access', `client ${hexId(id)} is not in the client list`, session.ref);
    return;
  }
  let msg: Message;
  if (func === MessageType.ENCRYPTED) {
    if (!session.keys) {
      dropped(ctx.out, 'unexpected', `ENCRYPTED from ${hexId(id)} in an unencrypted session`, session.ref);
      return;
    }
    const opened = openFromClient(session.keys, data, id);
    if (!opened.ok) {
      const reason = opened.error.kind === 'replay' ? 'replay' : opened.error.kind === 'crypto' ? 'crypto' : 'malformed';
      dropped(ctx.out, reason, `ENCRYPTED from ${hexId(id)}: ${opened.error.toString()}`, session.ref);
      return;
    }
    msg = opened.value;
  } else {
    const decoded = decodeMessage(data.subarray(HEADER_LEN));
    if (!decoded.ok) {
      dropped(ctx.out, 'malformed', `from ${hexId(id)}: ${decoded.error.toString()}`, session.ref);
      return;
    }
    msg = decoded.value;
    if (session.keys && !PLAIN_WHEN_ENCRYPTED.has(msg.type)) {
      dropped(ctx.out, 'unexpected', `${MessageType[msg.type]} in clear from ${hexId(id)} in an encrypted session`, session.ref);
      return;
    }
  }
  handleResponse(ctx, session, msg, data, id, from);
}

/** What clients send unencrypted even in an encrypted session. */
const PLAIN_WHEN_ENCRYPTED = new Set<MessageType>([MessageType.REGISTER, MessageType.CLIENT_KEY, MessageType.ABORT]);

function handleResponse(ctx: Ctx, session: Session, msg: Message, data: Uint8Array, id: number, from: Endpoint): void {
  const wall = ctx.clock.wall;
  switch (msg.type) {
    case MessageType.REGISTER: {
      const echoed = { sec: msg.tsSec, usec: msg.tsUsec };
      log(ctx, 3, `Received REGISTER from ${hexId(id)}`, session.ref);
      const admission = session.keys ? onRegisterKeys(ctx, session, id, msg, echoed) : 'admit';
      if (admission === 'refuse') return;
      session.clients.set(id, { id, from });
      if (admission === 'admit') gather(ctx, session, 'register', 0, 0, { clientId: id, arrivalWall: wall, echoed });
      return;
    }
    case MessageType.CLIENT_KEY: {
      if (!session.keys) {
        dropped(ctx.out, 'unexpected', `CLIENT_KEY from ${hexId(id)} in an unencrypted session`, session.ref, 5);
        return;
      }
      const held = onClientKey(ctx, session, id, msg);
      if (held) gather(ctx, session, 'register', 0, 0, { clientId: id, arrivalWall: held.arrivalWall, echoed: held.echoed });
      return;
    }
    case MessageType.KEYINFO_ACK:
      if (session.keys) onKeyInfoAck(ctx, session, id, msg);
      else dropped(ctx.out, 'unexpected', `KEYINFO_ACK from ${hexId(id)} in an unencrypted session`, session.ref, 5);
      return;
    case MessageType.FILEINFO_ACK:
      gather(ctx, session, 'fileinfoAck', msg.fileId, msg.flags, {
        clientId: id, arrivalWall: wall, echoed: { sec: msg.tsSec, usec: msg.tsUsec },
      });
      return;
    case MessageType.STATUS: {
      count(ctx, 'nak.received', bitCount(msg.naks));
      const ackInfo = msg.extensions.find((e) => e.kind === 'tfmccAckInfo');
      gather(ctx, session, 'status', msg.fileId, msg.section, {
        clientId: id, arrivalWall: wall, naks: Uint8Array.from(msg.naks), ackInfo: ackInfo?.kind === 'tfmccAckInfo' ? ackInfo : undefined,
      });
      return;
    }
    case MessageType.COMPLETE: {
      const freespace = msg.extensions.find((e) => e.kind === 'freespaceInfo');
      gather(ctx, session, 'complete', msg.fileId, msg.status, {
        clientId: id, arrivalWall: wall, freespace: freespace?.kind === 'freespaceInfo' ? freespace : undefined,
      }, `Received COMPLETE from ${hexId(id)}`);
      return;
    }
    case MessageType.CC_ACK:
      // Not aggregated (3.3): on at once, so the echoed timestamp needs no adjusting.
      send(ctx, session.keys ? resealCcAck(ctx.config.uid, session, msg) : data, session.upstream);
      count(ctx, 'forward.cc_ack');
      return;
    case MessageType.ABORT:
      sendOwn(ctx, session, onBehalf(msg, id), session.upstream);
      log(ctx, 1, `Client ${hexId(id)} aborted`, session.ref);
      return;
    default:
      dropped(ctx.out, 'unexpected', `${MessageType[msg.type]} from client ${hexId(id)}`, session.ref);
  }
}

/** A client's ABORT sent on by the proxy: Host names the client (5.2.16). */
function onBehalf(msg: Abort, clientId: number): Abort {
  return { ...msg, host: clientId, message: msg.message.subarray(0, ABORT_MESSAGE_LEN) };
}

function gather(
  ctx: Ctx,
  session: Session,
  kind: PendingKind,
  fileId: number,
  detail: number,
  response: ClientResponse,
  line?: string,
): void {
  if (line) log(ctx, 4, line, session.ref, fileId);
  const now = ctx.clock.now;
  const wait = aggregationWaitMs(session.grtt, ctx.config.aggregationPct);
  if (session.aggregator.add(kind, fileId, detail, response, now, wait)) {
    ctx.out.push({ type: 'setTimer', id: session.timerId('aggregate'), at: session.aggregator.nextDue() as number });
  }
}

const SENT_NAME: Record<PendingKind, string> = {
  register: 'REGISTER', fileinfoAck: 'FILEINFO_ACK', status: 'STATUS', complete: 'COMPLETE',
};

/** Sends every aggregate that is due, and arms the timer for the next one. */
export function flushAggregates(ctx: Ctx, session: Session): void {
  const own = ownRegistration(session) ?? PLAIN_REGISTRATION;
  for (const p of session.aggregator.takeDue(ctx.clock.now)) {
    for (const msg of aggregateMessages(p, ctx.clock.wall, session.blockSize, own)) {
      sendOwn(ctx, session, msg, session.upstream);
      if (msg.type === MessageType.STATUS) count(ctx, 'nak.aggregated', bitCount(msg.naks));
    }
    if (p.kind === 'register') afterOwnRegister(ctx, session);
    log(ctx, 3, `Sent ${SENT_NAME[p.kind]} for ${p.responses.size} client(s)`, session.ref, p.fileId || undefined);
    count(ctx, `aggregate.${p.kind}`);
  }
  const next = session.aggregator.nextDue();
  if (next !== undefined) ctx.out.push({ type: 'setTimer', id: session.timerId('aggregate'), at: next });
}
