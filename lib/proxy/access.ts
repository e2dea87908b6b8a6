// Access lists: -C (which clients a client proxy serves, and with which key) and -S (which servers are
// served, from which address, with which key), and the SSM address ranges -S requires.
import type { ClientListEntry, ServerListEntry } from './types';

export function clientAllowed(list: ClientListEntry[] | undefined, id: number): boolean {
  return list === undefined || list.some((e) => e.id >>> 0 === id >>> 0);
}

/** The fingerprint a listed client's key must have; undefined when any key will do (or no list). */
export function clientFingerprint(list: ClientListEntry[] | undefined, id: number): string | undefined {
  return list?.find((e) => e.id >>> 0 === id >>> 0)?.fingerprint;
}

/**
 * The -S entry that admits a server, or null when it is refused. Without a list every server is admitted
 * (undefined). `address` is checked only where the ANNOUNCE comes straight from the server.
 */
export function serverEntry(
  list: ServerListEntry[] | undefined,
  id: number,
  address: string | undefined,
): ServerListEntry | undefined | null {
  if (list === undefined) return undefined;
  const entry = list.find((e) => e.id >>> 0 === id >>> 0 && (address === undefined || sameAddress(e.address, address)));
  return entry ?? null;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function sameFingerprint(a: string, b: string): boolean {
  return a.replace(/:/g, '').toUpperCase() === b.replace(/:/g, '').toUpperCase();
}

/** Source-specific multicast ranges: 232.0.0.0/8 and ff3x::/32 (any scope). */
export function isSsmAddress(address: string): boolean {
  if (address.includes(':')) return /^ff3[0-9a-f]:/i.test(address);
  return address.split('.', 1)[0] === '232';
}
