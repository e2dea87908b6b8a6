// Dropping a datagram is never silent: a log line at debug level and a counter named after the reason.
import { groupFields, type GroupRef, type OutputSink } from './context';

export const DROP_REASONS = [
  'malformed', // does not decode
  'version', // not UFTP 4
  'unknown-group', // no session for its group
  'unexpected', // a message this mode, phase or direction does not take
  'access', // refused by -C / -S / a closed group
  'crypto', // does not authenticate or decrypt
  'replay', // an IV counter or sequence number seen before
  'heartbeat', // a heartbeat refused
  'limit', // a resource limit (sessions, memory) reached
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export function dropped<T extends OutputSink>(
  out: T,
  reason: DropReason,
  message: string,
  group?: GroupRef,
  level = 4,
): T {
  return droppedWithLine(out, reason, `Dropped: ${message}`, group, level);
}

/** dropped() with the line as given: where the real programs have a line of their own for the drop. */
export function droppedWithLine<T extends OutputSink>(out: T, reason: DropReason, line: string, group?: GroupRef, level = 4): T {
  out.push({ type: 'log', level, message: line, ...groupFields(group), drop: reason }, { type: 'count', name: `drop.${reason}` });
  return out;
}

export function hexId(id: number): string {
  return `0x${(id >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}
