// The end of a session (protocol.txt 5.1.4): DONE for file 0 asks for our COMPLETE, sent again every
// 4 x GRTT until DONE_CONF confirms it (or 4 x ROBUST x GRTT pass); then -T files move into place and the
// post-receive script runs; and ABORTs from the server.
import { ABORT_CURRENT_FILE, CompletionStatus, abortText, type Abort, type DoneConf } from '../protocol';
import { glog, type Ctx } from './context';
import { endSession, type Sessions } from './ending';
import { dropFile } from './fileinfo';
import { completeMessage, listed } from './messages';
import { sendToServer } from './outgoing';
import type { ClientSession } from './session';
import { expiryMs, resetTimeout } from './timeouts';

export function onGroupDone(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  if (session.phase === 'complete') return;
  if (session.file) dropFile(ctx, session);
  session.fileId = 0;
  glog(ctx, session, 2, 'Group complete');
  session.phase = 'complete';
  session.expireAt = ctx.clock.now + expiryMs(session);
  sendComplete(ctx, sessions, session);
}

/** Our COMPLETE for the session; once the server has had long enough to confirm it, the session ends anyway. */
export function sendComplete(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  if (ctx.clock.now >= session.expireAt) {
    glog(ctx, session, 1, 'Completion unconfirmed by server');
    finishSession(ctx, sessions, session);
    return;
  }
  sendToServer(ctx, session, completeMessage(0, CompletionStatus.NORMAL));
  glog(ctx, session, 2, 'COMPLETE sent');
  resetTimeout(ctx, session);
}

export function onDoneConf(ctx: Ctx, sessions: Sessions, session: ClientSession, msg: DoneConf): void {
  if (!listed(msg.clientIds, ctx.config.uid)) return;
  glog(ctx, session, 2, 'Group file transfer confirmed');
  finishSession(ctx, sessions, session);
}

/** A finished session: with -T its files move to the destination (and -s runs on them), then it ends. */
function finishSession(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  const { config } = ctx;
  if (config.tempDir === undefined) {
    endSession(ctx, sessions, session, false);
    return;
  }
  const individually = config.moveIndividually;
  const groupId = session.groupId;
  // The session is gone from the table at once; the move finishes on its own.
  endSession(ctx, sessions, session, false);
  ctx.files.ask(ctx, -1, { op: 'finishSession', groupId, individually }, (c, result) => {
    if (!result.ok || result.value.kind !== 'moved') {
      glog(c, session, 0, `Error moving received files into place: ${result.ok ? 'no result' : `${result.code}: ${result.message}`}`);
      return;
    }
    const paths = result.value.paths;
    if (!config.postReceive || paths.length === 0) return;
    if (individually) for (const path of paths) c.out.push({ type: 'postReceive', groupId, paths: [path] });
    else c.out.push({ type: 'postReceive', groupId, paths });
  });
}

/** An ABORT from the server: for everyone (unless only those still on the current file), or for us. */
export function onServerAbort(ctx: Ctx, sessions: Sessions, session: ClientSession, msg: Abort): void {
  const forUs = msg.host === 0 ? !((msg.flags & ABORT_CURRENT_FILE) !== 0 && session.phase === 'midgroup') : msg.host >>> 0 === ctx.config.uid >>> 0;
  if (!forUs) return;
  glog(ctx, session, 1, `Transfer aborted by server: ${abortText(msg)}`);
  endSession(ctx, sessions, session, true);
}
