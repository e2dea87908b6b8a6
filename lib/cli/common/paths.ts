// Start-up checks of the paths that options name (directories to write in, files to create, a script
// to run), so that a daemon reports a bad one on the terminal before it detaches, with the option's
// name, instead of failing later in the log. Each failure is a UsageError (exit 1, as the real uftpd).
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../exit';

function statOf(opt: string, what: string, path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UsageError(`-${opt}: ${what} ${path}: ${code ?? (err as Error).message}`);
  }
}

function allowed(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

/** An existing directory this process may create entries in. */
export function checkWritableDir(opt: string, what: string, path: string): void {
  const stats = statOf(opt, what, path);
  if (stats === undefined) throw new UsageError(`-${opt}: ${what} ${path}: no such directory`);
  if (!stats.isDirectory()) throw new UsageError(`-${opt}: ${what} ${path}: not a directory`);
  const denied = allowed(path, constants.W_OK | constants.X_OK);
  if (denied !== undefined) throw new UsageError(`-${opt}: ${what} ${path}: not writable (${denied})`);
}

/** A file to create or append to: an existing writable non-directory, or a new name in a writable directory. */
export function checkWritableFile(opt: string, what: string, path: string): void {
  const stats = statOf(opt, what, path);
  if (stats === undefined) {
    checkWritableDir(opt, `directory of ${what}`, dirname(path));
    return;
  }
  if (stats.isDirectory()) throw new UsageError(`-${opt}: ${what} ${path}: is a directory`);
  const denied = allowed(path, constants.W_OK);
  if (denied !== undefined) throw new UsageError(`-${opt}: ${what} ${path}: not writable (${denied})`);
}

/** A regular file this process may execute. */
export function checkExecutable(opt: string, what: string, path: string): void {
  const stats = statOf(opt, what, path);
  if (stats === undefined) throw new UsageError(`-${opt}: ${what} ${path}: no such file`);
  if (!stats.isFile()) throw new UsageError(`-${opt}: ${what} ${path}: not a regular file`);
  const denied = allowed(path, constants.X_OK);
  if (denied !== undefined) throw new UsageError(`-${opt}: ${what} ${path}: not executable (${denied})`);
}
