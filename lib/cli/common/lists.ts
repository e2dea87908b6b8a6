// The list files of the daemons (uftpproxyd -C and -S, uftpd -S): one entry a line, fields separated
// by '|' and trimmed; blank lines and lines whose first non-blank character is '#' are skipped.
// Every error is a UsageError naming the option, the file and the line.
import { readFileSync } from 'node:fs';
import { UsageError } from '../exit';
import { parseFingerprint } from './fingerprint';

export interface ListLine {
  /** "-S /etc/uftp/servers line 3", the prefix of every error about this line. */
  where: string;
  fields: string[];
}

/** One server of a -S list as written: the ID, the address field (unresolved) and the fingerprint. */
export interface ServerLine {
  line: ListLine;
  id: number;
  host: string;
  fingerprint?: string;
}

export function readListLines(opt: string, path: string): ListLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`-${opt}: couldn't open list ${path}: ${(err as Error).message}`);
  }
  const lines: ListLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    lines.push({ where: `-${opt} ${path} line ${i + 1}`, fields: line.split('|').map((f) => f.trim()) });
  });
  return lines;
}

/** The ID field read by `parse`; its error is replaced by one naming the line. */
export function listId(line: ListLine, parse: (text: string) => number, want: string): number {
  const text = line.fields[0];
  try {
    return parse(text);
  } catch {
    throw new UsageError(`${line.where}: invalid ID '${text}': want ${want}`);
  }
}

/** Lines of the form ID|ADDRESS[|FINGERPRINT] (both programs' -S). */
export function serverLines(lines: ListLine[], parseId: (text: string) => number, idForm: string): ServerLine[] {
  return lines.map((line) => {
    const { fields, where } = line;
    if (fields.length < 2 || fields.length > 3) throw new UsageError(`${where}: want ID|IP[|fingerprint]`);
    if (fields[1] === '') throw new UsageError(`${where}: empty address`);
    const entry: ServerLine = { line, id: listId(line, parseId, idForm), host: fields[1] };
    if (fields.length === 3) entry.fingerprint = parseFingerprint(where, fields[2]);
    return entry;
  });
}

/** Refuses the second line whose key was seen before; `what` says what was repeated. */
export function noDuplicates<T>(items: T[], where: (item: T) => string, key: (item: T) => string, what: (item: T) => string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) throw new UsageError(`${where(item)}: ${what(item)} listed twice`);
    seen.add(k);
  }
}
