// The live progress of uftp on a terminal: one line per file (name, bytes and percent, rate, pass, NAKs,
// clients done), redrawn in place; a log line is written above it, never through it. The line is erased when
// its file is over and when the run ends, so the terminal is left with the log lines alone, as without one.
// Not on a terminal: a plain line now and then (and at the end of each file) instead.
import type { Progress } from '../../server/types';

const PLAIN_EVERY_MS = 2000;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/**
 * The line for `p`; within `width` columns when given: the name is shortened first (its end is kept, at least
 * a few characters of it), then what still does not fit is cut off the end.
 */
export function progressLine(p: Progress, width = Infinity): string {
  const pct = p.size > 0 ? Math.floor((p.sentBytes * 100) / p.size) : 100;
  const stats = `  ${size(p.sentBytes)}/${size(p.size)}  ${pct}%  ${size(Math.round(p.rate))}/s  pass ${p.pass}  NAKs ${p.naks}  clients ${p.clientsDone}/${p.clientsTotal}`;
  const keep = Math.max(5, width - stats.length - 3);
  const name = p.name.length + stats.length <= width || p.name.length <= keep + 3 ? p.name : `...${p.name.slice(-keep)}`;
  return `${name}${stats}`.slice(0, Math.max(0, width));
}

export interface Terminal {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressDisplay {
  private line = '';
  private lastPlain = 0;
  private lastFile = -1;

  constructor(private readonly out: Terminal, private readonly now: () => number = () => performance.now()) {}

  get live(): boolean {
    return this.out.isTTY === true;
  }

  update(p: Progress): void {
    if (this.live) {
      if (p.final) {
        this.erase();
        return;
      }
      // One column short of the width, so the line never wraps (a pseudo-terminal may report 0 columns: unknown).
      this.line = progressLine(p, (this.out.columns || 80) - 1);
      this.out.write(`\r\x1b[K${this.line}`);
      return;
    }
    const text = progressLine(p);
    const done = p.final === true || (p.sentBytes >= p.size && p.clientsDone >= p.clientsTotal);
    if (p.fileId !== this.lastFile || done || this.now() - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastFile = p.fileId;
      this.lastPlain = this.now();
      this.out.write(`${text}\n`);
    }
  }

  /** A stream for log lines: each goes above the progress line, which is drawn again under it. */
  logStream(): { write(text: string): boolean } {
    return {
      write: (text: string) => {
        if (this.live && this.line !== '') this.out.write(`\r\x1b[K${text}${this.line}`);
        else this.out.write(text);
        return true;
      },
    };
  }

  /** The run is over: the progress line, if one is shown, is erased. */
  end(): void {
    this.erase();
  }

  private erase(): void {
    if (this.live && this.line !== '') this.out.write('\r\x1b[K');
    this.line = '';
  }
}
