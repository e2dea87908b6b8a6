// The -C client list and -S server list files of uftpproxyd(1), parsed strictly:
//   -C:  ID[|FINGERPRINT]            e.g. 0x00001111|66:1E:...:BC   or   0x00002222
//   -S:  ID|IP[|FINGERPRINT]         e.g. 0x11112222|192.168.1.101|66:1E:...:BC
// An ID is 0xNNNNNNNN or an IP address. Blank lines and lines starting with '#' are skipped.
// Every error names the file and the line.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hexId } from '../../proxy/drop';
import type { ClientListEntry, ServerListEntry } from '../../proxy/types';
import { parseUid } from '../common/addresses';
import { UsageError } from '../exit';
import { parseFingerprint } from './options';

interface Line {
  number: number;
  fields: string[];
}

function readLines(opt: string, path: string): { where: (n: number) => string; lines: Line[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`-${opt}: couldn't open list ${path}: ${(err as Error).message}`);
  }
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    lines.push({ number: i + 1, fields: line.split('|').map((f) => f.trim()) });
  });
  return { where: (n) => `-${opt} ${path} line ${n}`, lines };
}

function parseId(where: string, text: string): number {
  try {
    return parseUid('?', text);
  } catch {
    throw new UsageError(`${where}: invalid ID '${text}': want 0xNNNNNNNN or an IP address`);
  }
}

function noDuplicates<T extends { id: number }>(entries: T[], lines: Line[], where: (n: number) => string): T[] {
  const seen = new Set<number>();
  entries.forEach((e, i) => {
    if (seen.has(e.id)) throw new UsageError(`${where(lines[i].number)}: ID ${hexId(e.id)} listed twice`);
    seen.add(e.id);
  });
  return entries;
}

export function readClientList(path: string): ClientListEntry[] {
  const { where, lines } = readLines('C', path);
  const entries = lines.map(({ number, fields }) => {
    if (fields.length > 2) throw new UsageError(`${where(number)}: too many fields: want ID[|fingerprint]`);
    const entry: ClientListEntry = { id: parseId(where(number), fields[0]) };
    if (fields.length === 2) entry.fingerprint = parseFingerprint(where(number), fields[1]);
    return entry;
  });
  return noDuplicates(entries, lines, where);
}

export function readServerList(path: string): ServerListEntry[] {
  const { where, lines } = readLines('S', path);
  const entries = lines.map(({ number, fields }) => {
    if (fields.length < 2 || fields.length > 3) throw new UsageError(`${where(number)}: want ID|IP[|fingerprint]`);
    const address = fields[1];
    if (isIP(address) === 0) throw new UsageError(`${where(number)}: invalid IP address '${address}'`);
    const entry: ServerListEntry = { id: parseId(where(number), fields[0]), address };
    if (fields.length === 3) entry.fingerprint = parseFingerprint(where(number), fields[2]);
    return entry;
  });
  return noDuplicates(entries, lines, where);
}
