// The group key's way through a client or response proxy: the server's KEYINFO gives it to the proxy (which
// answers with its KEYINFO_ACK); a REG_CONF naming the proxy's clients has the proxy send them KEYINFO in the
// server's name, each entry encrypted with that client's session key, again every 2 x GRTT to clients that
// have not answered, at most ROBUST times; their KEYINFO_ACKs end here.
import {
  MessageType, NO_EXTENSIONS, encodePacket, type KeyInfo, type KeyInfoAck, type KeyInfoEntry, type RegConf, type UftpHeader,
} from '../protocol';
import { dropped, hexId } from '../session/drop';
import { keyInfoAckValid, keyInfoEntry } from '../session/authority';
import { acceptKeyInfo, nextIv } from '../session/registrant';
import { grttMs } from '../session/timing';
import { count, log, send, sendOwn, type Ctx } from './context';
import { clientHandshake, type SessionKeys } from './session-keys';
import type { Session } from './session';

const KEYINFO_ENTRY = 52;

export function onProxyKeyInfo(ctx: Ctx, session: Session, header: UftpHeader, msg: KeyInfo): void {
  const keys = session.keys as SessionKeys;
  const accepted = acceptKeyInfo(keys.reg, header, msg, ctx.config.uid);
  if (!accepted.ok) {
    const reason = accepted.why.startsWith('KEYINFO has no entry') ? 'unexpected' : 'crypto';
    dropped(ctx.out, reason, accepted.why, session.ref, reason === 'crypto' ? 4 : 5);
    if (reason === 'crypto') count(ctx, 'key_exchange.server.failed');
    return;
  }
  sendOwn(ctx, session, accepted.value.ack, session.upstream);
  if (accepted.value.first) {
    count(ctx, 'key_exchange.server.ok');
    log(ctx, 3, 'Received group key from the server', session.ref);
    sendKeyInfo(ctx, session, waiting(keys));
  }
}

export function onProxyRegConf(ctx: Ctx, session: Session, header: UftpHeader, msg: RegConf): void {
  const keys = session.keys as SessionKeys;
  keys.serverHeader = header;
  const ids: number[] = [];
  for (const id of msg.clientIds) {
    const client = keys.clients.get(id);
    if (!client) continue;
    client.confirmed = true;
    ids.push(id);
  }
  keys.keyinfoRounds = 0;
  sendKeyInfo(ctx, session, ids);
}

function waiting(keys: SessionKeys): number[] {
  return [...keys.clients].filter(([, c]) => c.confirmed && !c.acked).map(([id]) => id);
}

function sendKeyInfo(ctx: Ctx, session: Session, ids: number[]): void {
  const keys = session.keys as SessionKeys;
  if (ids.length === 0 || !keys.reg.groupMaster || !keys.serverHeader) return;
  const per = Math.max(1, Math.floor(session.blockSize / KEYINFO_ENTRY));
  for (let i = 0; i < ids.length; i += per) {
    const ivCounter = nextIv(keys.reg);
    const entries: KeyInfoEntry[] = ids.slice(i, i + per).map((clientId) =>
      keyInfoEntry(clientId, keys.clients.get(clientId)!.sessionKeys, keys.reg.groupMaster!, ivCounter, keys.reg.serverId),
    );
    const msg: KeyInfo = { type: MessageType.KEYINFO, reserved: 0, ivCounter, extensions: NO_EXTENSIONS, keys: entries };
    // In the server's name: its ID and GRTT, as the real proxies send it (sequence 0).
    send(ctx, encodePacket({ ...keys.serverHeader, seq: 0 }, msg), session.privateTarget);
  }
  log(ctx, 3, `Sent KEYINFO to ${ids.length} client(s)`, session.ref);
  ctx.out.push({ type: 'setTimer', id: session.timerId('keyinfo'), at: ctx.clock.now + 2 * grttMs(session.grtt) });
}

export function onKeyInfoTimer(ctx: Ctx, session: Session): void {
  const keys = session.keys;
  if (!keys) return;
  keys.keyinfoRounds++;
  if (keys.keyinfoRounds >= Math.max(1, session.robust)) {
    for (const id of waiting(keys)) log(ctx, 1, `Client ${hexId(id)} never acknowledged KEYINFO`, session.ref);
    return;
  }
  sendKeyInfo(ctx, session, waiting(keys));
}

export function onKeyInfoAck(ctx: Ctx, session: Session, id: number, msg: KeyInfoAck): void {
  const keys = session.keys as SessionKeys;
  const client = keys.clients.get(id);
  if (!client || !keys.reg.groupMaster) {
    dropped(ctx.out, 'unexpected', `KEYINFO_ACK from ${hexId(id)}, which has no key from here`, session.ref);
    return;
  }
  const values = { ...clientHandshake(keys, client.random, client.premaster), clientKeyBlob: client.keyBlob, groupMaster: keys.reg.groupMaster };
  if (!keyInfoAckValid(keys.reg.hash, values, msg.verifyData)) {
    dropped(ctx.out, 'crypto', `KEYINFO_ACK from ${hexId(id)} with wrong verify data`, session.ref);
    count(ctx, 'key_exchange.client.failed');
    return;
  }
  if (!client.acked) {
    count(ctx, 'key_exchange.client.ok');
    log(ctx, 3, `Received KEYINFO_ACK from ${hexId(id)}`, session.ref);
  }
  client.acked = true;
}
