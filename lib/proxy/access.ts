// Access lists of the proxy: -C (which clients a client proxy serves, and with which key); the -S server
// list rules are shared with the client (lib/session/access.ts).
import type { ClientListEntry } from './types';

export function clientAllowed(list: ClientListEntry[] | undefined, id: number): boolean {
  return list === undefined || list.some((e) => e.id >>> 0 === id >>> 0);
}

/** The fingerprint a listed client's key must have; undefined when any key will do (or no list). */
export function clientFingerprint(list: ClientListEntry[] | undefined, id: number): string | undefined {
  return list?.find((e) => e.id >>> 0 === id >>> 0)?.fingerprint;
}
