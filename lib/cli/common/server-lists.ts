// The -S server list files of uftpd and uftpproxyd: lines ID|ADDRESS[|FINGERPRINT], e.g.
//   0x11112222|192.168.1.101|66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC
//   0x11113333|fe80::213:72ff:fed6:69ca
// The address may be a host name, looked up once with the system resolver (getaddrinfo), as the real
// programs do; one ID may appear on several lines with different addresses (a server reachable over IPv4
// and IPv6), and several IDs may share an address (servers behind one client proxy). Every file's entries
// count. The ID's form is the program's (`parseId`).
import { isIP } from 'node:net';
import type { Family } from '../../net';
import { hexId } from '../../session/drop';
import type { ServerListEntry } from '../../session/types';
import { resolveHost } from './addresses';
import { noDuplicates, readListLines, serverLines, type ServerLine } from './lists';
import { UsageError } from '../exit';

export interface IdForm {
  parse: (text: string) => number;
  /** What a valid ID looks like, for the error of a line whose ID is not one. */
  text: string;
}

/** The line's address: a literal of an allowed family, else the name looked up. */
async function addressOf(line: ServerLine, family: Family | 'any'): Promise<string> {
  const { host, line: { where } } = line;
  if (isIP(host) !== 0 && family !== 'any' && isIP(host) !== family) {
    throw new UsageError(`${where}: '${host}' is not an IPv${family} address (every -M group is IPv${family})`);
  }
  try {
    return await resolveHost('S', host, family);
  } catch (err) {
    throw new UsageError(`${where}: ${(err as Error).message.replace(/^-S: /, '')}`);
  }
}

/** Reads every -S file and resolves the addresses in `family` ('any' where the socket takes both). */
export async function readServerLists(paths: string[], family: Family | 'any', id: IdForm): Promise<ServerListEntry[]> {
  const lines = paths.flatMap((path) => serverLines(readListLines('S', path), id.parse, id.text));
  // The real programs take a list without entries as no list at all, which lets every server in: refused.
  if (lines.length === 0) throw new UsageError(`-S: ${paths.join(', ')}: no servers listed`);
  const entries = await Promise.all(
    lines.map(async (line) => {
      const entry: ServerListEntry = { id: line.id, address: await addressOf(line, family) };
      if (line.fingerprint !== undefined) entry.fingerprint = line.fingerprint;
      return { where: line.line.where, entry };
    }),
  );
  noDuplicates(
    entries,
    (e) => e.where,
    (e) => `${e.entry.id}|${e.entry.address}`,
    (e) => `server ${hexId(e.entry.id)} at ${e.entry.address}`,
  );
  return entries.map((e) => e.entry);
}
