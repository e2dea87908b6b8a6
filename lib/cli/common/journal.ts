// Under systemd's journal a line on stderr may open with its syslog priority, "<N>", which journald takes
// off and stores, so that `journalctl -p` can filter. systemd sets JOURNAL_STREAM to "<dev>:<ino>" of the
// stream it gave us; the prefixes go out only while fd 2 is still that stream (not when stderr was
// redirected to a file or a terminal in between, nor in a child whose stderr is a log file).
import { fstatSync } from 'node:fs';

/**
 * The -x level of a line -> its syslog priority. The levels are verbosity, not severity, so the mapping
 * follows what each level carries in practice:
 *   0 errors (the lines every -x shows)              -> 3 err
 *   1 warnings                                       -> 4 warning
 *   2 the normal account of sessions (the default)   -> 5 notice
 *   3 more detail                                    -> 6 info
 *   4, 5 debugging                                   -> 7 debug
 * Lines shown at level 0 that are no errors (the version banner, loaded keys, -F @LOG status records) are
 * written as notices (Logger.notice / Logger.bare).
 */
export function journalPriority(level: number): number {
  return PRIORITY_OF_LEVEL[Math.min(5, Math.max(0, Math.trunc(level)))];
}

const PRIORITY_OF_LEVEL = [3, 4, 5, 6, 7, 7];

export const NOTICE_PRIORITY = 5;
export const ERROR_PRIORITY = 3;

/** `text` with "<priority>" before each of its lines (journald splits a write into lines). */
export function withPriority(priority: number, text: string): string {
  return text.replace(/^(?=[^\n])/gm, `<${priority}>`);
}

/** JOURNAL_STREAM's "<dev>:<ino>", both decimal; undefined when it is not that. */
export function parseJournalStream(value: string | undefined): { dev: bigint; ino: bigint } | undefined {
  const m = /^(\d+):(\d+)$/.exec(value ?? '');
  return m ? { dev: BigInt(m[1]), ino: BigInt(m[2]) } : undefined;
}

/** True when `fd` (stderr by default) is the journal stream that JOURNAL_STREAM names. */
export function isJournalStream(value: string | undefined, fd = 2): boolean {
  const wanted = parseJournalStream(value);
  if (wanted === undefined) return false;
  try {
    const st = fstatSync(fd, { bigint: true });
    return st.dev === wanted.dev && st.ino === wanted.ino;
  } catch {
    return false; // no fd 2 at all: nothing to prefix
  }
}
