import { DROP_LINES_PER_WINDOW, DROP_WINDOW_MS, LogLines } from '../../lib/runtime/log-lines';
import type { LogContext } from '../../lib/runtime/log-sink';
import { dropped } from '../../lib/session/drop';
import type { SessionOutput } from '../../lib/session/types';

function setUp() {
  const lines: Array<{ level: number; text: string; ctx?: LogContext }> = [];
  let now = 0;
  const logLines = new LogLines({ log: (level, text, ctx) => lines.push({ level, text, ctx }) }, () => now);
  const drop = (reason: 'crypto' | 'malformed', level = 1): void => {
    const out: SessionOutput[] = [];
    dropped(out, reason, 'bad packet', 0x1234, level);
    for (const o of out) if (o.type === 'log') logLines.write(o);
  };
  return { lines, logLines, drop, advance: (ms: number) => (now += ms) };
}

describe('LogLines', () => {
  it('passes ordinary lines through with their session context', () => {
    const { lines, logLines } = setUp();
    logLines.write({ level: 2, message: 'hello', groupId: 7, fileId: 3 });
    logLines.write({ level: 0, message: 'bare' });
    expect(lines).toEqual([
      { level: 2, text: 'hello', ctx: { groupId: 7, groupInst: undefined, fileId: 3 } },
      { level: 0, text: 'bare', ctx: undefined },
    ]);
  });

  it('thins a flood of drops to a few lines and one count per window', () => {
    const { lines, logLines, drop, advance } = setUp();
    for (let i = 0; i < 20_000; i++) drop('crypto');
    expect(lines).toHaveLength(DROP_LINES_PER_WINDOW);
    expect(lines.every((l) => l.text === 'Dropped: bad packet' && l.ctx?.groupId === 0x1234)).toBe(true);
    advance(DROP_WINDOW_MS);
    drop('crypto');
    expect(lines[DROP_LINES_PER_WINDOW]).toEqual({
      level: 1,
      text: `Dropped ${20_000 - DROP_LINES_PER_WINDOW} more datagrams (crypto) in 10 s without a line each`,
      ctx: undefined,
    });
    expect(lines[DROP_LINES_PER_WINDOW + 1].text).toBe('Dropped: bad packet');
    logLines.flush();
    expect(lines).toHaveLength(DROP_LINES_PER_WINDOW + 2);
  });

  it('counts each reason apart and flushes what is held', () => {
    const { lines, logLines, drop } = setUp();
    for (let i = 0; i < DROP_LINES_PER_WINDOW + 5; i++) drop('crypto', 1);
    for (let i = 0; i < DROP_LINES_PER_WINDOW + 2; i++) drop('malformed', 3);
    expect(lines).toHaveLength(2 * DROP_LINES_PER_WINDOW);
    logLines.flush();
    expect(lines.slice(-2).map((l) => [l.level, l.text])).toEqual([
      [1, 'Dropped 5 more datagrams (crypto) in 1 s without a line each'],
      [3, 'Dropped 2 more datagrams (malformed) in 1 s without a line each'],
    ]);
  });
});
