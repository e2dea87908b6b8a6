// What every handler of one input shares: the client's configuration, the time, the outputs gathered so far,
// and the file operations waiting for their results.
import type { Ctx as SessionCtx } from '../session/context';
import type { ClientConfig, ClientOutput, FileRequest, FileResult } from './types';

export type Continuation = (ctx: Ctx, result: FileResult) => void;

/** File operations in flight: their ids, and what to do with each result (bound to its session). */
export class PendingFiles {
  private next = 1;
  private readonly waiting = new Map<number, { sessionKey: number; then: Continuation }>();

  /** Asks for `request` (its id is filled in here); `then` runs with the result, unless the session ended. */
  ask(ctx: Ctx, sessionKey: number, request: DistributiveOmit<Extract<FileRequest, { id: number }>, 'id'>, then: Continuation): void {
    const id = this.next++;
    this.waiting.set(id, { sessionKey, then });
    ctx.out.push({ type: 'file', request: { ...request, id } as FileRequest });
  }

  take(id: number): { sessionKey: number; then: Continuation } | undefined {
    const entry = this.waiting.get(id);
    this.waiting.delete(id);
    return entry;
  }

  /** Forgets what a session was waiting for (the results are then ignored). */
  forget(sessionKey: number): void {
    for (const [id, entry] of this.waiting) if (entry.sessionKey === sessionKey) this.waiting.delete(id);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface Ctx extends SessionCtx<ClientConfig, ClientOutput> {
  readonly files: PendingFiles;
}

/** A log line in a session's context: group ID, instance and current file, as the real client's lines. */
export function glog(ctx: Ctx, session: { groupId: number; groupInst: number; fileId: number }, level: number, message: string): void {
  ctx.out.push({ type: 'log', level, message, groupId: session.groupId, groupInst: session.groupInst, fileId: session.fileId || undefined });
}
