// What the handlers of one input share: the machine's configuration, the time, and the outputs gathered
// so far; and the small helpers that add to them. A machine's own outputs may be wider than SessionOutput
// (the client's file operations, say): helpers only need somewhere to push the common ones.
import type { Clock, Endpoint, SessionOutput } from './types';

export interface OutputSink {
  push(...items: SessionOutput[]): number;
}

export interface Ctx<C, O = SessionOutput> {
  readonly config: C;
  readonly clock: Clock;
  readonly out: O[];
}

type AnyCtx = { readonly out: OutputSink };

export function send(ctx: AnyCtx, data: Uint8Array, to: Endpoint): void {
  ctx.out.push({ type: 'send', data, to });
}

/** Which session a line is about: a group ID, or the group with its instance (shown as "[GROUPID/II:...]"). */
export type GroupRef = number | { readonly groupId: number; readonly groupInst: number };

export function groupFields(group: GroupRef | undefined): { groupId?: number; groupInst?: number } {
  if (group === undefined || typeof group === 'number') return { groupId: group };
  return { groupId: group.groupId, groupInst: group.groupInst };
}

export function log(ctx: AnyCtx, level: number, message: string, group?: GroupRef, fileId?: number): void {
  ctx.out.push({ type: 'log', level, message, ...groupFields(group), fileId });
}

export function count(ctx: AnyCtx, name: string, by?: number): void {
  ctx.out.push(by === undefined ? { type: 'count', name } : { type: 'count', name, by });
}
