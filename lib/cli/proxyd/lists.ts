// The -C client list and -S server list files of uftpproxyd(1), parsed strictly:
//   -C:  ID[|FINGERPRINT]            e.g. 0x00001111|66:1E:...:BC   or   0x00002222
//   -S:  ID|IP[|FINGERPRINT]         e.g. 0x11112222|192.168.1.101|66:1E:...:BC
// An ID is 0xNNNNNNNN or an IP address. The line format (comments, blank lines, errors naming the file
// and the line) is common/lists.ts's, shared with uftpd.
import { isIP } from 'node:net';
import { hexId } from '../../session/drop';
import type { ClientListEntry, ServerListEntry } from '../../proxy/types';
import { parseUid } from '../common/addresses';
import { parseFingerprint } from '../common/fingerprint';
import { listId, noDuplicates, readListLines, serverLines } from '../common/lists';
import { UsageError } from '../exit';

const ID_FORM = '0xNNNNNNNN or an IP address';
const parseId = (text: string): number => parseUid('?', text);

export function readClientList(path: string): ClientListEntry[] {
  const lines = readListLines('C', path);
  const entries = lines.map((line) => {
    if (line.fields.length > 2) throw new UsageError(`${line.where}: too many fields: want ID[|fingerprint]`);
    const entry: ClientListEntry = { id: listId(line, parseId, ID_FORM) };
    if (line.fields.length === 2) entry.fingerprint = parseFingerprint(line.where, line.fields[1]);
    return { line, entry };
  });
  noDuplicates(entries, (e) => e.line.where, (e) => String(e.entry.id), (e) => `ID ${hexId(e.entry.id)}`);
  return entries.map((e) => e.entry);
}

export function readServerList(path: string): ServerListEntry[] {
  const lines = serverLines(readListLines('S', path), parseId, ID_FORM);
  for (const { line, host } of lines) {
    if (isIP(host) === 0) throw new UsageError(`${line.where}: invalid IP address '${host}'`);
  }
  noDuplicates(lines, (l) => l.line.where, (l) => String(l.id), (l) => `ID ${hexId(l.id)}`);
  return lines.map(({ id, host, fingerprint }) => (fingerprint === undefined ? { id, address: host } : { id, address: host, fingerprint }));
}
