// The data phase of one regular file (protocol.txt 3.2, 5.1.3): passes over the file sending each block still
// to send, at the pacer's rate; at the end of a pass DONE every 3 x GRTT (at most ROBUST times) asks for
// STATUS; NAKs received mark blocks for the next pass, which starts 3 x GRTT after the end of the pass.
// The file ends when every receiver has sent COMPLETE, or when DONE has been sent ROBUST times unanswered.
import { MessageType, NO_EXTENSIONS, quantizeGroupSize, quantizeGrtt, quantizeRate, unquantizeRate, type CcAck, type Status, type TfmccAckInfoExt } from '../protocol';
import { wallToTimestamp } from '../session/timing';
import { nakedBlocks } from '../protocol/transfer';
import type { FileLayout } from '../session/layout';
import { abortClient, abortEveryone } from './aborts';
import { rttFrom } from './grtt';
import { idsPerPacket, refused, sendListed, sendMessage, slog } from './outgoing';
import type { ClientRecord } from './clients';
import type { CurrentFile, Ctx } from './state';
import { Transfer } from './transfer-state';
import type { SendItem } from './types';

function transferOf(ctx: Ctx): { file: CurrentFile; t: Transfer } {
  const file = ctx.state.file!;
  return { file, t: file.transfer! };
}

export function startTransfer(ctx: Ctx, file: CurrentFile): void {
  const item = file.item as Extract<SendItem, { kind: 'file' }>;
  const active = ctx.state.clients.receivers().filter((c) => c.state === 'active');
  const allPartial = active.length > 0 && active.every((c) => c.partial);
  const { config, state } = ctx;
  const recycle = (data: Uint8Array): void => void ctx.out.push({ type: 'recycle', data });
  const start = { config, keys: state.keys, grtt: state.grtt.value, now: ctx.clock.now, receivers: active, recycle };
  file.transfer = new Transfer(start, item, file.fileId, allPartial);
  ctx.state.phase = 'transfer';
  limitTime(ctx, file.transfer);
  slog(ctx, 2, 'Sending file');
  slog(ctx, 2, 'Starting pass 1');
  requestReads(ctx);
  if (file.transfer.cc) ctx.out.push({ type: 'setTimer', id: 'cc', at: ctx.clock.now });
  ctx.out.push({ type: 'pace', at: ctx.clock.now });
}

/** TFMCC's clock: CONG_CTRL each GRTT, feedback rounds, the rate halved when the CLR is silent. */
export function onCcTimer(ctx: Ctx): void {
  const t = ctx.state.file?.transfer;
  if (ctx.state.phase !== 'transfer' || !t?.cc) return;
  const { state } = ctx;
  const now = ctx.clock.now;
  const receivers = state.clients.receivers().filter((c) => c.state === 'active' || c.state === 'naked');
  const { congCtrl, giveUp } = t.cc.tick(now, state.grtt.value, receivers);
  t.pacer.setRate(t.cc.rate);
  if (congCtrl) {
    const ts = wallToTimestamp(ctx.clock.wall);
    sendMessage(ctx, {
      type: MessageType.CONG_CTRL, reserved: 0, ccSeq: t.cc.ccSeq, ccRate: quantizeRate(t.cc.ccRate), tsSec: ts.sec, tsUsec: ts.usec,
      extensions: NO_EXTENSIONS, items: congCtrl.slice(0, Math.max(1, Math.floor(ctx.config.blockSize / 8))),
    }, true, undefined, quantizeGrtt(t.cc.advGrtt));
    slog(ctx, 4, `Sent CONG_CTRL, seq ${t.cc.ccSeq}`);
  }
  if (giveUp) {
    slog(ctx, 2, `No feedback in ${2 * ctx.config.robust} GRTTs`);
    finishFile(ctx, 'timeout');
    return;
  }
  ctx.out.push({ type: 'setTimer', id: 'cc', at: Math.max(now + 1, t.cc.nextTick()) });
}

/** Congestion feedback in a STATUS or CC_ACK: the client's RTT, and its rate for the controller. */
export function onCcFeedback(ctx: Ctx, client: ClientRecord, info: TfmccAckInfoExt | undefined): void {
  const t = ctx.state.file?.transfer;
  if (!info || !t?.cc) return;
  const reporter = ctx.state.clients.get(info.clientId) ?? client;
  reporter.rtt = rttFrom(info.tsSec, info.tsUsec, ctx.clock.wall);
  reporter.rttMeasured = true;
  reporter.rttSent = false;
  if (reporter.rtt > ctx.state.grtt.value) ctx.state.grtt.value = reporter.rtt;
  t.cc.onFeedback(ctx.clock.now, reporter, { flags: info.flags, rate: unquantizeRate(info.ccRate) }, ctx.state.grtt.value);
  t.pacer.setRate(t.cc.rate);
}

export function onCcAck(ctx: Ctx, client: ClientRecord, msg: CcAck): void {
  slog(ctx, 3, `Got CC_ACK from ${client.name}`);
  onCcFeedback(ctx, client, msg.extensions.find((e): e is TfmccAckInfoExt => e.kind === 'tfmccAckInfo'));
}

let nextReadId = 1;

function requestReads(ctx: Ctx): void {
  const { file, t } = transferOf(ctx);
  const item = file.item as Extract<SendItem, { kind: 'file' }>;
  for (const r of t.reads.wanted(t.upcoming(t.position))) {
    const id = nextReadId++;
    t.readIds.set(id, r.chunk);
    ctx.out.push({ type: 'read', id, path: item.localPath, offset: r.offset, length: r.length });
  }
}

/** A chunk read for the transfer arrived (or failed). */
export function onData(ctx: Ctx, id: number, data: Uint8Array | undefined, error: string | undefined): void {
  const t = ctx.state.file?.transfer;
  if (!t) return;
  const chunk = t.readIds.get(id);
  if (chunk === undefined) {
    if (data) ctx.out.push({ type: 'recycle', data });
    return;
  }
  t.readIds.delete(id);
  if (!data) {
    t.reads.failed(chunk);
    slog(ctx, 0, `Error reading file: ${error ?? 'unknown error'}`);
    finishFile(ctx, 'read error');
    return;
  }
  t.reads.arrived(chunk, data);
  if (t.waiting) {
    t.waiting = false;
    ctx.out.push({ type: 'pace', at: ctx.clock.now });
  }
}

/**
 * -W: at a fixed rate (not TFMCC, not -R -1) the file may take pct% of its time at that rate, in whole seconds
 * rounded down, as the real uftp counts them; past that (seconds on the wall clock, as it counts too) everyone
 * is aborted.
 */
function limitTime(ctx: Ctx, t: Transfer): void {
  const { config } = ctx;
  if (config.txWeightPct === undefined || config.cc.type === 2 || config.rateKbps < 0) return;
  t.maxSeconds = Math.floor(((config.txWeightPct / 100) * t.item.size) / ((config.rateKbps * 1024) / 8));
  t.startSecond = Math.floor(ctx.clock.wall / 1000);
  slog(ctx, 2, `Maximum file transfer time: ${t.maxSeconds} seconds`);
}

/** True (and everyone aborted, the file over) once the file has taken longer than -W allows. */
function overTime(ctx: Ctx, t: Transfer): boolean {
  if (t.maxSeconds === undefined || Math.floor(ctx.clock.wall / 1000) - t.startSecond <= t.maxSeconds) return false;
  slog(ctx, 1, 'Maximum file transfer time exceeded');
  abortEveryone(ctx, 'Max file transfer time exceeded');
  finishFile(ctx, 'complete');
  return true;
}

/** The socket can take `room` datagrams: the blocks due by the pacer go out. */
export function onWritable(ctx: Ctx, room: number): void {
  const { state } = ctx;
  if (state.phase !== 'transfer' || !state.file?.transfer) return;
  const { t } = transferOf(ctx);
  if (t.endOfPass || t.waiting || overTime(ctx, t)) return;
  const now = ctx.clock.now;
  if (t.finder) t.pacer.setRate(t.finder.rate(now, state.grtt.value * 1000));
  let budget = Math.min(room, t.pacer.allowance(now));
  const grtt = t.cc ? quantizeGrtt(t.cc.advGrtt) : state.grtt.quantized;
  const gsize = quantizeGroupSize(state.clients.receiverCount());
  const cc = t.cc ? { sendRate: quantizeRate(t.cc.rate), ccSeq: t.cc.ccSeq, ccRate: quantizeRate(t.cc.ccRate) } : undefined;
  let sent = 0;
  while (budget > 0) {
    const block = t.nextBlock();
    if (block < 0) break;
    const length = t.layout.blockLength(block);
    const data = t.reads.block(block, length);
    if (!data) {
      t.waiting = true;
      t.position = block;
      requestReads(ctx);
      break;
    }
    const section = sectionOf(t.layout, block);
    if (section !== t.lastSection) {
      slog(ctx, 2, `Sending section ${section}`);
      t.lastSection = section;
      t.reads.release(block);
      requestReads(ctx);
    }
    const packet = t.packets.build(section, block - t.layout.sectionStart(section), data, { seq: state.nextSeq(), grtt, gsize, cc });
    ctx.out.push({ type: 'send', data: packet, to: { address: ctx.config.privateAddr, port: ctx.config.port } });
    if (t.pass === 1) t.firstPassBytes += length;
    state.dataBytes += length;
    t.bytesSent += length;
    t.sent(block);
    t.doneAttempt = 1;
    budget--;
    sent++;
  }
  t.pacer.spend(sent);
  t.finder?.sent(now, sent * t.wire);
  if (now - t.progressAt >= PROGRESS_MS) progress(ctx, now);
  if (t.waiting) return;
  if (t.nextBlock() < 0) {
    endOfPass(ctx);
    return;
  }
  ctx.out.push({ type: 'pace', at: t.pacer.nextAt(now) });
}

function sectionOf(layout: FileLayout, block: number): number {
  const big = layout.bigSections * layout.bigSection;
  return block < big ? Math.floor(block / layout.bigSection) : layout.bigSections + Math.floor((block - big) / layout.smallSection);
}

/** Progress events at most this often (and at each end of a pass). */
const PROGRESS_MS = 250;

export function progress(ctx: Ctx, now: number, final = false): void {
  const { state } = ctx;
  const file = state.file;
  const t = file?.transfer;
  if (!file || !t) return;
  if (final) {
    const since = file.timedFrom ?? file.startedAt;
    t.rate = now > since ? (t.bytesSent * 1000) / (now - since) : 0;
  } else if (t.progressAt === 0 || now - t.progressAt >= PROGRESS_MS) {
    // The rate over at least PROGRESS_MS: events in between (a COMPLETE, NAKs) keep the last one.
    if (t.progressAt > 0) t.rate = ((t.bytesSent - t.progressBytes) * 1000) / (now - t.progressAt);
    t.progressAt = now;
    t.progressBytes = t.bytesSent;
  }
  const receivers = state.clients.receivers().filter((c) => c.registered);
  ctx.out.push({
    type: 'progress',
    progress: {
      fileId: file.fileId, name: file.name, size: file.size, sentBytes: t.pass === 1 ? t.firstPassBytes : file.size, pass: t.pass,
      naks: t.naksReceived, rate: t.rate, clientsDone: receivers.filter((c) => c.state === 'done').length, clientsTotal: receivers.length,
      ...(final ? { final } : {}),
    },
  });
}

/** Everything of this pass is out: DONE asks the receivers for STATUS or COMPLETE. */
function endOfPass(ctx: Ctx): void {
  const { t } = transferOf(ctx);
  t.endOfPass = true;
  progress(ctx, ctx.clock.now);
  sendDone(ctx);
  maybeRewind(ctx);
}

function sendDone(ctx: Ctx): void {
  const { state, config } = ctx;
  const { file, t } = transferOf(ctx);
  if (t.doneAttempt <= config.robust) {
    // Those that have not answered this pass: a client that NAKed waits for the next pass (asked again, it
    // repeats its STATUS, counted twice). With everyone NAKing the list is empty, as the real uftp sends it.
    const ids = state.clients.all().filter((c) => c.state === 'active').map((c) => c.id);
    const section = t.layout.sections > 0 ? t.layout.sections - 1 : 0;
    const attempt = state.attempt;
    state.attempt = t.doneAttempt;
    sendListed(ctx, ids, idsPerPacket(ctx, 8), (clientIds) => ({
      type: MessageType.DONE, fileId: file.fileId, section, reserved: 0, extensions: NO_EXTENSIONS, clientIds,
    }), { name: 'DONE', encrypt: true });
    state.attempt = attempt;
  }
  t.doneAttempt++;
  ctx.out.push({ type: 'setTimer', id: 'done', at: ctx.clock.now + 3 * state.grtt.value * 1000 });
}

/** The DONE timer: DONE again, or the file is over for those that never answered. */
export function onDoneTimer(ctx: Ctx): void {
  const t = ctx.state.file?.transfer;
  if (ctx.state.phase !== 'transfer' || !t || !t.endOfPass) return;
  if (t.doneAttempt > ctx.config.robust && t.rewindAt === 0) {
    slog(ctx, 1, 'Sending thread timed out');
    finishFile(ctx, 'timeout');
    return;
  }
  sendDone(ctx);
}

/** NAKs in at the end of a pass: 3 x GRTT later the next pass starts. */
function maybeRewind(ctx: Ctx): void {
  const { t } = transferOf(ctx);
  if (!t.gotNaks || !t.endOfPass || t.rewindAt !== 0) return;
  t.rewindAt = ctx.clock.now + 3 * ctx.state.grtt.value * 1000;
  slog(ctx, 3, 'Starting rewind timer');
  ctx.out.push({ type: 'setTimer', id: 'rewind', at: t.rewindAt });
}

export function onRewindTimer(ctx: Ctx): void {
  const t = ctx.state.file?.transfer;
  if (ctx.state.phase !== 'transfer' || !t || t.rewindAt === 0) return;
  slog(ctx, 3, 'Rewind timer tripped');
  t.rewindAt = 0;
  t.gotNaks = false;
  for (const c of ctx.state.clients.all()) if (c.state === 'naked') c.state = 'active';
  if (t.pass >= ctx.config.maxPasses) {
    slog(ctx, 1, 'Maximum number of passes exceeded');
    finishFile(ctx, 'max passes');
    return;
  }
  t.pass++;
  slog(ctx, 2, `Starting pass ${t.pass}`);
  if (overTime(ctx, t)) return;
  t.position = 0;
  t.endOfPass = false;
  t.lastSection = -1;
  ctx.out.push({ type: 'cancelTimer', id: 'done' });
  requestReads(ctx);
  ctx.out.push({ type: 'pace', at: ctx.clock.now });
}

/** A STATUS: NAKs for a section, recorded for the next pass (or too many: the client is dropped). */
export function onStatus(ctx: Ctx, client: ClientRecord, msg: Status, forIds: ClientRecord[]): void {
  const { state, config } = ctx;
  const file = state.file;
  const t = file?.transfer;
  if (!file || !t || msg.fileId !== file.fileId) {
    refused(ctx, 'unexpected', 1, `Rejecting STATUS from ${client.name}: invalid file ID ${msg.fileId.toString(16).toUpperCase().padStart(4, '0')}, expected ${(file?.fileId ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
    return;
  }
  const layout = t.layout;
  if (msg.section >= layout.sections) {
    refused(ctx, 'malformed', 1, `Rejecting STATUS from ${client.name}: section ${msg.section} past the file`);
    return;
  }
  const length = layout.sectionLength(msg.section);
  if (msg.naks.length < (length >> 3) + 1) {
    refused(ctx, 'malformed', 1, `Rejecting STATUS from ${client.name}: invalid message size`);
    return;
  }
  onCcFeedback(ctx, client, msg.extensions.find((e): e is TfmccAckInfoExt => e.kind === 'tfmccAckInfo'));
  // protocol.txt 3.2: NAKs count only for a section before the one being sent; the rest of the pass sends
  // that section and the later ones anyway (a STATUS for them is a stale answer to the last pass's DONE).
  if (!t.endOfPass && t.position < layout.blocks && msg.section >= sectionOf(layout, t.position)) {
    slog(ctx, 3, `Dropping STATUS for section ${msg.section}`);
    return;
  }
  const start = layout.sectionStart(msg.section);
  const naked = nakedBlocks(msg.naks).filter((i) => i < length);
  if ((naked.length * 100) / length > config.maxNakPct) client.nakExceeded++;
  if (client.nakExceeded >= config.maxNakCount && config.maxNakPct < 100) {
    slog(ctx, 1, `Got excessive NAKs (${naked.length}) for section ${msg.section} from ${client.isProxy ? 'proxy' : 'client'} ${client.name}, aborting`);
    dropForNaks(ctx, client);
    return;
  }
  for (const i of naked) t.mark(start + i);
  if (naked.length > 0) t.gotNaks = true;
  const sending = { pass: t.pass, section: t.endOfPass ? layout.sections : sectionOf(layout, Math.min(t.position, layout.blocks - 1)) };
  if (t.finder?.loss(ctx.clock.now, { pass: t.pass, section: msg.section }, naked.length, length, sending, state.grtt.value * 1000)) {
    slog(ctx, 3, `Sending rate cut to ${Math.round(t.finder.rate(ctx.clock.now, state.grtt.value * 1000) / 1024)} KB/s`);
  }
  t.naksReceived += naked.length;
  slog(ctx, 2, `Got ${naked.length} NAKs for section ${msg.section} from ${client.isProxy ? 'proxy' : 'client'} ${client.name}`);
  for (const c of forIds.length > 0 ? forIds : [client]) if (c.state === 'active') c.state = 'naked';
  if (naked.length > 0) progress(ctx, ctx.clock.now);
  maybeRewind(ctx);
}

function dropForNaks(ctx: Ctx, client: ClientRecord): void {
  client.state = 'aborted';
  client.reason = 'Aborted';
  abortClient(ctx, client.id, 'Excessive NAKs received');
}

/** The file is over (everyone done, or given up on): those still in it are lost; the machine moves on. */
export function finishFile(ctx: Ctx, why: 'complete' | 'timeout' | 'max passes' | 'read error'): void {
  const { state } = ctx;
  ctx.out.push({ type: 'cancelTimer', id: 'done' });
  ctx.out.push({ type: 'cancelTimer', id: 'rewind' });
  ctx.out.push({ type: 'cancelTimer', id: 'cc' });
  for (const c of state.clients.all()) {
    if (c.state !== 'active' && c.state !== 'naked') continue;
    if (why === 'max passes') {
      c.state = 'aborted';
      c.reason = 'Aborted';
      abortClient(ctx, c.id, 'Max passes exceeded');
    } else if (why !== 'complete') {
      if (!c.isProxy) slog(ctx, 1, `No response from ${c.name}`);
      c.state = 'lost';
      c.reason = 'Lost connection';
    }
  }
  state.file?.transfer?.reads.clear();
  if (state.file) state.file.over = true;
}
