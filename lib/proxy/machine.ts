// The proxy state machine: datagrams and timer expiries in, sends, joins, timers, log lines and counters out.
// It routes each datagram: FILESEG straight through on the hot path (fileseg.ts), group-less messages
// (heartbeats, proxy keys), ANNOUNCE, then server traffic downstream and client traffic upstream of its session.
// A session is handled with the configuration it began with (a reload changes only the sessions to come).
import { HEADER_LEN, MessageType, UFTP_VERSION, decodePacket, type Message } from '../protocol';
import { u32 } from '../protocol/bytes';
import { Admission, ANNOUNCE_WORDS, REFUSAL_REPORT_TIMER } from '../session/admission';
import { onAnnounce } from './announce';
import { log, type Ctx } from './context';
import { onServerMessage } from './downstream';
import { dropped, hexId } from '../session/drop';
import { fileSegVerdict, isFileSegDrop } from './fileseg';
import { HEARTBEAT_TIMER, HeartbeatSender } from '../session/heartbeat';
import { HeartbeatGate } from './heartbeat';
import { onKeyInfoTimer } from './group-key';
import { newProxyKeyState, onKeyReq, onNewKey, onProxyKeyTimer, PROXY_KEY_TIMER, type ProxyKeyState } from './proxy-key';
import { moveSources } from '../session/sources';
import { Session, sessionKey } from './session';
import { flushAggregates, onClientResponse, passUpstream } from './upstream';
import type { Clock, Endpoint, ProxyConfig, ProxyInput, ProxyMachine, ProxyOutput, ProxyReconfig } from './types';

/** Sessions held at once without --max-sessions: room for many servers, bounded against forged ANNOUNCEs. */
export const DEFAULT_MAX_SESSIONS = 1000;

export class Proxy implements ProxyMachine {
  private readonly sessions = new Map<number, Session>();
  private readonly byTimer = new Map<string, { session: Session; what: 'session' | 'aggregate' | 'keyinfo' }>();
  private readonly heartbeats = new HeartbeatSender();
  private readonly gate: HeartbeatGate;
  private readonly proxyKey: ProxyKeyState;
  private readonly admission: Admission;

  constructor(private config: ProxyConfig) {
    this.gate = new HeartbeatGate(config.mode === 'server' ? config.downstreamFingerprint : undefined);
    this.proxyKey = newProxyKeyState(config);
    this.admission = new Admission(config.maxSessions ?? DEFAULT_MAX_SESSIONS, ANNOUNCE_WORDS);
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  /** The server proxy's downstream: fixed by -s dest, or adopted from a heartbeat with -s fp=... */
  downstream(): Endpoint | undefined {
    return this.config.downstream ?? this.gate.downstream;
  }

  start(clock: Clock): ProxyOutput[] {
    const ctx: Ctx = { config: this.config, clock, out: [] };
    if (this.config.mode !== 'client') {
      const sources = publicSources(this.config);
      for (const group of this.config.publicGroups) {
        ctx.out.push(sources ? { type: 'join', group, sources } : { type: 'join', group });
      }
    }
    this.heartbeats.start(ctx);
    return ctx.out;
  }

  /** New lists and keys for the sessions announced from now on; the public groups' sources follow -S. */
  private reconfigure(ctx: Ctx, change: ProxyReconfig): void {
    const old = this.config;
    const next: ProxyConfig = { ...old, serverList: change.serverList, clientList: change.clientList, keys: change.keys };
    if (old.mode !== 'client') {
      for (const group of old.publicGroups) ctx.out.push(...moveSources(group, publicSources(old), publicSources(next)));
    }
    this.config = next;
    const nextCtx: Ctx = { ...ctx, config: next };
    // Clients of a response proxy encrypt to the key its PROXY_KEY gave them: tell them the new one.
    if (next.mode === 'response' && next.keys[0]?.fingerprint !== old.keys[0]?.fingerprint) onNewKey(nextCtx, this.proxyKey);
  }

  /** The context of a session's traffic: its own configuration, the outputs of this call. */
  private within(ctx: Ctx, session: Session): Ctx {
    return session.config === ctx.config ? ctx : { config: session.config, clock: ctx.clock, out: ctx.out };
  }

  handle(input: ProxyInput, clock: Clock): ProxyOutput[] {
    const ctx: Ctx = { config: this.config, clock, out: [] };
    if (input.type === 'timer') {
      this.onTimer(ctx, input.id);
      return ctx.out;
    }
    if (input.type === 'reconfigure') {
      this.reconfigure(ctx, input.change);
      return ctx.out;
    }
    const b = input.data;
    if (b.length < HEADER_LEN) return dropped(ctx.out, 'malformed', `datagram of ${b.length} bytes from ${input.from.address}`, undefined, 5);
    if (b[0] !== UFTP_VERSION) return dropped(ctx.out, 'version', `UFTP ID 0x${b[0].toString(16)} from ${input.from.address}`, undefined, 5);
    const func = b[1];
    if (func === MessageType.FILESEG) return this.fileSeg(ctx, b);
    const session = this.sessions.get(sessionKey(u32(b, 8), b[12]));
    // Any datagram of a session keeps it alive, a repeated ANNOUNCE too (announce.ts takes those).
    if (session) session.lastSeen = clock.now;
    if (session && func !== MessageType.ANNOUNCE) {
      const sctx = this.within(ctx, session);
      this.establish(sctx, session);
      if (u32(b, 4) === session.serverId) {
        onServerMessage(sctx, session, b, func, input.to, this.downstream());
      } else if (this.config.mode === 'server') {
        passUpstream(sctx, session, b, func);
      } else {
        onClientResponse(sctx, session, b, func, input.from);
      }
      return ctx.out;
    }
    this.groupless(ctx, b, func, input.from, input.to);
    return ctx.out;
  }

  /** The daemon's hot path (ProxyMachine.forward): a FILESEG of a known session, without allocating. */
  forward(b: Uint8Array, clock: Clock): Endpoint | null | undefined {
    if (b.length < HEADER_LEN || b[0] !== UFTP_VERSION || b[1] !== MessageType.FILESEG) return undefined;
    const verdict = this.fileSegVerdict(b, clock.now);
    return isFileSegDrop(verdict) ? undefined : verdict;
  }

  private fileSeg(ctx: Ctx, b: Uint8Array): ProxyOutput[] {
    const verdict = this.fileSegVerdict(b, ctx.clock.now);
    if (isFileSegDrop(verdict)) {
      return dropped(ctx.out, verdict.reason, `FILESEG from ${hexId(u32(b, 4))} ${verdict.why}`, { groupId: u32(b, 8), groupInst: b[12] }, 5);
    }
    if (verdict !== null) ctx.out.push({ type: 'send', data: b, to: verdict });
    return ctx.out;
  }

  private fileSegVerdict(b: Uint8Array, now: number): ReturnType<typeof fileSegVerdict> {
    return fileSegVerdict(b, this.sessions.get(sessionKey(u32(b, 8), b[12])), this.config.mode, this.downstream(), now);
  }

  /** ANNOUNCE, heartbeats, KEY_REQ, and anything for a group we do not know. */
  private groupless(ctx: Ctx, b: Uint8Array, func: number, from: Endpoint, to: string): void {
    const decoded = decodePacket(b);
    if (!decoded.ok) {
      dropped(ctx.out, 'malformed', `from ${from.address}: ${decoded.error.toString()}`, undefined, 5);
      return;
    }
    const { header } = decoded.value;
    const msg = decoded.value.message as Message;
    switch (func) {
      case MessageType.ANNOUNCE: {
        // A repeated ANNOUNCE of a session under way is judged by the lists the session began with.
        const existing = this.sessions.get(sessionKey(header.groupId, header.groupInst));
        const actx = existing ? this.within(ctx, existing) : ctx;
        const ann = msg as Extract<Message, { type: MessageType.ANNOUNCE }>;
        onAnnounce(actx, this.sessions, b, header, ann, from, to, this.downstream(), (serverId) => this.admit(ctx, from, serverId), this.proxyKey.ecdh);
        this.index(this.sessions.get(sessionKey(header.groupId, header.groupInst)));
        return;
      }
      case MessageType.HB_REQ:
        this.gate.onReq(ctx, msg as Extract<Message, { type: MessageType.HB_REQ }>, from);
        return;
      case MessageType.HB_RESP:
        this.heartbeats.onResp(ctx, msg as Extract<Message, { type: MessageType.HB_RESP }>, from);
        return;
      case MessageType.KEY_REQ:
        if (this.config.mode === 'response') onKeyReq(ctx, this.proxyKey, from.address);
        else dropped(ctx.out, 'unexpected', `KEY_REQ from ${from.address}: only response proxies answer it`, undefined, 5);
        return;
      default:
        dropped(ctx.out, 'unknown-group', `${MessageType[func] ?? func} from ${from.address} for unknown group ${hexId(header.groupId)}`, undefined, 5);
    }
  }

  private index(session: Session | undefined): void {
    if (!session || this.byTimer.has(session.timerId('session'))) return;
    for (const what of ['session', 'aggregate', 'keyinfo'] as const) this.byTimer.set(session.timerId(what), { session, what });
  }

  private onTimer(ctx: Ctx, id: string): void {
    if (id === HEARTBEAT_TIMER) {
      this.heartbeats.onTimer(ctx);
      return;
    }
    if (id === PROXY_KEY_TIMER) {
      onProxyKeyTimer(ctx, this.proxyKey);
      return;
    }
    if (id === REFUSAL_REPORT_TIMER) {
      this.admission.onReportTimer(ctx.out, ctx.clock.now);
      return;
    }
    const owner = this.byTimer.get(id);
    if (!owner || this.sessions.get(owner.session.key) !== owner.session) return;
    const { session, what } = owner;
    const sctx = this.within(ctx, session);
    if (what === 'aggregate') flushAggregates(sctx, session);
    else if (what === 'keyinfo') onKeyInfoTimer(sctx, session);
    else this.checkSilence(sctx, session);
  }

  /**
   * Whether an ANNOUNCE from `from` may open a session (lib/session/admission.ts). Refusals are counted here and summed up
   * in one log line per interval; at the limit the oldest session still at its ANNOUNCE makes room.
   */
  private admit(ctx: Ctx, from: Endpoint, serverId: number): boolean {
    const victim = this.sessions.size >= this.admission.maxSessions ? this.oldestPending() : undefined;
    if (!this.admission.admit(ctx.out, from.address, serverId, ctx.clock.now, this.sessions.size, victim !== undefined)) return false;
    if (victim !== undefined) {
      this.admission.evicted();
      this.end(this.within(ctx, victim), victim, 'evicted');
    }
    return true;
  }

  private oldestPending(): Session | undefined {
    let oldest: Session | undefined;
    for (const s of this.sessions.values()) if (!s.established && (oldest === undefined || s.lastSeen < oldest.lastSeen)) oldest = s;
    return oldest;
  }

  /** The first message of a session other than its ANNOUNCE: its full timeout, and its deferred join. */
  private establish(ctx: Ctx, session: Session): void {
    if (session.established) return;
    session.established = true;
    if (session.deferredJoin !== undefined) {
      session.joined.push(session.deferredJoin);
      ctx.out.push({ type: 'join', ...session.deferredJoin });
      session.deferredJoin = undefined;
    }
  }

  /** 4 x ROBUST x GRTT without a datagram ends a session, once nothing is left to send for it. */
  private checkSilence(ctx: Ctx, session: Session): void {
    const now = ctx.clock.now;
    const timeout = session.timeoutMs();
    if (now - session.lastSeen < timeout || session.aggregator.size > 0) {
      const at = Math.max(session.lastSeen + timeout, now + 1);
      ctx.out.push({ type: 'setTimer', id: session.timerId('session'), at });
      return;
    }
    this.end(ctx, session, session.established ? 'timeout' : 'pending');
  }

  /**
   * Removes a session with its timers and joins. A session that never got past its ANNOUNCE ends with a
   * debug line only: under a burst of forged ones, a line each would flood the log.
   */
  private end(ctx: Ctx, session: Session, how: 'timeout' | 'pending' | 'evicted'): void {
    this.sessions.delete(session.key);
    for (const what of ['session', 'aggregate', 'keyinfo'] as const) {
      this.byTimer.delete(session.timerId(what));
      if (what !== 'session' || how === 'evicted') ctx.out.push({ type: 'cancelTimer', id: session.timerId(what) });
    }
    for (const m of session.joined) ctx.out.push({ type: 'leave', ...m });
    session.aggregator.clear();
    if (how === 'timeout') log(ctx, 2, 'Session timed out', session.ref);
    else log(ctx, 4, how === 'pending' ? 'Session ended: nothing but its ANNOUNCE' : 'Session ended to make room: nothing but its ANNOUNCE', session.ref);
    ctx.out.push({ type: 'count', name: how === 'timeout' ? 'session.timeout' : `session.${how}` });
  }
}

/** With -S, the public groups are joined source-specifically for the listed servers. */
function publicSources(config: ProxyConfig): string[] | undefined {
  return config.serverList?.map((e) => e.address);
}
