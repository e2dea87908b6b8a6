// The data phase (protocol.txt 3.2, 5.2.11-5.2.13): FILESEG blocks go to the write cache; a new section in
// the newest data, or a DONE, starts a 1 x GRTT timer after which a STATUS goes out for each section with
// blocks missing; once every block is there the file is closed and COMPLETE answers the server.
// Straight from their modules, not lib/protocol's index (its re-exports are getters, read per FILESEG).
import type { Done, Extension, Status } from '../protocol';
import { FileType, MessageType } from '../protocol/constants';
import { NO_EXTENSIONS } from '../protocol/extensions';
import { u16 } from '../protocol/bytes';
import { count } from '../session/context';
import { dropped } from '../session/drop';
import { glog, type Ctx } from './context';
import { abortSession, type Sessions } from './ending';
import { ackInfo, onDataInfo } from './congestion';
import { completeMessage, listed } from './messages';
import { sendToServer } from './outgoing';
import type { ClientSession, FileState } from './session';
import { fileDoneOutput, resultLine } from './status-lines';
import { resetTimeout } from './timeouts';
import { onGroupDone } from './completion';

const FILESEG_FIXED = 8;

/**
 * A FILESEG of the session's server (`body` from its function byte; valid only during the call). `newest`:
 * its sequence number is the highest seen, so a new section in it means the server has moved on.
 */
export function onFileSeg(ctx: Ctx, session: ClientSession, body: Uint8Array, newest: boolean): void {
  const file = session.file;
  if (session.phase !== 'receiving' || !file || file.fileType !== FileType.REGULAR || !file.arrivals || !file.cache) {
    if (session.phase !== 'complete') resetTimeout(ctx, session);
    return;
  }
  const hlen = body.length >= FILESEG_FIXED ? body[1] << 2 : 0;
  if (hlen < FILESEG_FIXED || hlen > body.length) {
    dropped(ctx.out, 'malformed', 'Rejecting FILESEG: invalid message size', session.groupId, 2);
    return;
  }
  const fileId = u16(body, 2);
  if (fileId !== file.fileId) {
    dropped(ctx.out, 'unexpected', `Rejecting FILESEG: got incorrect file_id ${fileId.toString(16).toUpperCase().padStart(4, '0')}`, session.groupId, 4);
    return;
  }
  if (hlen > FILESEG_FIXED && session.tfmcc) onDataInfo(ctx, session, body, hlen);
  const section = u16(body, 4);
  const block = file.layout.blockIndex(section, u16(body, 6));
  const length = body.length - hlen;
  if (block < 0 || length !== file.layout.blockLength(block)) {
    const why = block < 0 ? `block ${u16(body, 6)} of section ${section} is past the file` : `invalid data size ${length}`;
    dropped(ctx.out, 'malformed', `Rejecting FILESEG: ${why}`, session.groupId, 2);
    return;
  }
  file.gotData = true;
  if (newest) {
    if (section > file.lastSection && !file.nak) {
      setNakTimer(ctx, session, file, ctx.clock.now + session.grtt * 1000, file.lastSection, section, false);
      glog(ctx, session, 3, `New section, set NAK timer for sections ${file.lastSection} - ${section}`);
    }
    file.lastSection = section;
  }
  if (file.arrivals.add(block, section)) file.cache.add(block, body.subarray(hlen));
  else count(ctx, 'fileseg.duplicate');
  resetTimeout(ctx, session);
}

function setNakTimer(ctx: Ctx, session: ClientSession, file: FileState, at: number, first: number, last: number, gotDone: boolean): void {
  file.nak = { at, first, last, gotDone };
  ctx.out.push({ type: 'setTimer', id: session.timerId('nak'), at });
}

export function onDone(ctx: Ctx, sessions: Sessions, session: ClientSession, msg: Done): void {
  const file = session.file;
  if (msg.fileId !== session.fileId && msg.fileId !== 0 && session.phase !== 'midgroup') return;
  const forUs = listed(msg.clientIds, ctx.config.uid);
  if (msg.fileId === 0) {
    session.fileId = 0;
    glog(ctx, session, 2, 'Got DONE message for group');
    if (forUs) onGroupDone(ctx, sessions, session);
    return;
  }
  glog(ctx, session, 2, `Got DONE message for section ${msg.section}`);
  if (session.phase === 'midgroup') {
    if (forUs && msg.fileId === session.lastFileId) {
      sendToServer(ctx, session, completeMessage(msg.fileId, session.lastStatus));
      glog(ctx, session, 2, 'COMPLETE sent');
    }
    resetTimeout(ctx, session);
    return;
  }
  if (session.phase !== 'receiving' || !file || !file.arrivals) {
    resetTimeout(ctx, session);
    return;
  }
  if (forUs) {
    if (file.arrivals.complete) {
      file.nak = undefined;
      finishFile(ctx, sessions, session, file);
      return;
    }
    if (!file.nak) {
      // A restarted file with no data yet: the server wants our NAKs before it sends anything.
      const now = file.partial && !file.gotData;
      file.gotData = true;
      setNakTimer(ctx, session, file, ctx.clock.now + (now ? 0 : session.grtt * 1000), file.lastSection, msg.section + 1, true);
      glog(ctx, session, 3, `Got DONE for client, set NAK timer for sections ${file.lastSection} - ${msg.section + 1}`);
    }
    file.lastSection = msg.section + 1;
  } else {
    if (msg.section + 1 > file.lastSection && !file.nak) {
      setNakTimer(ctx, session, file, ctx.clock.now + session.grtt * 1000, file.lastSection, msg.section + 1, false);
      glog(ctx, session, 3, `Got DONE, set NAK timer for sections ${file.lastSection} - ${msg.section + 1}`);
    }
    file.lastSection = msg.section + 1;
  }
  resetTimeout(ctx, session);
}

/** The NAK timer: a STATUS for each section of [first, last) with blocks missing; COMPLETE when there are none. */
export function onNakTimer(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  const file = session.file;
  if (session.phase !== 'receiving' || !file?.nak || !file.arrivals) return;
  if (ctx.clock.now + 1 < file.nak.at) {
    ctx.out.push({ type: 'setTimer', id: session.timerId('nak'), at: file.nak.at });
    return;
  }
  let { first, last } = file.nak;
  const gotDone = file.nak.gotDone;
  file.nak = undefined;
  let sent = sendNaks(ctx, session, file, first, last);
  if (file.arrivals.complete) {
    finishFile(ctx, sessions, session, file);
    return;
  }
  if (gotDone && !sent) {
    // The server asked, yet nothing was missing since the last STATUS: look at every earlier section.
    [first, last] = [0, first];
    sent = sendNaks(ctx, session, file, first, last);
  }
}

function sendNaks(ctx: Ctx, session: ClientSession, file: FileState, first: number, last: number): boolean {
  const arrivals = file.arrivals!;
  let sent = false;
  for (let section = first; section < Math.min(last, file.layout.sections); section++) {
    const missing = arrivals.sectionMissing(section);
    if (missing === 0) continue;
    const extensions: readonly Extension[] = session.tfmcc ? [ackInfo(ctx, session)] : NO_EXTENSIONS;
    const status: Status = {
      type: MessageType.STATUS, fileId: file.fileId, section, reserved: 0, extensions, naks: arrivals.nakBitmap(section),
    };
    sendToServer(ctx, session, status);
    count(ctx, 'nak.sent', missing);
    glog(ctx, session, 2, `Sent ${missing} NAKs for section ${section}`);
    sent = true;
  }
  return sent;
}

/** Every block is in: write out the cache, close (and move a -t file into place), then COMPLETE. */
function finishFile(ctx: Ctx, sessions: Sessions, session: ClientSession, file: FileState): void {
  glog(ctx, session, 2, 'File transfer complete');
  session.phase = 'closing';
  file.cache?.flush();
  const handle = file.handle as number;
  file.handle = undefined;
  const rename = file.writePlace === file.dest.place ? undefined : file.dest.place;
  const backupIndex = rename && ctx.config.backupDirs.length > 0 ? file.dest.destIndex : undefined;
  ctx.files.ask(ctx, session.key, {
    op: 'close', handle, mtimeSec: file.mtimeSec || undefined, rename, backupIndex, when: session.startWall,
  }, (c, result) => {
    if (!result.ok) {
      glog(c, session, 0, `Error closing ${file.dest.display}: ${result.code}: ${result.message}`);
      abortSession(c, sessions, session, `Error writing file: ${result.code}`);
      return;
    }
    fileDone(c, session, file);
  });
}

function fileDone(ctx: Ctx, session: ClientSession, file: FileState): void {
  session.phase = 'midgroup';
  session.file = undefined;
  session.lastFileId = file.fileId;
  session.lastStatus = file.status;
  session.lastWasFreespace = false;
  sendToServer(ctx, session, completeMessage(file.fileId, file.status));
  glog(ctx, session, 2, 'COMPLETE sent');
  if (!file.reported) {
    file.reported = true;
    ctx.out.push(fileDoneOutput(session, file.name.toString(), file.size, file.status));
    if (ctx.config.statusFile) {
      ctx.out.push({ type: 'status', line: resultLine(ctx.clock.wall, session.serverId, session.groupId, file.name.toString(), file.size, file.status) });
    }
  }
  if (ctx.config.postReceive && ctx.config.tempDir === undefined) {
    ctx.out.push({ type: 'postReceive', groupId: session.groupId, paths: [file.dest.display] });
  }
  resetTimeout(ctx, session);
}

/** A write failed (a full disk, say): the session cannot go on. */
export function onWriteFailed(ctx: Ctx, sessions: Sessions, session: ClientSession, code: string, message: string): void {
  const file = session.file;
  glog(ctx, session, 0, `Write failed for ${file?.dest.display ?? 'file'}: ${code}: ${message}`);
  abortSession(ctx, sessions, session, code === 'ENOSPC' ? 'Not enough disk space' : `Write failed: ${code}`);
}
