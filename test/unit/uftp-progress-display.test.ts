// uftp's progress line (lib/cli/uftp/progress-display.ts) on a fake terminal: the bytes it writes.
import { ProgressDisplay, progressLine } from '../../lib/cli/uftp/progress-display';
import type { Progress } from '../../lib/server/types';

function term(columns?: number, isTTY = true): { out: string[]; write(t: string): void; isTTY: boolean; columns?: number } {
  const out: string[] = [];
  return { out, write: (t: string) => void out.push(t), isTTY, columns };
}

const P: Progress = { fileId: 1, name: 'data.bin', size: 4 * 1024 * 1024, sentBytes: 1024 * 1024, pass: 1, naks: 0, rate: 2.5 * 1024 * 1024, clientsDone: 0, clientsTotal: 2 };

describe('uftp progress display', () => {
  test('the line: name, bytes and percent, rate, pass, NAKs, clients done/total', () => {
    expect(progressLine(P)).toBe('data.bin  1.0 MiB/4.0 MiB  25%  2.5 MiB/s  pass 1  NAKs 0  clients 0/2');
  });

  test('drawn in place with \\r ESC[K; a terminal of 0 columns (unknown size) gets the whole line', () => {
    const t = term(0);
    const d = new ProgressDisplay(t);
    d.update(P);
    d.update({ ...P, sentBytes: 2 * 1024 * 1024, clientsDone: 1 });
    expect(t.out).toEqual([`\r\x1b[K${progressLine(P)}`, '\r\x1b[Kdata.bin  2.0 MiB/4.0 MiB  50%  2.5 MiB/s  pass 1  NAKs 0  clients 1/2']);
  });

  test('a narrow terminal: the name is shortened from the front, the line stays under the width', () => {
    const t = term(80);
    const d = new ProgressDisplay(t);
    d.update({ ...P, name: 'some/rather/deep/directory/with-a-long-file-name.bin' });
    const line = t.out[0].slice(4);
    expect(line).toHaveLength(79);
    expect(line).toBe('...-file-name.bin  1.0 MiB/4.0 MiB  25%  2.5 MiB/s  pass 1  NAKs 0  clients 0/2');
  });

  test('narrower than the figures: a few characters of the name stay, the end is cut', () => {
    const t = term(40);
    new ProgressDisplay(t).update({ ...P, name: 'with-a-long-file-name.bin' });
    expect(t.out[0]).toBe('\r\x1b[K...e.bin  1.0 MiB/4.0 MiB  25%  2.5 MiB');
    const short = term(40);
    new ProgressDisplay(short).update(P);
    expect(short.out[0]).toBe('\r\x1b[Kdata.bin  1.0 MiB/4.0 MiB  25%  2.5 MiB');
  });

  test('a log line goes above the line, whole, and the line is drawn again under it', () => {
    const t = term(100);
    const d = new ProgressDisplay(t);
    const log = d.logStream();
    log.write('before any progress\n');
    d.update(P);
    log.write('Got COMPLETE from client 0x0A000002\n');
    expect(t.out).toEqual(['before any progress\n', `\r\x1b[K${progressLine(P)}`, `\r\x1b[KGot COMPLETE from client 0x0A000002\n${progressLine(P)}`]);
  });

  test('the file over (final) and the end of the run erase the line: the log is left alone', () => {
    const t = term(100);
    const d = new ProgressDisplay(t);
    const log = d.logStream();
    d.update(P);
    d.update({ ...P, sentBytes: P.size, clientsDone: 2, final: true });
    log.write('Transfer status:\n');
    d.update({ ...P, fileId: 2 });
    d.end();
    d.end();
    expect(t.out).toEqual([`\r\x1b[K${progressLine(P)}`, '\r\x1b[K', 'Transfer status:\n', `\r\x1b[K${progressLine({ ...P, fileId: 2 })}`, '\r\x1b[K']);
  });

  test('not a terminal: plain lines, one per file at first, then every 2 s and at the end of the file', () => {
    let now = 0;
    const t = term(undefined, false);
    const d = new ProgressDisplay(t, () => now);
    d.update(P);
    now = 1000;
    d.update({ ...P, sentBytes: 2 * 1024 * 1024 });
    now = 2500;
    d.update({ ...P, sentBytes: 3 * 1024 * 1024 });
    d.update({ ...P, sentBytes: P.size, clientsDone: 1, final: true });
    expect(t.out.map((l) => l.match(/ (\d+)% /)?.[1])).toEqual(['25', '75', '100']);
    expect(t.out.every((l) => l.endsWith('\n') && !l.includes('\x1b'))).toBe(true);
  });
});
