// The server state machine: datagrams, timers, file list items, file data and the socket's room in; sends,
// timers, requests for items and data, log and status lines, progress and the outcome out. One session:
// registration, then each item (FILEINFO, data passes), then the session's end.
import { HEADER_LEN, MessageType, UFTP_VERSION, decodeMessage, decodePacket, SigType, type Message, type UftpHeader } from '../protocol';
import { u32 } from '../protocol/bytes';
import { unwrap } from '../protocol/encrypted';
import { dropped, hexId } from '../session/drop';
import { abortEveryone } from './aborts';
import { REFUSAL_REPORT_TIMER } from './admission';
import { lastRefusalReport, onRefusalReport } from './admit';
import type { ClientRecord } from './clients';
import { endGroup, onCompletionTimer, onGroupComplete, startCompletion } from './completion';
import { afterDeparture, askNextItem, endFileInfo, fileFinished, onFileComplete, onFileInfoAck, onFileInfoTimer, speaksFor, startItem } from './files';
import { makeServerKeys } from './group-keys';
import { slog } from './outgoing';
import { endAnnounce, announceRound, onAnnounceTimer, onClientKey, onKeyInfoAck, onRegister } from './registration';
import { outcome } from './report';
import { ServerState, type Ctx } from './state';
import { onCcAck, onCcTimer, onData, onDoneTimer, onRewindTimer, onStatus, onWritable } from './transfer';
import type { Clock, Endpoint, ServerConfig, ServerInput, ServerMachine, ServerOutput } from './types';

/** Messages a client never sends in clear once the session is encrypted. */
const NEVER_CLEAR = new Set<number>([MessageType.KEYINFO_ACK, MessageType.FILEINFO_ACK, MessageType.STATUS, MessageType.COMPLETE, MessageType.CC_ACK]);

export class Server implements ServerMachine {
  readonly state: ServerState;
  private readonly out: ServerOutput[] = [];
  private readonly ctx: { config: ServerConfig; clock: Clock; out: ServerOutput[]; state: ServerState };

  constructor(private readonly config: ServerConfig) {
    this.state = new ServerState(config);
    this.ctx = { config, clock: { now: 0, wall: 0 }, out: this.out, state: this.state };
  }

  private begin(clock: Clock): Ctx {
    this.out.length = 0;
    this.ctx.clock = clock;
    return this.ctx;
  }

  start(clock: Clock): ServerOutput[] {
    const ctx = this.begin(clock);
    const { state, config } = this;
    state.startedAt = clock.now;
    if (config.encryption) state.keys = makeServerKeys(config.encryption, clock.wall);
    for (const host of config.clients ?? []) {
      const c = state.clients.add(host.id, true);
      c.fingerprint = host.fingerprint;
      if (host.name !== undefined) c.name = host.name;
    }
    for (const proxy of config.proxies ?? []) {
      const p = state.clients.get(proxy.id) ?? state.clients.add(proxy.id, true);
      p.isProxy = true;
      p.fingerprint = proxy.fingerprint;
      if (proxy.name !== undefined) p.name = proxy.name;
    }
    slog(ctx, 2, 'Initializing group');
    announceRound(ctx);
    return this.out;
  }

  receive(data: Uint8Array, from: Endpoint, clock: Clock): ServerOutput[] {
    const ctx = this.begin(clock);
    if (this.state.phase === 'finished') return this.out;
    if (data.length < HEADER_LEN + 4 || data[0] !== UFTP_VERSION) {
      dropped(ctx.out, 'malformed', `Invalid packet from ${from.address}`, undefined, 4);
      return this.out;
    }
    if (u32(data, 8) !== this.config.groupId || data[12] !== this.config.groupInst) {
      dropped(ctx.out, 'unknown-group', `packet from ${from.address} for group ${hexId(u32(data, 8))}`, undefined, 5);
      return this.out;
    }
    const packet = decodePacket(Buffer.from(data));
    if (!packet.ok) {
      dropped(ctx.out, 'malformed', `from ${from.address}: ${packet.error.toString()}`, this.config.groupId, 4);
      return this.out;
    }
    const { header } = packet.value;
    let msg: Message;
    if (packet.value.message.type === MessageType.ENCRYPTED) {
      const opened = this.open(ctx, header, Buffer.from(data), from);
      if (!opened) return this.out;
      msg = opened;
    } else {
      msg = packet.value.message as Message;
      if (this.state.keys && (NEVER_CLEAR.has(msg.type) || (msg.type === MessageType.ABORT && this.state.clients.get(header.srcId)?.state !== 'mute'))) {
        dropped(ctx.out, 'unexpected', `Rejecting ${MessageType[msg.type]} message from ${hexId(header.srcId)}: not encrypted`, this.config.groupId, 1);
        return this.out;
      }
    }
    this.dispatch(ctx, header, msg, from);
    this.afterEvent(ctx);
    return this.out;
  }

  /** An ENCRYPTED packet from a known client, opened with the group keys (its own key for KEYEX signatures). */
  private open(ctx: Ctx, header: UftpHeader, data: Buffer, from: Endpoint): Message | undefined {
    const keys = this.state.keys;
    const client = this.state.clients.get(header.srcId);
    if (!keys || !client) {
      dropped(ctx.out, 'unexpected', `Got encrypted packet from unknown receiver ${hexId(header.srcId)} at ${from.address}`, this.config.groupId, 2);
      return undefined;
    }
    const verifyKey = keys.config.sigType === SigType.KEYEX ? client.crypto?.publicKey : undefined;
    const inner = unwrap(data, keys.groupKeys, keys.replay, keys.config.sigType, verifyKey);
    if (!inner.ok) {
      dropped(ctx.out, inner.error.kind === 'replay' ? 'replay' : 'crypto', `Rejecting message from ${client.name}: decrypt/validate failed (${inner.error.message})`, this.config.groupId, 1);
      return undefined;
    }
    const msg = decodeMessage(inner.value);
    if (!msg.ok) {
      dropped(ctx.out, 'malformed', `from ${client.name}: ${msg.error.toString()}`, this.config.groupId, 4);
      return undefined;
    }
    return msg.value;
  }

  private dispatch(ctx: Ctx, header: UftpHeader, msg: Message, from: Endpoint): void {
    const { state } = this;
    if (msg.type === MessageType.REGISTER) return onRegister(ctx, header, msg, from);
    if (msg.type === MessageType.CLIENT_KEY) return onClientKey(ctx, header, msg, from);
    const client = state.clients.get(header.srcId);
    if (!client) {
      dropped(ctx.out, 'access', `${MessageType[msg.type] ?? msg.type} from ${hexId(header.srcId)}, not a registered client`, this.config.groupId, 1);
      return;
    }
    if (msg.type === MessageType.ABORT) return this.onAbort(ctx, client, msg);
    switch (state.phase) {
      case 'announce':
        if (msg.type === MessageType.KEYINFO_ACK) onKeyInfoAck(ctx, header, msg);
        else dropped(ctx.out, 'unexpected', `Received invalid message ${MessageType[msg.type]} from ${client.name}`, this.config.groupId, 1);
        return;
      case 'fileinfo':
        if (msg.type === MessageType.FILEINFO_ACK) onFileInfoAck(ctx, client, msg);
        else if (msg.type === MessageType.COMPLETE) onFileComplete(ctx, client, msg);
        else if (msg.type === MessageType.KEYINFO_ACK) onKeyInfoAck(ctx, header, msg);
        return;
      case 'transfer':
        if (msg.type === MessageType.STATUS) onStatus(ctx, client, msg, speaksFor(ctx, client, []));
        else if (msg.type === MessageType.COMPLETE) onFileComplete(ctx, client, msg);
        else if (msg.type === MessageType.FILEINFO_ACK) onFileInfoAck(ctx, client, msg);
        else if (msg.type === MessageType.CC_ACK) onCcAck(ctx, client, msg);
        return;
      case 'completion':
        if (msg.type === MessageType.COMPLETE) onGroupComplete(ctx, client, msg);
        return;
      default:
    }
  }

  private onAbort(ctx: Ctx, client: ClientRecord, msg: Extract<Message, { type: MessageType.ABORT }>): void {
    const text = Buffer.from(msg.message).toString('utf8').replace(/\0.*$/s, '');
    const targets = msg.host !== 0 && client.isProxy ? [this.state.clients.get(msg.host)].filter((c): c is ClientRecord => c !== undefined) : [client];
    for (const c of targets) {
      slog(ctx, 1, `Transfer aborted by ${c.name}: ${text}`);
      c.state = 'aborted';
      c.reason = 'Aborted';
    }
    const { phase } = this.state;
    // -q: everyone goes with it; the phase then ends as it does with nobody left (exit 7, 8 or 9 by phase).
    if (this.config.quitOnError && phase !== 'completion') abortEveryone(ctx, 'A client aborted, aborting all');
    if (phase === 'announce' && this.config.quitOnError) {
      ctx.out.push({ type: 'cancelTimer', id: 'round' });
      this.endRegistration(ctx);
    } else afterDeparture(ctx);
  }

  handle(input: ServerInput, clock: Clock): ServerOutput[] {
    const ctx = this.begin(clock);
    if (this.state.phase === 'finished') return this.out;
    switch (input.type) {
      case 'timer': this.onTimer(ctx, input.id); break;
      case 'item':
        this.state.awaitingItem = false;
        if (input.item) startItem(ctx, input.item);
        else startCompletion(ctx);
        break;
      case 'data': onData(ctx, input.id, input.data, input.error); break;
      case 'writable': onWritable(ctx, input.room); break;
      case 'interrupt': this.interrupt(ctx); break;
    }
    this.afterEvent(ctx);
    return this.out;
  }

  private onTimer(ctx: Ctx, id: string): void {
    const { state } = this;
    if (id === 'done') return onDoneTimer(ctx);
    if (id === 'rewind') return onRewindTimer(ctx);
    if (id === 'cc') return onCcTimer(ctx);
    if (id === REFUSAL_REPORT_TIMER) return onRefusalReport(ctx);
    if (id !== 'round') return;
    if (state.phase === 'announce') {
      if (onAnnounceTimer(ctx)) this.endRegistration(ctx);
    } else if (state.phase === 'fileinfo' && state.file) {
      onFileInfoTimer(ctx);
    } else if (state.phase === 'completion') {
      if (onCompletionTimer(ctx)) this.finish(ctx);
    }
  }

  /**
   * SIGINT / SIGTERM, as the real uftp takes it: while announcing or waiting for FILEINFO_ACKs, the phase
   * ends as if its rounds had run out (exit 7, or 8 when nobody acknowledged the file, nobody told); in the
   * group's completion the group ends (exit 0); otherwise everyone is aborted and the file reported (exit 6).
   */
  private interrupt(ctx: Ctx): void {
    const { state } = this;
    state.interrupted = true;
    ctx.out.push({ type: 'cancelTimer', id: 'round' });
    if (state.phase === 'announce') return this.endRegistration(ctx);
    if (state.phase === 'completion') {
      endGroup(ctx);
      return this.finish(ctx);
    }
    if (state.phase === 'fileinfo' && state.file && !state.file.over) {
      endFileInfo(ctx);
      if (state.exitCode === 8) return; // afterEvent ends the session
    }
    abortEveryone(ctx, 'Server quit, aborting all');
    if (state.file) fileFinished(ctx);
    state.exitCode = 6;
    this.finish(ctx);
  }

  private endRegistration(ctx: Ctx): void {
    if (!endAnnounce(ctx)) {
      this.state.exitCode ??= 7;
      this.finish(ctx);
      return;
    }
    this.state.phase = 'fileinfo';
    askNextItem(ctx);
  }

  /** After each event: a file that is over is reported and the next one asked for. */
  private afterEvent(ctx: Ctx): void {
    const { state } = this;
    if (state.phase === 'finished' || !state.file?.over) return;
    // Nobody acknowledged the FILEINFO: the real uftp ends without a report of the file.
    if (state.exitCode === 8) return this.finish(ctx);
    fileFinished(ctx);
    const receivers = state.clients.receivers();
    if (!receivers.some((c) => !c.failed && c.state !== 'mute')) {
      state.exitCode ??= 9;
      return this.finish(ctx);
    }
    if (this.config.quitOnError && receivers.some((c) => c.failed)) {
      abortEveryone(ctx, 'A client dropped out, aborting all');
      state.exitCode = 9;
      return this.finish(ctx);
    }
    askNextItem(ctx);
  }

  private finish(ctx: Ctx): void {
    if (this.state.phase === 'finished') return;
    this.state.phase = 'finished';
    lastRefusalReport(ctx);
    for (const id of ['round', 'done', 'rewind', 'cc']) ctx.out.push({ type: 'cancelTimer', id });
    ctx.out.push({ type: 'finished', outcome: outcome(ctx) });
  }
}
