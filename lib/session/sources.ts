// A public group's source filter changing on a reload (-S re-read): the joins and leaves that move it from the
// old list of sources to the new one (undefined = any source). Only the difference is joined and left, so a
// source in both lists never drops out, even for an instant; a running session's own memberships are its own.
// The daemon counts memberships per source: a source listed twice was joined twice and is left twice.
import type { SessionOutput } from './types';

type Membership = Extract<SessionOutput, { type: 'join' | 'leave' }>;

export function moveSources(group: string, old: readonly string[] | undefined, next: readonly string[] | undefined): Membership[] {
  if (old === undefined || next === undefined) {
    if (old === next) return [];
    const join: Membership = next ? { type: 'join', group, sources: [...next] } : { type: 'join', group };
    const leave: Membership = old ? { type: 'leave', group, sources: [...old] } : { type: 'leave', group };
    return [join, leave];
  }
  const added = next.filter((s) => !old.includes(s));
  const removed = old.filter((s) => !next.includes(s));
  const out: Membership[] = [];
  if (added.length > 0) out.push({ type: 'join', group, sources: added });
  if (removed.length > 0) out.push({ type: 'leave', group, sources: removed });
  return out;
}
