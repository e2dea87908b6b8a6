// -F: the status file, one line per event, flushed as it is written; "@LOG" puts the lines in the log.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface StatusSink {
  write(line: string): void;
  close(): void;
}

export class StatusFileError extends Error {
  override readonly name = 'StatusFileError';
}

/** Opens (appending) the -F file, or routes lines to `toLog` for @LOG. */
export function openStatusFile(target: string, toLog: (line: string) => void): StatusSink {
  if (target === '@LOG') return { write: toLog, close: () => undefined };
  let fd: number;
  try {
    fd = openSync(target, 'a', 0o644);
  } catch (err) {
    throw new StatusFileError(`cannot open status file ${target}: ${(err as Error).message}`);
  }
  let open = true;
  return {
    write(line: string) {
      if (open) writeSync(fd, `${line}\n`);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
