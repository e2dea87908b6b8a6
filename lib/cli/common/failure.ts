// What an error ends a program with: the message, the exit status of the pages' EXIT STATUS, and
// whether the usage text follows (only for a bad command line, as the real programs print it).
import { ExitCode, KeyDataError, UsageError, type ExitCodeValue } from '../exit';
import { LogFileError } from './log-file';
import { NetworkError } from './socket';

export interface Failure {
  message: string;
  code: ExitCodeValue;
  showUsage: boolean;
}

export function failureOf(err: unknown): Failure {
  const message = (err as Error).message;
  if (err instanceof UsageError) return { message, code: ExitCode.USAGE, showUsage: true };
  if (err instanceof KeyDataError) return { message, code: ExitCode.CRYPTO, showUsage: false };
  if (err instanceof NetworkError) return { message, code: ExitCode.NETWORK, showUsage: false };
  if (err instanceof LogFileError) return { message, code: ExitCode.LOG, showUsage: false };
  return { message: (err as Error).stack ?? message, code: ExitCode.INTERNAL, showUsage: false };
}

/** Errors that prepare/set-up may raise on bad input (as opposed to bugs, which propagate). */
export function isStartupError(err: unknown): err is UsageError | KeyDataError {
  return err instanceof UsageError || err instanceof KeyDataError;
}
