// Each item of the file list (protocol.txt 5.1.3): FILEINFO to the receivers every 3 x GRTT (at most ROBUST
// rounds) until each has answered with FILEINFO_ACK (a regular file to come) or COMPLETE (skipped, rejected,
// or nothing to send); then the data phase for a regular file; then the file's report and the next item.
import { CompletionStatus, FileType, FILEINFO_ACK_PARTIAL, MessageType, NO_EXTENSIONS, type Complete, type FileInfo, type FileInfoAck } from '../protocol';
import { nameFieldLength } from '../protocol/fileinfo';
import { wallToTimestamp } from '../session/timing';
import type { ClientRecord } from './clients';
import { rttFrom } from './grtt';
import { abortEveryone } from './aborts';
import { idsPerPacket, refused, sendListed, slog } from './outgoing';
import { fileReport } from './report';
import type { Ctx, CurrentFile } from './state';
import { finishFile, progress, startTransfer } from './transfer';
import type { SendItem } from './types';

const FILEINFO_FIXED = 28;

export function itemName(item: SendItem): Buffer {
  return item.kind === 'freespace' ? Buffer.from('.') : item.name;
}

function fileType(item: SendItem): number {
  switch (item.kind) {
    case 'file': return FileType.REGULAR;
    case 'directory': return FileType.DIRECTORY;
    case 'symlink': return FileType.SYMLINK;
    case 'delete': return FileType.DELETE;
    case 'freespace': return FileType.FREESPACE;
  }
}

export function askNextItem(ctx: Ctx): void {
  ctx.state.awaitingItem = true;
  ctx.out.push({ type: 'nextItem' });
}

/** The next item from the runner: its FILEINFO phase begins (undefined: the list is done). Answers false at the end. */
export function startItem(ctx: Ctx, item: SendItem): void {
  const { state, config } = ctx;
  const name = itemName(item);
  if (config.restartFiles && !config.restartFiles.has(name.toString('base64'))) {
    askNextItem(ctx);
    return;
  }
  state.fileId = (state.fileId + 1) & 0xffff || 1;
  const file: CurrentFile = { fileId: state.fileId, item, name: name.toString(), size: item.kind === 'file' ? item.size : 0, startedAt: ctx.clock.now };
  state.file = file;
  state.items.push({ item, fileId: file.fileId });
  state.phase = 'fileinfo';
  state.attempt = 1;
  for (const c of state.clients.all()) {
    if (c.failed || c.state === 'mute') continue;
    c.state = c.isProxy ? 'active' : 'registered';
    c.partial = false;
  }
  const localName = item.kind === 'file' || item.kind === 'directory' || item.kind === 'symlink' ? item.localName : undefined;
  slog(ctx, 2, `File ID: ${file.fileId.toString(16).toUpperCase().padStart(4, '0')}  Name: ${localName ?? file.name}`);
  slog(ctx, 2, `  sending as: ${file.name}`);
  if (item.kind === 'file') {
    const blocks = Math.ceil(item.size / config.blockSize);
    slog(ctx, 2, `Bytes: ${item.size}  Blocks: ${blocks}  Sections: ${blocks === 0 ? 0 : Math.ceil(blocks / Math.min(config.blockSize * 8, 65536))}`);
  } else if (item.kind === 'directory') slog(ctx, 2, 'Empty directory');
  else if (item.kind === 'symlink') slog(ctx, 2, `Symbolic link to ${item.target.toString()}`);
  else if (item.kind === 'delete') slog(ctx, 2, 'Delete file/directory with this name');
  else slog(ctx, 2, 'Free disk space query');
  // Interrupted while announcing: the real uftp gives up on the first file before its first FILEINFO.
  if (state.interrupted) endFileInfo(ctx);
  else fileInfoRound(ctx);
}

function fileInfoRound(ctx: Ctx): void {
  const { state } = ctx;
  const file = state.file!;
  const item = file.item;
  const name = itemName(item);
  const link = item.kind === 'symlink' ? item.target : Buffer.alloc(0);
  const ts = wallToTimestamp(ctx.clock.wall);
  const waiting = state.clients.inState('registered').map((c) => c.id);
  const headerBytes = FILEINFO_FIXED + nameFieldLength(name) + nameFieldLength(link);
  sendListed(ctx, waiting, idsPerPacket(ctx, headerBytes), (clientIds): FileInfo => ({
    type: MessageType.FILEINFO, fileId: file.fileId, fileType: fileType(item), reserved: 0, name, link,
    size: file.size, fileTstamp: item.kind === 'file' ? item.mtimeSec : 0, tsSec: ts.sec, tsUsec: ts.usec,
    extensions: NO_EXTENSIONS, clientIds,
  }), { name: 'FILEINFO', encrypt: true });
  ctx.out.push({ type: 'setTimer', id: 'round', at: ctx.clock.now + 3 * state.grtt.value * 1000 });
}

/** The clients a message speaks for: those a proxy lists, or the sender itself. */
export function speaksFor(ctx: Ctx, sender: ClientRecord, ids: number[]): ClientRecord[] {
  if (!sender.isProxy || ids.length === 0) return [sender];
  const found: ClientRecord[] = [];
  for (const id of ids) {
    const c = ctx.state.clients.get(id);
    if (c) found.push(c);
    else refused(ctx, 'access', 1, `Client ${(id >>> 0).toString(16).toUpperCase().padStart(8, '0')} via proxy ${sender.name} not found`);
  }
  return found;
}

export function onFileInfoAck(ctx: Ctx, sender: ClientRecord, msg: FileInfoAck): void {
  const { state } = ctx;
  const file = state.file;
  if (!file || msg.fileId !== file.fileId || state.phase !== 'fileinfo') {
    refused(ctx, 'unexpected', 3, `Received FILEINFO_ACK+ from ${sender.name}`);
    return;
  }
  const rtt = rttFrom(msg.tsSec, msg.tsUsec, ctx.clock.wall);
  for (const c of speaksFor(ctx, sender, msg.clientIds)) {
    if (c.failed) continue;
    const dup = c.state === 'active';
    c.state = 'active';
    c.partial = (msg.flags & FILEINFO_ACK_PARTIAL) !== 0;
    c.rtt = rtt;
    c.rttMeasured = true;
    slog(ctx, 2, `Received FILEINFO_ACK${dup ? '+' : ''} from ${c.isProxy ? 'proxy' : 'client'} ${c.name}`);
  }
  sender.rtt = rtt;
  sender.rttMeasured = true;
  state.recalculateGrtt();
  if (allAnswered(ctx)) endFileInfo(ctx);
}

const STATUS_TEXT: Record<number, string> = {
  [CompletionStatus.NORMAL]: '', [CompletionStatus.SKIPPED]: '(skipped)', [CompletionStatus.OVERWRITE]: '(overwritten)', [CompletionStatus.REJECTED]: '(rejected)',
};

/** COMPLETE for the current file, in its FILEINFO or data phase. */
export function onFileComplete(ctx: Ctx, sender: ClientRecord, msg: Complete): void {
  const { state } = ctx;
  const file = state.file;
  if (!file || msg.fileId !== file.fileId) {
    if (msg.fileId !== 0 && file) refused(ctx, 'unexpected', 1, `Rejecting COMPLETE from ${sender.name}: invalid file ID ${msg.fileId.toString(16).toUpperCase().padStart(4, '0')}, expected ${file.fileId.toString(16).toUpperCase().padStart(4, '0')}`);
    return;
  }
  const freespace = msg.extensions.find((e) => e.kind === 'freespaceInfo');
  const targets = speaksFor(ctx, sender, msg.clientIds);
  const dup = !sender.isProxy && sender.state === 'done';
  slog(ctx, 2, `Got COMPLETE${STATUS_TEXT[msg.status] ?? ''}${dup ? '+' : ''} from ${sender.isProxy ? 'proxy' : 'client'} ${sender.name}`);
  for (const c of targets) {
    if (c.failed) continue;
    if (c !== sender) slog(ctx, 2, `  For client${c.state === 'done' ? '+' : ''} ${c.name}`);
    c.state = 'done';
    if (!c.files.has(file.fileId)) {
      c.files.set(file.fileId, { status: msg.status, at: ctx.clock.now, freeSpace: freespace?.kind === 'freespaceInfo' ? freespace.freespace : undefined });
    }
    if (msg.status !== CompletionStatus.REJECTED) state.filesSent = true;
  }
  if (state.phase === 'fileinfo' && allAnswered(ctx)) endFileInfo(ctx);
  else if (state.phase === 'transfer' && allDone(ctx)) file.over = true;
  else if (state.phase === 'transfer') progress(ctx, ctx.clock.now); // one more client done
}

// Both are asked after each client's answer: no array per call.
function allAnswered(ctx: Ctx): boolean {
  return ctx.state.clients.every((c) => c.state === 'active' || c.state === 'done' || c.state === 'mute' || c.failed);
}

function allDone(ctx: Ctx): boolean {
  return ctx.state.clients.every((c) => c.state === 'done' || c.state === 'mute' || c.failed || c.isProxy);
}

/** The FILEINFO round timer: another round, or the end of the phase. */
export function onFileInfoTimer(ctx: Ctx): void {
  const { state } = ctx;
  state.attempt++;
  state.recalculateGrtt();
  if (state.attempt > ctx.config.robust) endFileInfo(ctx);
  else fileInfoRound(ctx);
}

/** Someone left (an ABORT): the file's phase ends at once when nobody it waits for is left. */
export function afterDeparture(ctx: Ctx): void {
  const { state } = ctx;
  if (!state.file || state.file.over) return;
  if (state.phase === 'fileinfo' && allAnswered(ctx)) endFileInfo(ctx);
  else if (state.phase === 'transfer' && allDone(ctx)) finishFile(ctx, 'complete');
}

/** The FILEINFO phase is over (all answered, the rounds ran out, or SIGINT): the silent ones are lost. */
export function endFileInfo(ctx: Ctx): void {
  const { state } = ctx;
  const file = state.file!;
  ctx.out.push({ type: 'cancelTimer', id: 'round' });
  for (const c of state.clients.inState('registered')) {
    slog(ctx, 1, `Couldn't get FILEINFO_ACK from ${c.name}`);
    c.state = 'lost';
    c.reason = 'Lost connection';
  }
  file.timedFrom = ctx.clock.now;
  const receivers = state.clients.receivers();
  // -q: one that dropped out here takes everyone with it (the real uftp then ends with exit 8).
  if (ctx.config.quitOnError && receivers.some((c) => c.failed)) abortEveryone(ctx, 'A client dropped out, aborting all');
  if (!receivers.some((c) => c.state === 'active' || c.state === 'done')) {
    slog(ctx, 0, 'Announce timed out');
    state.exitCode ??= 8;
    file.over = true;
    return;
  }
  if (file.item.kind === 'file' && !allDone(ctx)) startTransfer(ctx, file);
  else file.over = true;
}

/** The file is over: its report, then the next item. */
export function fileFinished(ctx: Ctx): void {
  const { state } = ctx;
  const file = state.file!;
  file.over = false;
  if (file.transfer) progress(ctx, ctx.clock.now, true);
  fileReport(ctx, file);
  state.file = undefined;
  state.phase = 'fileinfo';
}

export function fileWasMissed(ctx: Ctx, fileId: number): boolean {
  return ctx.state.clients.receivers().some((c) => !c.files.has(fileId));
}

export { FILEINFO_FIXED };
