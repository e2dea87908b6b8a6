// A log file that rolls the way the pages describe -g/-n: once it reaches max size it becomes
// file.1 (file.1 becomes file.2 ...), archives past the count are deleted, and a new file is opened.
// Writes are synchronous so a line is on disk before the next event, and nothing is lost on exit.
// reopen() is for logrotate (SIGHUP): the file is opened again by its path, a new one if the old was moved.
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface LogFileOptions {
  /** Roll when the file reaches this many bytes; undefined = never roll. */
  maxBytes?: number;
  /** Archives kept (file.1 ... file.N). */
  maxCount: number;
}

export class LogFileError extends Error {
  override readonly name = 'LogFileError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function describe(err: unknown): { message: string; code?: string } {
  const e = err as NodeJS.ErrnoException;
  return { message: e.message, code: e.code };
}

export class RotatingLogFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly options: LogFileOptions,
  ) {
    this.fd = this.open();
    this.size = fstatSync(this.fd).size;
  }

  write(line: string): void {
    const bytes = Buffer.from(line);
    writeSync(this.fd, bytes);
    this.size += bytes.length;
    if (this.options.maxBytes !== undefined && this.size >= this.options.maxBytes) this.roll();
  }

  /** Opens the path again; if that fails (LogFileError) the old file stays in use. */
  reopen(): void {
    const fd = this.open();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private open(): number {
    try {
      return openSync(this.path, 'a', 0o644);
    } catch (err) {
      const { message, code } = describe(err);
      throw new LogFileError(`cannot open log file ${this.path}: ${message}`, code);
    }
  }

  private roll(): void {
    closeSync(this.fd);
    this.fd = -1;
    try {
      rmSync(`${this.path}.${this.options.maxCount}`, { force: true });
      for (let n = this.options.maxCount - 1; n >= 1; n--) renameIfThere(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      renameSync(this.path, `${this.path}.1`);
    } catch (err) {
      const { message, code } = describe(err);
      throw new LogFileError(`cannot roll log file ${this.path}: ${message}`, code);
    }
    this.fd = this.open();
    this.size = 0;
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
