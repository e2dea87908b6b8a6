// How sessions end: normally (DONE_CONF, or the server never confirming our COMPLETE), aborted by us (an
// ABORT goes to the server first) or by the server. An aborted session with -T leaves its restart state
// behind; without -T the half-received file is deleted, as the real client does.
import { FileType } from '../protocol';
import { glog, type Ctx } from './context';
import { abortMessage } from './messages';
import { sessionDirName } from './names';
import { sendToServer } from './outgoing';
import { encodeRestart } from './restart-state';
import type { ClientSession } from './session';

export interface Sessions {
  remove(session: ClientSession): void;
  /** Sessions of this group with a lower instance (a confirmed restart replaces them). */
  earlier(groupId: number, inst: number): ClientSession[];
}

/** Sends ABORT with `text` (the reason the server logs) and ends the session as aborted. */
export function abortSession(ctx: Ctx, sessions: Sessions, session: ClientSession, text: string): void {
  sendToServer(ctx, session, abortMessage(text));
  endSession(ctx, sessions, session, true);
}

/** A registration that ran out: the server is told why (a KEYINFO naming us that did not decrypt, if one came). */
export function registrationUnconfirmed(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  glog(ctx, session, 1, 'Registration unconfirmed by server');
  abortSession(ctx, sessions, session, session.keyInfoFailed ? 'Decrypt failed for group master' : 'Registration unconfirmed');
}

export function endSession(ctx: Ctx, sessions: Sessions, session: ClientSession, aborted: boolean): void {
  const { config } = ctx;
  const file = session.file;
  if (file?.handle !== undefined) {
    file.cache?.flush();
    const discardAll = aborted && config.tempDir === undefined;
    ctx.out.push({ type: 'file', request: { op: 'discard', handle: file.handle, remove: discardAll ? file.writePlace : undefined } });
    file.handle = undefined;
  }
  if (config.tempDir !== undefined) {
    const unused = session.restartInfo;
    if (unused && unused.name.length > 0) {
      // Restart state from the last run that this run did not resume: its partial file is a loss.
      const path = Buffer.concat([Buffer.from(`${sessionDirName(session.groupId)}/`), unused.name]);
      ctx.files.ask(ctx, -1, { op: 'remove', place: { root: { kind: 'temp' }, path }, when: ctx.clock.wall }, () => undefined);
    }
    // Not for a session that never got past its REGISTER: it has nothing to resume, and a forged ANNOUNCE
    // would leave a file behind (the real uftpd writes one each time); an older state is kept for the next run.
    if (aborted && session.phase !== 'registered') saveRestart(ctx, session);
  }
  if (session.joined) ctx.out.push({ type: 'leave', ...session.joined });
  for (const what of ['phase', 'nak', 'cc', 'pending'] as const) ctx.out.push({ type: 'cancelTimer', id: session.timerId(what) });
  ctx.files.forget(session.key);
  sessions.remove(session);
}

function saveRestart(ctx: Ctx, session: ClientSession): void {
  const file = session.file;
  const receiving = file !== undefined && file.fileType === FileType.REGULAR && file.arrivals !== undefined;
  const state = receiving
    ? { name: file.name, size: file.size, blocks: file.layout.blocks, sections: file.layout.sections, have: file.arrivals!.have }
    : { name: Buffer.alloc(0), size: 0, blocks: 0, sections: 0, have: new Uint8Array(0) };
  glog(ctx, session, 2, 'Writing restart file');
  ctx.out.push({ type: 'file', request: { op: 'saveRestart', groupId: session.groupId, state: encodeRestart(state) } });
}
