// Dropping a datagram is never silent: a log line at debug level and a counter named after the reason.
import type { ProxyOutput } from './types';

export type DropReason =
  | 'malformed' // does not decode
  | 'version' // not UFTP 4
  | 'unknown-group' // no session for its group
  | 'unexpected' // a message this mode or direction does not take
  | 'access' // refused by -C / -S
  | 'crypto' // does not authenticate or decrypt
  | 'replay' // an IV counter seen before
  | 'heartbeat'; // a heartbeat refused

export function dropped(
  out: ProxyOutput[],
  reason: DropReason,
  message: string,
  groupId?: number,
  level = 4,
): ProxyOutput[] {
  out.push({ type: 'log', level, message: `Dropped: ${message}`, groupId }, { type: 'count', name: `drop.${reason}` });
  return out;
}

export function hexId(id: number): string {
  return `0x${(id >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}
