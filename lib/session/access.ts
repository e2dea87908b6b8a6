// Which servers a session may come from (-S lists of the client and the proxy), key fingerprints compared,
// and the source-specific multicast ranges -S requires.
import type { ServerListEntry } from './types';

/**
 * The -S entry that admits a server, or null when it is refused. Without a list every server is admitted
 * (undefined). `address` is checked only where the ANNOUNCE comes straight from the server (a client proxy
 * hears it from a server proxy; a client behind a proxy lists the proxy's address).
 */
export function serverEntry(
  list: readonly ServerListEntry[] | undefined,
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
