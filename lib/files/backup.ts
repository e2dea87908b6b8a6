// -A: an entry about to be overwritten moves to backupRoot/YYYYMMDD/HHMMSS/<its absolute path>.
import { FileStoreError } from './errors';
import * as ops from './ops';
import { parentOf, relBytes, joinRel, splitRel } from './paths';
import type { DirRoot } from './root';
import type { PathLike } from './types';

const WINDOWS = process.platform === 'win32';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** YYYYMMDD and HHMMSS, local time. */
export function backupStamp(when: Date): [string, string] {
  const day = `${String(when.getFullYear()).padStart(4, '0')}${two(when.getMonth() + 1)}${two(when.getDate())}`;
  return [day, `${two(when.getHours())}${two(when.getMinutes())}${two(when.getSeconds())}`];
}

// An absolute path as components without the leading separator; a Windows drive "C:" becomes "C".
function absoluteComponents(absolute: string): Buffer[] {
  const parts = absolute.split(WINDOWS ? /[\\/]+/ : '/').filter((part) => part.length > 0);
  return parts.map((part) => Buffer.from(WINDOWS && part.endsWith(':') ? part.slice(0, -1) : part, 'utf8'));
}

/**
 * Moves the entry at rel of destRoot to backupRoot/YYYYMMDD/HHMMSS/<destRoot's path>/<rel> (local time
 * of `when`), making the directories. Should that name be taken already (two backups within a second),
 * ".1", ".2"... is added to it. Returns the new absolute path. ENOENT when there is nothing to move;
 * EXDEV when the two directories are on different filesystems (nothing is copied).
 */
export function backup(destRoot: DirRoot, rel: PathLike, backupRoot: DirRoot, when: Date): string {
  const r = relBytes(rel);
  if (ops.lstat(destRoot, r).kind === 'none') {
    throw new FileStoreError('ENOENT', `backup ${ops.where(destRoot, r)}: no such entry`);
  }
  const base = [...backupStamp(when).map((s) => Buffer.from(s)), ...absoluteComponents(destRoot.path), ...splitRel(r)];
  let target = joinRel(base);
  splitRel(target); // the administrator's path is checked too, as a name beneath backupRoot
  for (let n = 1; ops.lstat(backupRoot, target).kind !== 'none'; n++) {
    target = Buffer.concat([joinRel(base), Buffer.from(`.${n}`)]);
  }
  ops.mkdirs(backupRoot, parentOf(target));
  ops.rename(destRoot, r, backupRoot, target);
  return backupRoot.resolve(target);
}
