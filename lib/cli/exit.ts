// Exit statuses shared by the programs. The numbers are those of UFTP 4.10.2's man pages
// (EXIT STATUS of uftp(1) / uftpd(1)), so scripts written for the C programs keep working.

export const ExitCode = {
  OK: 0,
  /** An invalid command line parameter. */
  USAGE: 1,
  /** An error while setting up network connections (socket, bind, join, ...). */
  NETWORK: 2,
  /** An error reading or generating key data. */
  CRYPTO: 3,
  /** An error opening or rolling the log file. */
  LOG: 4,
  /** An internal error (the C programs' memory allocation failure). */
  INTERNAL: 5,
  /** Interrupted by the user. */
  INTERRUPTED: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad command line: the message names the offending option; the program prints it with its usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Key data that cannot be read, written or generated (-k / -K): exit 3 (ExitCode.CRYPTO), as the pages'
 * EXIT STATUS says. A -K item that is malformed is a UsageError instead, as the real programs treat it.
 */
export class KeyDataError extends Error {
  override readonly name = 'KeyDataError';
}
