// The closed group (-H ids or -H @file) and the expected proxies (-j file) of uftp. A file has one host a
// line, ID[|FINGERPRINT], in the line format shared with the daemons' lists (common/lists.ts: fields
// trimmed, blank and '#' lines skipped); IDs are read as on the command line (host-ids.ts). Host names
// are looked up once here, IPv4 only: such an ID is a client's IPv4 address.
import { isIP } from 'node:net';
import type { ListedHost } from '../../server/types';
import { addressTail32, resolveHost } from '../common/addresses';
import { parseFingerprint } from '../common/fingerprint';
import { noDuplicates, readListLines } from '../common/lists';
import { UsageError } from '../exit';
import { parseHostRef, type HostRef } from './host-ids';

export type { ListedHost } from '../../server/types';

interface Entry {
  where: string;
  ref: HostRef;
  fingerprint?: string;
}

async function idOf(where: string, ref: HostRef): Promise<number> {
  if ('id' in ref) return ref.id;
  let address: string;
  try {
    address = await resolveHost('H', ref.host, 4);
  } catch (err) {
    throw new UsageError(`${where}: ${(err as Error).message.replace(/^-H: /, '')}`);
  }
  if (isIP(address) !== 4) throw new UsageError(`${where}: ${ref.host} has no IPv4 address to use as its ID`);
  const id = addressTail32(address);
  if (id === 0 || id === 0xffffffff) throw new UsageError(`${where}: ${ref.host} (${address}) would be a reserved ID`);
  return id;
}

function fileEntries(opt: string, path: string): Entry[] {
  return readListLines(opt, path).map(({ where, fields }) => {
    if (fields.length > 2) throw new UsageError(`${where}: want ID[|fingerprint]`);
    const entry: Entry = { where, ref: parseHostRef(where, fields[0]) };
    if (fields.length === 2) entry.fingerprint = parseFingerprint(where, fields[1]);
    return entry;
  });
}

async function resolveEntries(entries: Entry[], what: string): Promise<ListedHost[]> {
  const hosts = await Promise.all(
    entries.map(async (e) => {
      const host: ListedHost = { id: await idOf(e.where, e.ref), name: 'id' in e.ref ? e.ref.text : e.ref.host };
      if (e.fingerprint !== undefined) host.fingerprint = e.fingerprint;
      return { where: e.where, host };
    }),
  );
  noDuplicates(hosts, (h) => h.where, (h) => String(h.host.id), (h) => `${what} 0x${h.host.id.toString(16).toUpperCase().padStart(8, '0')}`);
  return hosts.map((h) => h.host);
}

/**
 * -H: the items of every -H, then the lines of every -H @file. An empty result is refused: the real
 * uftp takes `-H ""` or an empty file as no -H at all, an open group, the opposite of what was asked.
 */
export async function readClosedGroup(refs: HostRef[], files: string[]): Promise<ListedHost[]> {
  const entries: Entry[] = refs.map((ref) => ({ where: '-H', ref }));
  for (const file of files) entries.push(...fileEntries('H', file));
  if (entries.length === 0) throw new UsageError(`-H: ${files.join(', ')}: no clients listed`);
  return resolveEntries(entries, 'client');
}

/** -j: the proxies expected to answer for their clients. */
export async function readProxyList(path: string): Promise<ListedHost[]> {
  const entries = fileEntries('j', path);
  if (entries.length === 0) throw new UsageError(`-j: ${path}: no proxies listed`);
  return resolveEntries(entries, 'proxy');
}
