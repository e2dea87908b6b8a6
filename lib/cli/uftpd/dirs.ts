// The directories of -D, -T and -A, checked at start-up as the real uftpd checks them: each exists, is
// a directory and is writable, and files can be renamed from the temp directory into the destination
// and from a destination into its backup directory (the same file system: a rename across file systems
// fails with EXDEV). Failures are UsageErrors: the real uftpd exits 1 on each of them.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../exit';
import { checkWritableDir } from '../common/paths';
import type { UftpdOptions } from './options';

/**
 * Renames an empty probe file from `from` into `to` and removes it. Comparing device numbers first
 * answers most cases without creating anything; the probe also catches two mounts of one file system
 * (a bind mount), where rename fails although the device is the same. The name is of the -t temp files'
 * form (".~uftp-..."), which watchers of a destination already have to ignore.
 */
function checkRename(opt: string, from: string, to: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`-${opt}: cannot move files from ${from} to ${to}: ${why}; they must be on the same file system`);
  };
  if (statSync(from).dev !== statSync(to).dev) fail('different file systems');
  const name = `.~uftp-probe-${process.pid}-${randomBytes(4).toString('hex')}`;
  const source = join(from, name);
  const target = join(to, name);
  try {
    writeFileSync(source, '', { flag: 'wx' });
    renameSync(source, target);
  } catch (err) {
    fail((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  } finally {
    rmSync(source, { force: true });
    rmSync(target, { force: true });
  }
}

export function checkDirectories(options: Pick<UftpdOptions, 'destDirs' | 'tempDir' | 'backupDirs'>): void {
  const { destDirs, tempDir, backupDirs } = options;
  for (const dir of destDirs) checkWritableDir('D', 'destination directory', dir);
  if (tempDir !== undefined) {
    checkWritableDir('T', 'temp directory', tempDir);
    checkRename('T', tempDir, destDirs[0]);
  }
  backupDirs.forEach((dir, i) => {
    checkWritableDir('A', 'backup directory', dir);
    checkRename('A', destDirs[i], dir);
  });
}
