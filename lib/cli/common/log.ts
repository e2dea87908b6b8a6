// The programs' logger: winston underneath, with the UFTP levels 0-5 (-x) as its levels and the
// UFTP line format. With -d lines go to stderr; otherwise to the -L file, rolled per -g / -n.
import { Writable } from 'node:stream';
import winston from 'winston';
import { NOTICE_PRIORITY, journalPriority, withPriority } from './journal';
import { formatLogLine, preciseWallMs, type LogContext } from './log-format';
import { RotatingLogFile } from './log-file';

export type { LogContext } from './log-format';

/** 0 errors only ... 5 most verbose; default 2 as the real programs. */
export const DEFAULT_LOG_LEVEL = 2;

const LEVELS: Record<string, number> = { l0: 0, l1: 1, l2: 2, l3: 3, l4: 4, l5: 5 };

export interface LoggerOptions {
  level: number;
  /** Where lines go: a stream (stderr with -d) or a file path (-L). */
  to: { stream: NodeJS.WritableStream } | { file: string; maxBytes?: number; maxCount: number };
  /**
   * Time stamp and session prefix on each line (default). The real uftp writes its lines bare to stderr unless
   * given -T or -L.
   */
  timestamps?: boolean;
  /** A write or roll of the file failed after start (the programs exit 4 on it). */
  onError?: (err: Error) => void;
  /** Each line opens with its syslog priority, "<3>" ... "<7>" (stderr under systemd's journal: journal.ts). */
  priorities?: boolean;
}

/** A stream that hands each line winston writes to a sink; sink errors go to onError. */
function lineStream(sink: (line: string) => void, onError: (err: Error) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      try {
        sink(chunk.toString());
      } catch (err) {
        onError(err as Error);
      }
      done();
    },
  });
}

export class Logger {
  private readonly winston: winston.Logger;
  private readonly file?: RotatingLogFile;

  /** Opening the file happens here, so a bad -L fails at once with a LogFileError. */
  constructor(private readonly options: LoggerOptions) {
    const to = options.to;
    let sink: (line: string) => void;
    if ('file' in to) {
      const file = new RotatingLogFile(to.file, { maxBytes: to.maxBytes, maxCount: to.maxCount });
      this.file = file;
      sink = (line) => file.write(line);
    } else {
      sink = (line) => void to.stream.write(line);
    }
    const onError = options.onError ?? ((err: Error) => process.emitWarning(err));
    this.winston = winston.createLogger({
      levels: LEVELS,
      level: `l${options.level}`,
      format: winston.format.printf((info) => info.message as string),
      transports: [new winston.transports.Stream({ stream: lineStream(sink, onError), eol: '' })],
    });
  }

  get level(): number {
    return this.options.level;
  }

  /** Callers with costly messages check this first. */
  enabled(level: number): boolean {
    return level <= this.options.level;
  }

  log(level: number, text: string, ctx?: LogContext): void {
    this.write(level, journalPriority(level), text, ctx);
  }

  /** A line every -x shows (level 0) that is no error: the version banner, a loaded key. */
  notice(text: string, ctx?: LogContext): void {
    this.write(0, NOTICE_PRIORITY, text, ctx);
  }

  private write(level: number, priority: number, text: string, ctx?: LogContext): void {
    if (!this.enabled(level)) return;
    this.emit(level, priority, this.options.timestamps === false ? `${text}\n` : formatLogLine(preciseWallMs(), text, ctx));
  }

  private emit(level: number, priority: number, line: string): void {
    const clamped = Math.min(5, Math.max(0, Math.trunc(level)));
    this.winston.log(`l${clamped}`, this.options.priorities ? withPriority(priority, line) : line);
  }

  /**
   * A line as it is, without timestamp or session prefix: the real uftpd writes its `-F @LOG` status lines
   * (CONNECT;... RESULT;...) into the log so. A record, not an error: its journal priority is notice.
   */
  bare(level: number, text: string): void {
    if (this.enabled(level)) this.emit(level, NOTICE_PRIORITY, `${text}\n`);
  }

  /**
   * SIGHUP: the -L file opened again by its path (logrotate moved the old one away); answers the path, or
   * undefined when lines go to a stream. A LogFileError leaves the old file in use.
   */
  reopen(): string | undefined {
    this.file?.reopen();
    return this.file?.path;
  }

  /** Flushes winston's pipeline and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.winston.on('finish', () => {
        this.file?.close();
        resolve();
      });
      this.winston.end();
    });
  }
}
