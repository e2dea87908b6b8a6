// The log line format of the real programs, level filtering (-x), and rolling (-g / -n).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Logger } from '../../lib/cli/common/log';
import { RotatingLogFile, LogFileError } from '../../lib/cli/common/log-file';
import { formatContext, formatLogLine, formatTimestamp } from '../../lib/cli/common/log-format';

// A line the real uftpproxyd 4.10.2 wrote at -x 5 in the lab.
const REAL_LINE = '2026/11/22 00:39:37.545992: [1FF48C08/00:0001]: Received FILEINFO_ACK from 0xC6120105';
const LINE_SHAPE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}: (\[[0-9A-F]{8}\/[0-9A-F]{2}:(0|[0-9A-F]{4})\]: )?/;

describe('log format', () => {
  it('local time with microseconds, as "YYYY/MM/DD HH:MM:SS.uuuuuu"', () => {
    const t = new Date(2026, 10, 22, 0, 39, 37, 545).getTime() + 0.992;
    expect(formatTimestamp(t)).toBe('2026/11/22 00:39:37.545992');
    expect(formatTimestamp(new Date(2026, 0, 2, 3, 4, 5, 0).getTime())).toBe('2026/01/02 03:04:05.000000');
  });

  it('session lines carry [group/instance:file], the file as "0" when there is none', () => {
    expect(formatContext({ groupId: 0x1ff48c08, fileId: 1 })).toBe('[1FF48C08/00:0001]: ');
    expect(formatContext({ groupId: 0x1ff48c08 })).toBe('[1FF48C08/00:0]: ');
    expect(formatContext({ groupId: 0xfedcba98, groupInst: 0x1a, fileId: 0xbeef })).toBe('[FEDCBA98/1A:BEEF]: ');
  });

  it('a whole line has the real one\'s shape', () => {
    const t = new Date(2026, 10, 22, 0, 39, 37, 545).getTime() + 0.992;
    expect(formatLogLine(t, 'Received FILEINFO_ACK from 0xC6120105', { groupId: 0x1ff48c08, fileId: 1 })).toBe(`${REAL_LINE}\n`);
    expect(formatLogLine(t, 'Exiting on signal 15')).toBe('2026/11/22 00:39:37.545992: Exiting on signal 15\n');
    expect(REAL_LINE).toMatch(LINE_SHAPE);
  });
});

function collect(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('Logger', () => {
  it('bare lines (uftpd -F @LOG) have no timestamp nor prefix, and still obey the level', async () => {
    const out = collect();
    const logger = new Logger({ level: 1, to: { stream: out.stream } });
    logger.log(1, 'before');
    logger.bare(0, 'CONNECT;2026/12/04-14:55:48;C6120001;8D33E99E;198.18.0.1;198.18.0.1');
    logger.bare(2, 'not at -x 1');
    await logger.close();
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(LINE_SHAPE);
    expect(lines[1]).toBe('CONNECT;2026/12/04-14:55:48;C6120001;8D33E99E;198.18.0.1;198.18.0.1');
  });

  it('writes lines at or below its level (-x) through winston, and nothing above', async () => {
    const out = collect();
    const logger = new Logger({ level: 2, to: { stream: out.stream } });
    for (let level = 0; level <= 5; level++) logger.log(level, `level ${level}`);
    logger.log(1, 'in a session', { groupId: 0xabc, fileId: 2 });
    expect(logger.enabled(2)).toBe(true);
    expect(logger.enabled(3)).toBe(false);
    await logger.close();
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines.map((l) => l.replace(LINE_SHAPE, ''))).toEqual(['level 0', 'level 1', 'level 2', 'in a session']);
    expect(lines[3]).toContain(': [00000ABC/00:0002]: in a session');
    for (const l of lines) expect(l).toMatch(LINE_SHAPE);
  });

  describe('to a file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'cli-log-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('appends to an existing log file', async () => {
      const path = join(dir, 'p.log');
      writeFileSync(path, 'old line\n');
      const logger = new Logger({ level: 5, to: { file: path, maxCount: 5 } });
      logger.log(5, 'new line');
      await logger.close();
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(lines[0]).toBe('old line');
      expect(lines[1]).toMatch(/: new line$/);
    });

    it('rolls at the size: file -> file.1 -> file.2, and deletes archives past the count', () => {
      const path = join(dir, 'p.log');
      const file = new RotatingLogFile(path, { maxBytes: 100, maxCount: 2 });
      const line = (n: number): string => `${String(n).padStart(49, '.')}\n`; // 50 bytes
      for (let n = 1; n <= 7; n++) file.write(line(n));
      file.close();
      // Rolled after lines 2, 4 and 6: file.1 = 5-6, file.2 = 3-4, lines 1-2 are gone.
      expect(readFileSync(path, 'utf8')).toBe(line(7));
      expect(readFileSync(`${path}.1`, 'utf8')).toBe(line(5) + line(6));
      expect(readFileSync(`${path}.2`, 'utf8')).toBe(line(3) + line(4));
      expect(existsSync(`${path}.3`)).toBe(false);
    });

    it('never rolls without a size', () => {
      const path = join(dir, 'p.log');
      const file = new RotatingLogFile(path, { maxCount: 1 });
      for (let n = 0; n < 100; n++) file.write('x'.repeat(1000));
      file.close();
      expect(readFileSync(path, 'utf8').length).toBe(100_000);
      expect(existsSync(`${path}.1`)).toBe(false);
    });

    it('a log file that cannot be opened is a LogFileError naming it', () => {
      const path = join(dir, 'missing-dir', 'p.log');
      expect(() => new Logger({ level: 2, to: { file: path, maxCount: 5 } })).toThrow(LogFileError);
      expect(() => new RotatingLogFile(path, { maxCount: 5 })).toThrow(`cannot open log file ${path}`);
    });

    it('a roll that fails is reported through onError, not thrown at the caller', async () => {
      const path = join(dir, 'sub', 'p.log');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'sub'));
      const errors: Error[] = [];
      const logger = new Logger({ level: 2, to: { file: path, maxBytes: 10, maxCount: 1 }, onError: (e) => errors.push(e) });
      rmSync(join(dir, 'sub'), { recursive: true }); // the rename to p.log.1 now fails
      expect(() => logger.log(0, 'long enough to roll')).not.toThrow();
      await logger.close();
      expect(errors.map((e) => e.message)).toEqual([expect.stringContaining(`cannot roll log file ${path}`)]);
    });
  });
});
