// The client state machine: datagrams, timer expiries and file results in; sends, joins, timers, file
// operations, log and status lines out. Each datagram is routed by its group: the bulk (FILESEG, plain or
// in ENCRYPTED, opened in place) takes a short path with no decoding and no allocation besides the write
// cache's copy; everything else is copied, decoded and handed to the handler of the session's phase.
// The per-datagram names straight from their modules: names re-exported through lib/protocol's index are
// getters that cost on every packet (bench:client put them at 5% of the daemon's time).
import { decodeMessage, decodePacket, type Message, type UftpHeader } from '../protocol';
import { MessageType, UFTP_VERSION } from '../protocol/constants';
import { HEADER_LEN } from '../protocol/header';
import { unquantizeGrtt, unquantizeGroupSize } from '../protocol/quantize';
import { u16, u32 } from '../protocol/bytes';
import { innerStart, openFailure, openInPlace } from '../protocol/encrypted';
import { dropped, hexId } from '../session/drop';
import { HEARTBEAT_TIMER, HeartbeatSender } from '../session/heartbeat';
import { REFUSAL_REPORT_TIMER } from '../session/admission';
import { onPendingTimer, SessionAdmission } from './admission';
import { onAnnounce, type ProxyKeys, type SessionTable } from './announce';
import { onDoneConf, onServerAbort, sendComplete } from './completion';
import { onCongCtrl, onFeedbackTimer } from './congestion';
import { PendingFiles, glog, type Ctx } from './context';
import { abortSession } from './ending';
import { onFileInfo } from './fileinfo';
import { onKeyInfo, onRegConf, sendRegister } from './registration';
import { KEY_REQ_TIMER, onKeyReqTimer, onProxyKey } from './response-proxy';
import { ClientSession, sessionKey } from './session';
import { MAX_MISORDER } from './tfmcc';
import { resetTimeout, timedOut } from './timeouts';
import { onDone, onFileSeg, onNakTimer, onWriteFailed } from './transfer';
import { moveSources } from '../session/sources';
import type { ClientConfig, ClientInput, ClientMachine, ClientOutput, ClientReconfig, Clock, Endpoint, FileResult } from './types';

/** IP and UDP headers, for TFMCC's byte counts. */
const WIRE_OVERHEAD = 28;

/** Messages a server never sends in clear once a session is encrypted (4.10.1 adds CONG_CTRL). */
const NEVER_CLEAR = new Set<number>([MessageType.FILEINFO, MessageType.FILESEG, MessageType.DONE, MessageType.DONE_CONF, MessageType.CONG_CTRL]);

class Table implements SessionTable {
  readonly map = new Map<number, ClientSession>();

  get size(): number {
    return this.map.size;
  }

  get(groupId: number, inst: number): ClientSession | undefined {
    return this.map.get(sessionKey(groupId, inst));
  }

  add(session: ClientSession): void {
    this.map.set(session.key, session);
  }

  remove(session: ClientSession): void {
    if (this.map.get(session.key) === session) this.map.delete(session.key);
  }

  values(): IterableIterator<ClientSession> {
    return this.map.values();
  }

  earlier(groupId: number, inst: number): ClientSession[] {
    return [...this.map.values()].filter((s) => s.groupId === groupId && s.groupInst < inst);
  }
}

export class Client implements ClientMachine {
  private readonly sessions = new Table();
  private readonly files = new PendingFiles();
  private readonly heartbeats = new HeartbeatSender();
  private readonly admission: SessionAdmission;
  private proxyKeys?: ProxyKeys;
  private readonly out: ClientOutput[] = [];
  private readonly ctx: { config: ClientConfig; clock: Clock; out: ClientOutput[]; files: PendingFiles };

  constructor(private config: ClientConfig) {
    this.ctx = { config, clock: { now: 0, wall: 0 }, out: this.out, files: this.files };
    this.admission = new SessionAdmission(config.maxSessions);
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  private begin(clock: Clock): Ctx {
    this.out.length = 0;
    this.ctx.clock = clock;
    return this.ctx;
  }

  start(clock: Clock): ClientOutput[] {
    const ctx = this.begin(clock);
    const { config } = this;
    for (const group of config.publicGroups) {
      const sources = publicSources(config, group);
      ctx.out.push(sources ? { type: 'join', group, sources } : { type: 'join', group });
    }
    this.heartbeats.start(ctx);
    if (config.responseProxy) ctx.out.push({ type: 'setTimer', id: KEY_REQ_TIMER, at: clock.now });
    return this.out;
  }

  /** New -S list and keys for the sessions announced from now on; the public groups' sources follow the list. */
  private reconfigure(ctx: Ctx, change: ClientReconfig): void {
    const old = this.config;
    const next: ClientConfig = { ...old, serverList: change.serverList, keys: change.keys };
    for (const group of old.publicGroups) ctx.out.push(...moveSources(group, publicSources(old, group), publicSources(next, group)));
    this.config = next;
    this.ctx.config = next;
  }

  stop(clock: Clock): ClientOutput[] {
    const ctx = this.begin(clock);
    for (const session of [...this.sessions.map.values()]) abortSession(ctx, this.sessions, session, 'Client shutting down');
    return this.out;
  }

  receive(data: Uint8Array, from: Endpoint, clock: Clock): ClientOutput[] {
    const ctx = this.begin(clock);
    if (data.length < HEADER_LEN + 4) {
      dropped(ctx.out, 'malformed', `Invalid packet size from ${from.address}: ${data.length}`, undefined, 4);
      return this.out;
    }
    if (data[0] !== UFTP_VERSION) {
      dropped(ctx.out, 'version', `Invalid message from ${from.address}: not uftp packet or invalid version`, undefined, 4);
      return this.out;
    }
    const func = data[1];
    const session = this.sessions.map.get(sessionKey(u32(data, 8), data[12]));
    // Sequence numbers far behind the newest are old news (or replays); the newest moves only once a
    // packet is accepted, so a forged one cannot push the real ones out of the window.
    const counted = session !== undefined && func !== MessageType.KEYINFO && func !== MessageType.ABORT && func !== MessageType.ANNOUNCE;
    if (counted && -(((u16(data, 2) - session.maxSeq) << 16) >> 16) > MAX_MISORDER) {
      dropped(ctx.out, 'replay', 'seq out of range, dropping', session.groupId, 3);
      return this.out;
    }
    if (session && (func === MessageType.FILESEG || func === MessageType.ENCRYPTED) && u32(data, 4) === session.serverId) {
      this.fromServer(ctx, session, data, func, from, counted);
      return this.out;
    }
    this.general(ctx, session, Buffer.from(data), from, counted);
    return this.out;
  }

  /** A packet of the session's server was accepted: its sequence number counts (and feeds TFMCC). Answers whether it is the newest. */
  private accept(session: ClientSession, data: Uint8Array, now: number): boolean {
    const seq = u16(data, 2);
    const ahead = ((seq - session.maxSeq) << 16) >> 16;
    session.tfmcc?.onPacket(seq, data.length + WIRE_OVERHEAD, now, session.grtt);
    if (ahead > 0) session.maxSeq = seq;
    return ahead >= 0;
  }

  /** FILESEG and ENCRYPTED from the session's server: opened in place, FILESEG straight to the data path. */
  private fromServer(ctx: Ctx, session: ClientSession, data: Uint8Array, func: number, from: Endpoint, counted: boolean): void {
    let body: Uint8Array;
    const reg = session.reg;
    if (func === MessageType.ENCRYPTED) {
      if (!reg?.groupKeys) {
        dropped(ctx.out, 'unexpected', `Got encrypted packet from ${from.address} but keys not established`, session.groupId, 1);
        return;
      }
      const n = openInPlace(data, reg.groupKeys, reg.replay, reg.sigType, reg.serverKey);
      if (n < 0) {
        const reason = openFailure().kind === 'replay' ? 'replay' : 'crypto';
        dropped(ctx.out, reason, `Rejecting message from ${from.address}: decrypt/validate failed (${openFailure().message})`, session.groupId, 1);
        return;
      }
      const start = innerStart(data);
      body = data.subarray(start, start + n);
    } else {
      if (reg) {
        dropped(ctx.out, 'unexpected', `Rejecting FILESEG message from ${from.address}: not encrypted`, session.groupId, 1);
        return;
      }
      body = data.subarray(HEADER_LEN);
    }
    this.noteHeader(session, data[13], data[14]);
    const newest = counted && this.accept(session, data, ctx.clock.now);
    if (body.length > 0 && body[0] === MessageType.FILESEG) {
      onFileSeg(ctx, session, body, newest);
      return;
    }
    const msg = decodeMessage(Buffer.from(body));
    if (!msg.ok) {
      dropped(ctx.out, 'malformed', `from ${from.address}: ${msg.error.toString()}`, session.groupId, 4);
      return;
    }
    const header = this.headerOf(data);
    this.dispatch(ctx, session, header, msg.value, data.length);
  }

  private headerOf(data: Uint8Array): UftpHeader {
    return {
      version: data[0], func: data[1], seq: u16(data, 2), srcId: u32(data, 4), groupId: u32(data, 8), groupInst: data[12],
      grtt: data[13], gsize: data[14], reserved: data[15],
    };
  }

  private noteHeader(session: ClientSession, grttByte: number, gsizeByte: number): void {
    const grtt = unquantizeGrtt(grttByte);
    if (Math.abs(grtt - session.grtt) > 0.001) session.grtt = grtt;
    session.groupSize = unquantizeGroupSize(gsizeByte);
  }

  /** Everything else: a copy (the handlers may keep parts of it), decoded. */
  private general(ctx: Ctx, session: ClientSession | undefined, data: Buffer, from: Endpoint, counted: boolean): void {
    const decoded = decodePacket(data);
    if (!decoded.ok) {
      dropped(ctx.out, 'malformed', `from ${from.address}: ${decoded.error.toString()}`, session?.groupId, 4);
      return;
    }
    const { header } = decoded.value;
    const msg = decoded.value.message;
    if (msg.type === MessageType.ANNOUNCE) {
      const admit = (serverId: number): boolean => this.admission.admit(ctx, this.sessions, from, serverId);
      onAnnounce(ctx, this.sessions, this.proxyKeys, header, msg, from, data.length, admit);
      return;
    }
    if (msg.type === MessageType.PROXY_KEY) {
      const keys = onProxyKey(ctx, msg, from);
      if (keys) this.proxyKeys = keys;
      return;
    }
    if (msg.type === MessageType.HB_RESP) {
      this.heartbeats.onResp(ctx, msg, from);
      return;
    }
    if (!session) {
      dropped(ctx.out, 'unknown-group', `${MessageType[msg.type] ?? msg.type} from ${from.address} for unknown group ${hexId(header.groupId)}`, undefined, 5);
      return;
    }
    if (header.srcId !== session.serverId) {
      dropped(ctx.out, 'unexpected', `Source ID mismatch: ${hexId(header.srcId)} in a session of ${hexId(session.serverId)}`, session.groupId, 1);
      return;
    }
    if (msg.type === MessageType.ENCRYPTED) {
      dropped(ctx.out, 'unexpected', `ENCRYPTED from ${from.address} in an unencrypted session`, session.groupId, 1);
      return;
    }
    if (session.reg && (NEVER_CLEAR.has(msg.type) || (msg.type === MessageType.ABORT && session.phase !== 'registered'))) {
      dropped(ctx.out, 'unexpected', `Rejecting ${MessageType[msg.type]} message from ${from.address}: not encrypted`, session.groupId, 1);
      return;
    }
    // A clear KEYINFO in an encrypted session may be anyone's: its GRTT and group size are not taken.
    if (!(session.reg && msg.type === MessageType.KEYINFO)) this.noteHeader(session, header.grtt, header.gsize);
    if (counted) this.accept(session, data, ctx.clock.now);
    this.dispatch(ctx, session, header, msg, data.length);
  }

  /** A server message of a session, by the session's phase (as the real client takes them). */
  private dispatch(ctx: Ctx, session: ClientSession, header: UftpHeader, msg: Message, size: number): void {
    const sessions = this.sessions;
    if (msg.type === MessageType.ABORT) {
      onServerAbort(ctx, sessions, session, msg);
      return;
    }
    switch (session.phase) {
      case 'registered':
        if (session.reg) {
          if (msg.type === MessageType.KEYINFO) onKeyInfo(ctx, sessions, session, header, msg);
          else glog(ctx, session, 1, `Expected KEYINFO, got ${MessageType[msg.type]}`);
        } else if (msg.type === MessageType.REG_CONF) onRegConf(ctx, sessions, session, msg);
        else if (msg.type === MessageType.FILEINFO) onFileInfo(ctx, sessions, session, msg);
        else glog(ctx, session, 1, `Expected REG_CONF, got ${MessageType[msg.type]}`);
        return;
      case 'midgroup':
        if (msg.type === MessageType.FILEINFO) onFileInfo(ctx, sessions, session, msg);
        else if (msg.type === MessageType.KEYINFO) onKeyInfo(ctx, sessions, session, header, msg);
        else if (msg.type === MessageType.DONE) onDone(ctx, sessions, session, msg);
        else resetTimeout(ctx, session);
        return;
      case 'opening':
      case 'closing':
      case 'receiving':
        if (msg.type === MessageType.FILEINFO) onFileInfo(ctx, sessions, session, msg);
        else if (msg.type === MessageType.DONE) onDone(ctx, sessions, session, msg);
        else if (msg.type === MessageType.CONG_CTRL) onCongCtrl(ctx, session, msg, header.gsize);
        else resetTimeout(ctx, session);
        return;
      case 'complete':
        if (msg.type === MessageType.DONE_CONF) onDoneConf(ctx, sessions, session, msg);
        return;
    }
    void size;
  }

  handle(input: ClientInput, clock: Clock): ClientOutput[] {
    const ctx = this.begin(clock);
    if (input.type === 'timer') this.onTimer(ctx, input.id);
    else if (input.type === 'fileResult') this.onFileResult(ctx, input.result);
    else this.reconfigure(ctx, input.change);
    return this.out;
  }

  private onTimer(ctx: Ctx, id: string): void {
    if (id === HEARTBEAT_TIMER) return this.heartbeats.onTimer(ctx);
    if (id === KEY_REQ_TIMER) return onKeyReqTimer(ctx, this.proxyKeys);
    if (id === REFUSAL_REPORT_TIMER) return this.admission.onReportTimer(ctx);
    const colon = id.indexOf(':');
    const session = this.sessions.map.get(Number(id.slice(colon + 1)));
    if (!session) return;
    const what = id.slice(0, colon);
    if (what === 'nak') return onNakTimer(ctx, this.sessions, session);
    if (what === 'cc') return onFeedbackTimer(ctx, session);
    if (what === 'pending') return onPendingTimer(ctx, this.sessions, session);
    if (what !== 'phase' || !timedOut(ctx, session)) return;
    switch (session.phase) {
      case 'registered':
        return sendRegister(ctx, this.sessions, session);
      case 'complete':
        return sendComplete(ctx, this.sessions, session);
      default:
        glog(ctx, session, 1, 'Transfer timed out');
        return abortSession(ctx, this.sessions, session, 'Transfer timed out');
    }
  }

  private onFileResult(ctx: Ctx, result: FileResult): void {
    if (!result.ok && result.handle !== undefined) {
      for (const session of this.sessions.map.values()) {
        if (session.file?.handle === result.handle) return onWriteFailed(ctx, this.sessions, session, result.code, result.message);
      }
      return;
    }
    const waiting = this.files.take(result.id);
    if (!waiting) {
      // Its session is gone: an opened file is let go at once.
      if (result.ok && result.value.kind === 'open') ctx.out.push({ type: 'file', request: { op: 'discard', handle: result.value.handle } });
      return;
    }
    waiting.then(ctx, result);
  }
}

/** With -S, a public group is joined source-specifically: the listed servers and the response proxy of its family. */
function publicSources(config: ClientConfig, group: string): string[] | undefined {
  const v6 = group.includes(':');
  return config.serverList
    ?.map((e) => e.address)
    .concat(config.responseProxy ? [config.responseProxy.address] : [])
    .filter((a) => a.includes(':') === v6);
}
