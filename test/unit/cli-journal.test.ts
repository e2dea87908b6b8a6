// Syslog priorities on stderr under systemd's journal: the -x level mapping, the prefixes on every line
// of a write, and the JOURNAL_STREAM check against a real descriptor's device and inode.
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { isJournalStream, journalPriority, parseJournalStream, withPriority } from '../../lib/cli/common/journal';
import { Logger } from '../../lib/cli/common/log';

describe('priorities', () => {
  test('-x levels: 0 err, 1 warning, 2 notice, 3 info, 4 and 5 debug (clamped beyond)', () => {
    expect([-1, 0, 1, 2, 3, 4, 5, 9].map(journalPriority)).toEqual([3, 3, 4, 5, 6, 7, 7, 7]);
  });

  test('every line of a write gets the prefix (journald splits writes into lines)', () => {
    expect(withPriority(3, 'Internal error: boom\n    at f (x.js:1)\n')).toBe('<3>Internal error: boom\n<3>    at f (x.js:1)\n');
    expect(withPriority(5, 'one\n')).toBe('<5>one\n');
    expect(withPriority(6, '')).toBe('');
  });
});

describe('JOURNAL_STREAM', () => {
  let dir: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-'));
    fd = openSync(join(dir, 'stderr'), 'w');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('"<dev>:<ino>" in decimal', () => {
    expect(parseJournalStream('8:1234')).toEqual({ dev: 8n, ino: 1234n });
    expect(parseJournalStream('18446744073709551615:1')).toEqual({ dev: 18446744073709551615n, ino: 1n });
    for (const bad of [undefined, '', '8', '8:', ':1', '8:1:2', 'a:b', ' 8:1', '0x8:1']) expect(parseJournalStream(bad)).toBeUndefined();
  });

  test('matches only the descriptor it names', () => {
    const st = fstatSync(fd, { bigint: true });
    expect(isJournalStream(`${st.dev}:${st.ino}`, fd)).toBe(true);
    expect(isJournalStream(`${st.dev}:${st.ino + 1n}`, fd)).toBe(false);
    expect(isJournalStream(`${st.dev + 1n}:${st.ino}`, fd)).toBe(false);
    expect(isJournalStream(undefined, fd)).toBe(false);
    expect(isJournalStream(`${st.dev}:${st.ino}`, 987654)).toBe(false); // no such descriptor
  });
});

describe('Logger with priorities', () => {
  async function lines(priorities: boolean | undefined): Promise<string[]> {
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger = new Logger({ level: 5, to: { stream }, priorities });
    for (let level = 0; level <= 5; level++) logger.log(level, `level ${level}`);
    logger.notice('uftp-ts uftpd, UFTP version 4.10.2 compatible');
    logger.bare(0, 'RESULT;2026/12/04-10:11:15;0A0B0C01;1F2E3D4C;f;1KB;copied');
    await logger.close();
    return text.split('\n').filter(Boolean);
  }

  test('each line opens with its priority; banner and -F @LOG records are notices, not errors', async () => {
    const got = await lines(true);
    expect(got.map((l) => l.slice(0, 3))).toEqual(['<3>', '<4>', '<5>', '<6>', '<7>', '<7>', '<5>', '<5>']);
    expect(got[0]).toMatch(/^<3>\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}: level 0$/);
    expect(got[7]).toBe('<5>RESULT;2026/12/04-10:11:15;0A0B0C01;1F2E3D4C;f;1KB;copied');
  });

  test('without them, lines are as before', async () => {
    const got = await lines(undefined);
    expect(got.some((l) => l.startsWith('<'))).toBe(false);
    expect(got[6]).toMatch(/: uftp-ts uftpd, UFTP version 4\.10\.2 compatible$/);
  });
});
