// The live progress of uftp on a terminal: one line per file (name, bytes and percent, rate, pass, NAKs,
// clients done), redrawn in place; a log line is written above it, never through it. Not on a terminal:
// a plain line now and then (and at the end of each file) instead.
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

export function progressLine(p: Progress): string {
  const pct = p.size > 0 ? Math.floor((p.sentBytes * 100) / p.size) : 100;
  return `${p.name}  ${size(p.sentBytes)}/${size(p.size)}  ${pct}%  ${size(Math.round(p.rate))}/s  pass ${p.pass}  NAKs ${p.naks}  clients ${p.clientsDone}/${p.clientsTotal}`;
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
    const text = progressLine(p);
    if (this.live) {
      const width = this.out.columns ?? 80;
      this.line = text.length >= width ? text.slice(0, width - 1) : text;
      this.out.write(`\r\x1b[K${this.line}`);
      return;
    }
    const done = p.sentBytes >= p.size && p.clientsDone >= p.clientsTotal;
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

  /** The progress line is left where it is, and the cursor goes to a fresh line. */
  end(): void {
    if (this.live && this.line !== '') this.out.write('\n');
    this.line = '';
  }
}
