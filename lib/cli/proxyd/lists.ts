// The -C client list and -S server list files of uftpproxyd(1), every file's entries adding up:
//   -C:  ID[|FINGERPRINT]            e.g. 0x00001111|66:1E:...:BC   or   0x00002222
//   -S:  ID|ADDRESS[|FINGERPRINT]    e.g. 0x11112222|192.168.1.101|66:1E:...:BC
// An ID is hex as -U's (with or without 0x) or an IP address. The -S reading (host names, one ID on
// several addresses) is common/server-lists.ts's, shared with uftpd; the line format is common/lists.ts's.
import type { Family } from '../../net';
import { hexId } from '../../session/drop';
import type { ClientListEntry, ServerListEntry } from '../../proxy/types';
import { parseUid } from '../common/addresses';
import { parseFingerprint } from '../common/fingerprint';
import { listId, noDuplicates, readListLines } from '../common/lists';
import { readServerLists as readLists } from '../common/server-lists';
import { UsageError } from '../exit';

const ID_FORM = { parse: (text: string): number => parseUid('?', text), text: '0xNNNNNNNN, NNNNNNNN or an IP address' };

export function readClientLists(paths: string[]): ClientListEntry[] {
  const lines = paths.flatMap((path) => readListLines('C', path));
  const entries = lines.map((line) => {
    if (line.fields.length > 2) throw new UsageError(`${line.where}: too many fields: want ID[|fingerprint]`);
    const entry: ClientListEntry = { id: listId(line, ID_FORM.parse, ID_FORM.text) };
    if (line.fields.length === 2) entry.fingerprint = parseFingerprint(line.where, line.fields[1]);
    return { line, entry };
  });
  noDuplicates(entries, (e) => e.line.where, (e) => String(e.entry.id), (e) => `ID ${hexId(e.entry.id)}`);
  return entries.map((e) => e.entry);
}

/** Every -S file's servers, the addresses resolved in `family` ('any' where the socket takes both). */
export function readServerLists(paths: string[], family: Family | 'any'): Promise<ServerListEntry[]> {
  return readLists(paths, family, ID_FORM);
}
