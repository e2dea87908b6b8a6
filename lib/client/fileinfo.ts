// FILEINFO (protocol.txt 5.2.9): what comes next and where it goes. A regular file is opened (after a look
// at what is there in sync and restart sessions) and answered with FILEINFO_ACK; a directory, symbolic link,
// delete request or free-space request is carried out and answered with COMPLETE at once, as is a file that
// is rejected, skipped or already complete.
import { FileType, FILEINFO_ACK_PARTIAL, MessageType, NO_EXTENSIONS, CompletionStatus, type FileInfo } from '../protocol';
import { glog, type Ctx } from './context';
import { abortSession, type Sessions } from './ending';
import { Arrivals, FileLayout } from '../session/layout';
import { completeMessage, listed } from './messages';
import { destinationOf, tempFileName, type Destination } from './names';
import { echoTimestamp, noteServerTime, sendToServer } from './outgoing';
import type { ClientSession, FileState } from './session';
import { fileDoneOutput, resultLine } from './status-lines';
import { resetTimeout } from './timeouts';
import type { EntryInfo, FileResult, Place } from './types';
import { WriteCache } from './write-cache';

type Accepted = Extract<Destination, { ok: true }>;

export function onFileInfo(ctx: Ctx, sessions: Sessions, session: ClientSession, msg: FileInfo): void {
  if (!listed(msg.clientIds, ctx.config.uid)) {
    resetTimeout(ctx, session);
    return;
  }
  const file = session.file;
  if (file && (session.phase === 'receiving' || session.phase === 'opening' || session.phase === 'closing')) {
    if (file.fileId === msg.fileId) {
      // Our answer was lost: say it again (once the file is open).
      if (session.phase === 'receiving') sendFileInfoAck(ctx, session, file.partial);
      resetTimeout(ctx, session);
      return;
    }
    glog(ctx, session, 1, `FILEINFO for file ${msg.fileId} while file ${file.fileId} is incomplete: giving that one up`);
    dropFile(ctx, session);
  }
  if (session.phase === 'midgroup' && session.lastFileId === msg.fileId && session.lastFileId !== 0) {
    sendToServer(ctx, session, completeMessage(msg.fileId, session.lastStatus, session.lastWasFreespace ? session.freeSpaceSeen : undefined));
    resetTimeout(ctx, session);
    return;
  }
  noteServerTime(session, msg.tsSec, msg.tsUsec, ctx.clock.wall);
  session.fileId = msg.fileId;
  const name = msg.name.toString();
  const layout = new FileLayout(msg.fileType === FileType.REGULAR ? msg.size : 0, session.blockSize);
  glog(ctx, session, 2, `Name of file to receive: ${name}`);
  switch (msg.fileType) {
    case FileType.REGULAR:
      glog(ctx, session, 2, `Bytes: ${msg.size}, Blocks: ${layout.blocks}, Sections: ${layout.sections}`);
      glog(ctx, session, 3, `small section size: ${layout.smallSection}, big section size: ${layout.bigSection}, # big sections: ${layout.bigSections}`);
      break;
    case FileType.DIRECTORY: glog(ctx, session, 2, 'Empty directory'); break;
    case FileType.SYMLINK: glog(ctx, session, 2, `Symbolic link to ${msg.link.toString()}`); break;
    case FileType.DELETE: glog(ctx, session, 2, 'Deleting file/directory'); break;
    case FileType.FREESPACE: glog(ctx, session, 2, 'Get free space for path'); break;
    default:
      glog(ctx, session, 1, `Invalid file type: ${msg.fileType}`);
      abortSession(ctx, sessions, session, 'Invalid file type');
      return;
  }
  // @FREESPACE names "." and asks about the destination itself (the temp directory with -T).
  const dest = msg.fileType === FileType.FREESPACE ? rootOf(ctx, session) : destinationOf(msg.name, session.groupId, ctx.config);
  const rejectWith = (why: string): void => {
    glog(ctx, session, 1, why);
    earlyComplete(ctx, session, msg, name, CompletionStatus.REJECTED);
  };
  if (!dest.ok) return rejectWith(dest.why);
  if (msg.fileType === FileType.SYMLINK && msg.link.length === 0) return rejectWith('Rejecting FILEINFO from server: blank link name');
  if (msg.fileType === FileType.SYMLINK && msg.link.includes(0)) return rejectWith('Rejecting FILEINFO from server: link name contains a NUL byte');
  const state: FileState = {
    fileId: msg.fileId, fileType: msg.fileType, name: msg.name, size: msg.size, mtimeSec: msg.fileTstamp, dest,
    writePlace: ctx.config.tempFiles ? { ...dest.place, path: tempFileName(dest.place.path, session.groupId, msg.fileId) } : dest.place,
    layout, partial: false, gotData: false, lastSection: 0, status: CompletionStatus.NORMAL, reported: false,
  };
  session.file = state;
  session.phase = 'opening';
  resetTimeout(ctx, session);
  switch (msg.fileType) {
    case FileType.REGULAR: return regularFile(ctx, sessions, session, state, msg);
    case FileType.DIRECTORY: return directory(ctx, session, state, msg);
    case FileType.SYMLINK: return symlink(ctx, session, state, msg);
    case FileType.DELETE: return deletion(ctx, session, state, msg);
    case FileType.FREESPACE: return freeSpace(ctx, session, state, msg);
  }
}

function rootOf(ctx: Ctx, session: ClientSession): Accepted {
  const temp = ctx.config.tempDir !== undefined;
  return {
    ok: true, place: { root: temp ? { kind: 'temp' } : { kind: 'dest', index: 0 }, path: Buffer.from('.') }, destIndex: 0,
    display: temp ? ctx.config.tempDir! : ctx.config.destDirs[0],
  };
}

/** Gives up the file in progress (its data so far is dropped unless -T keeps it for a restart). */
export function dropFile(ctx: Ctx, session: ClientSession): void {
  const file = session.file;
  if (file?.handle !== undefined) {
    ctx.out.push({ type: 'file', request: { op: 'discard', handle: file.handle, remove: ctx.config.tempDir === undefined ? file.writePlace : undefined } });
  }
  session.file = undefined;
  if (session.phase !== 'complete') session.phase = 'midgroup';
}

/** Answers a FILEINFO with COMPLETE right away: rejected, skipped, or done without data. */
export function earlyComplete(ctx: Ctx, session: ClientSession, msg: FileInfo, name: string, status: number, freeSpace?: number): void {
  session.phase = 'midgroup';
  session.file = undefined;
  session.lastFileId = msg.fileId;
  session.lastStatus = status;
  session.lastWasFreespace = freeSpace !== undefined;
  session.freeSpaceSeen = freeSpace;
  sendToServer(ctx, session, completeMessage(msg.fileId, status, freeSpace));
  glog(ctx, session, 2, 'COMPLETE sent');
  ctx.out.push(fileDoneOutput(session, name, msg.size, status));
  if (ctx.config.statusFile) {
    ctx.out.push({ type: 'status', line: resultLine(ctx.clock.wall, session.serverId, session.groupId, name, msg.size, status) });
  }
  resetTimeout(ctx, session);
}

export function sendFileInfoAck(ctx: Ctx, session: ClientSession, partial: boolean): void {
  const ts = echoTimestamp(session, ctx.clock.wall);
  sendToServer(ctx, session, {
    type: MessageType.FILEINFO_ACK, fileId: session.fileId, flags: partial ? FILEINFO_ACK_PARTIAL : 0, reserved: 0,
    tsSec: ts.sec, tsUsec: ts.usec, extensions: NO_EXTENSIONS, clientIds: [],
  });
  glog(ctx, session, 2, 'FILEINFO_ACK sent');
}

/** -A: the backup directory of the file's destination, when backups are on (and not -t, which backs up at the end). */
function backupFor(ctx: Ctx, dest: Accepted): number | undefined {
  return ctx.config.backupDirs.length > 0 ? dest.destIndex : undefined;
}

function failed(result: FileResult): string | undefined {
  return result.ok ? undefined : `${result.code}: ${result.message}`;
}

function regularFile(ctx: Ctx, sessions: Sessions, session: ClientSession, file: FileState, msg: FileInfo): void {
  const restart = session.restartInfo;
  if (restart && restart.name.equals(msg.name) && restart.size === msg.size && restart.blocks === file.layout.blocks && restart.sections === file.layout.sections) {
    session.restartInfo = undefined;
    file.partial = true;
    openFile(ctx, sessions, session, file, msg, false, restart.have);
    return;
  }
  // -t without -A: the file is received beside its final name and renamed over it at the end, which a
  // directory there would stop. It is refused now, before any data, as a file opened in place is refused
  // (EISDIR): a directory is never deleted to make room (with -A it goes to the backup at the end).
  const dirBlocksRename = ctx.config.tempFiles && ctx.config.backupDirs.length === 0;
  if (!restart && !session.syncMode && !dirBlocksRename) {
    openFile(ctx, sessions, session, file, msg, true);
    return;
  }
  ctx.files.ask(ctx, session.key, { op: 'inspect', place: file.dest.place }, (c, result) => {
    if (!result.ok || result.value.kind !== 'inspect') {
      glog(c, session, 1, `Error checking file ${file.dest.display}: ${failed(result)}`);
      return earlyComplete(c, session, msg, msg.name.toString(), CompletionStatus.REJECTED);
    }
    const there = result.value.info;
    if (restart) {
      if (there.kind === 'file' && there.size === msg.size) {
        // Finished on the last attempt.
        return earlyComplete(c, session, msg, msg.name.toString(), CompletionStatus.NORMAL);
      }
      return openFile(c, sessions, session, file, msg, true);
    }
    const openUnlessDir = (): void => {
      if (dirBlocksRename && there.kind === 'directory') {
        glog(c, session, 0, `Error opening data file ${file.dest.display}: Is a directory`);
        return earlyComplete(c, session, msg, msg.name.toString(), CompletionStatus.REJECTED);
      }
      openFile(c, sessions, session, file, msg, true);
    };
    if (!session.syncMode) return openUnlessDir();
    const verdict = syncVerdict(msg, there);
    if (verdict === 'skip') {
      glog(c, session, 2, 'skipping file, in sync');
      return earlyComplete(c, session, msg, msg.name.toString(), CompletionStatus.SKIPPED);
    }
    file.status = verdict === 'overwrite' ? CompletionStatus.OVERWRITE : CompletionStatus.NORMAL;
    glog(c, session, 2, verdict === 'overwrite' ? 'overwriting out of sync file' : 'copying new file');
    if (session.syncPreview) {
      glog(c, session, 2, 'Sync preview mode, skipping receive');
      return earlyComplete(c, session, msg, msg.name.toString(), file.status);
    }
    openUnlessDir();
  });
}

/** Sync mode: an older incoming file is skipped, a newer one overwrites, an equal time skips if sizes match. */
function syncVerdict(msg: FileInfo, there: EntryInfo): 'skip' | 'overwrite' | 'new' {
  if (there.kind === 'none') return 'new';
  if (msg.fileTstamp < there.mtimeSec) return 'skip';
  if (msg.fileTstamp > there.mtimeSec) return 'overwrite';
  return there.kind === 'file' && there.size === msg.size ? 'skip' : 'overwrite';
}

function openFile(
  ctx: Ctx, sessions: Sessions, session: ClientSession, file: FileState, msg: FileInfo, truncate: boolean, have?: Uint8Array,
): void {
  const backupIndex = ctx.config.tempFiles ? undefined : backupFor(ctx, file.dest);
  ctx.files.ask(ctx, session.key, { op: 'open', place: file.writePlace, truncate, backupIndex, when: session.startWall }, (c, result) => {
    if (session.file !== file) {
      if (result.ok && result.value.kind === 'open') c.out.push({ type: 'file', request: { op: 'discard', handle: result.value.handle } });
      return;
    }
    if (!result.ok || result.value.kind !== 'open') {
      glog(c, session, 0, `Error opening data file ${file.dest.display}: ${failed(result)}`);
      return earlyComplete(c, session, msg, msg.name.toString(), CompletionStatus.REJECTED);
    }
    file.handle = result.value.handle;
    const needed = truncate ? msg.size : (file.layout.blocks - countHave(have)) * session.blockSize;
    if (needed > result.value.freeSpace) {
      glog(c, session, 0, 'Not enough disk space, aborting');
      abortSession(c, sessions, session, 'Not enough disk space');
      return;
    }
    const handle = file.handle;
    file.arrivals = new Arrivals(file.layout, have);
    file.cache = new WriteCache(c.config.cacheSize, session.blockSize, (offset, data) => {
      // The handle is read at flush time: writes after a discard would be refused anyway.
      c.out.push({ type: 'file', request: { op: 'write', handle, offset, data } });
    }, c.config.windows);
    session.phase = 'receiving';
    sendFileInfoAck(c, session, file.partial);
    resetTimeout(c, session);
  });
}

function countHave(have: Uint8Array | undefined): number {
  if (!have) return 0;
  let n = 0;
  for (const b of have) if (b !== 0) n++;
  return n;
}

function directory(ctx: Ctx, session: ClientSession, file: FileState, msg: FileInfo): void {
  const name = msg.name.toString();
  ctx.files.ask(ctx, session.key, { op: 'inspect', place: file.dest.place }, (c, result) => {
    if (result.ok && result.value.kind === 'inspect' && result.value.info.kind === 'directory') {
      return earlyComplete(c, session, msg, name, CompletionStatus.SKIPPED);
    }
    if (session.syncPreview) return earlyComplete(c, session, msg, name, CompletionStatus.NORMAL);
    glog(c, session, 2, 'Creating directory');
    // A file, symlink or other entry in the way is left alone and the directory rejected, as the real
    // client does (mkdir fails with EEXIST there): it is not ours to delete.
    if (result.ok && result.value.kind === 'inspect' && result.value.info.kind !== 'none') {
      glog(c, session, 1, `Failed to create directory ${file.dest.display}: File exists`);
      return earlyComplete(c, session, msg, name, CompletionStatus.REJECTED);
    }
    c.files.ask(c, session.key, { op: 'mkdir', place: file.dest.place }, (c2, made) => {
      if (!made.ok) glog(c2, session, 1, `Failed to create directory ${file.dest.display}: ${failed(made)}`);
      earlyComplete(c2, session, msg, name, made.ok ? CompletionStatus.NORMAL : CompletionStatus.REJECTED);
    });
  });
}

function symlink(ctx: Ctx, session: ClientSession, file: FileState, msg: FileInfo): void {
  const name = msg.name.toString();
  if (session.syncPreview) return earlyComplete(ctx, session, msg, name, CompletionStatus.NORMAL);
  // Whatever is already at the name (a file, a link, a directory) stays and the link is rejected, as the
  // real client does (symlink fails with EEXIST): replacing it would lose a file that -A never saw.
  ctx.files.ask(ctx, session.key, { op: 'inspect', place: file.dest.place }, (c0, there) => {
    if (there.ok && there.value.kind === 'inspect' && there.value.info.kind !== 'none') {
      glog(c0, session, 1, `Failed to create symlink ${file.dest.display}: File exists`);
      return earlyComplete(c0, session, msg, name, CompletionStatus.REJECTED);
    }
    c0.files.ask(c0, session.key, { op: 'symlink', place: file.dest.place, target: msg.link }, (c, made) => {
      if (!made.ok) glog(c, session, 1, `Failed to create symlink ${file.dest.display}: ${failed(made)}`);
      earlyComplete(c, session, msg, name, made.ok ? CompletionStatus.NORMAL : CompletionStatus.REJECTED);
    });
  });
}

function deletion(ctx: Ctx, session: ClientSession, file: FileState, msg: FileInfo): void {
  const name = msg.name.toString();
  if (session.syncPreview) return earlyComplete(ctx, session, msg, name, CompletionStatus.NORMAL);
  const place: Place = file.dest.place;
  ctx.files.ask(ctx, session.key, { op: 'remove', place, backupIndex: backupFor(ctx, file.dest), when: session.startWall }, (c, done) => {
    if (!done.ok) glog(c, session, 1, `Failed to delete ${file.dest.display}: ${failed(done)}`);
    // Nothing there is done (the real client says copied too); a delete or -A backup that failed (a
    // symlink on the way, say) left the entry in place: the server hears rejected, not copied.
    earlyComplete(c, session, msg, name, done.ok ? CompletionStatus.NORMAL : CompletionStatus.REJECTED);
  });
}

function freeSpace(ctx: Ctx, session: ClientSession, file: FileState, msg: FileInfo): void {
  const name = msg.name.toString();
  ctx.files.ask(ctx, session.key, { op: 'freeSpace', root: file.dest.place.root }, (c, result) => {
    const bytes = result.ok && result.value.kind === 'freeSpace' ? result.value.freeSpace : 0;
    if (!result.ok) glog(c, session, 1, `Failed to get free space: ${failed(result)}`);
    earlyComplete(c, session, msg, name, CompletionStatus.NORMAL, bytes);
  });
}
