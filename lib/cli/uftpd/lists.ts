// The -S server list files of uftpd(1): lines ID|ADDRESS[|FINGERPRINT], e.g.
//   0x11112222|192.168.1.101|66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC
//   0x11113333|fe80::213:72ff:fed6:69ca
// The line format is common/lists.ts's (shared with uftpproxyd). Here: the ID is hex as -U's; the
// address may be a host name, looked up once at start-up with the system resolver (getaddrinfo), as
// the real uftpd does; one ID may appear on several lines with different addresses (a server
// reachable over IPv4 and IPv6), and several IDs may share an address (servers behind one client proxy).
import { isIP } from 'node:net';
import type { Family } from '../../net';
import { hexId } from '../../session/drop';
import type { ServerListEntry } from '../../session/types';
import { parseHexId, resolveHost } from '../common/addresses';
import { noDuplicates, readListLines, serverLines, type ServerLine } from '../common/lists';
import { UsageError } from '../exit';

const ID_FORM = '1-8 hex digits (0xNNNNNNNN or NNNNNNNN), not 0 or 0xFFFFFFFF';
const parseId = (text: string): number => parseHexId('-S', 'server ID', text);

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

/**
 * Reads every -S file (their entries add up, as the real uftpd's do) and resolves the addresses in
 * `family` ('any' when the client listens on IPv6, whose socket also takes IPv4).
 */
export async function readServerLists(paths: string[], family: Family | 'any'): Promise<ServerListEntry[]> {
  const lines = paths.flatMap((path) => serverLines(readListLines('S', path), parseId, ID_FORM));
  // The real uftpd takes a list without entries as no list at all, which lets every server in: refused.
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
