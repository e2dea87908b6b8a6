// Single entries beneath a root: look, make a directory or symlink, rename, free space. Each
// replacement removes what is there and retries a few times when the tree changes under it.
import { FileStoreError } from './errors';
import * as ops from './ops';
import { parentOf, relBytes } from './paths';
import type { DirRoot } from './root';
import type { EntryInfo, PathLike } from './types';

export function inspect(root: DirRoot, rel: PathLike): EntryInfo {
  const { kind, size, mtimeSec } = ops.lstat(root, relBytes(rel));
  return { kind, size, mtimeSec };
}

function racing(what: string): FileStoreError {
  return new FileStoreError('EUNSAFE', `${what}: the entry kept changing while it was being replaced`);
}

/** mkdir -p; a non-directory at the last component (file, symlink, other) is replaced. */
export function makeDirectory(root: DirRoot, rel: PathLike): void {
  const r = relBytes(rel);
  ops.mkdirs(root, parentOf(r));
  for (let attempt = 1; ; attempt++) {
    const { kind } = ops.lstat(root, r);
    if (kind === 'directory') return;
    if (kind !== 'none') ops.unlink(root, r, false);
    try {
      ops.mkdirs(root, r);
      return;
    } catch (err) {
      // EUNSAFE here: a symlink put back at the last component between the unlink and the mkdir.
      if (ops.codeOf(err) !== 'EUNSAFE' || attempt >= ops.RACE_ATTEMPTS) throw err;
    }
  }
}

/**
 * Makes rel a symlink to target, parents made as needed. A file, symlink or other entry there is
 * replaced, an empty directory too; a directory with anything in it is not (ENOTEMPTY), so that a
 * link never silently costs a tree of files.
 */
export function makeSymlink(root: DirRoot, rel: PathLike, target: Buffer | string): void {
  const r = relBytes(rel);
  const t = typeof target === 'string' ? Buffer.from(target, 'utf8') : target;
  ops.mkdirs(root, parentOf(r));
  for (let attempt = 1; attempt <= ops.RACE_ATTEMPTS; attempt++) {
    const { kind } = ops.lstat(root, r);
    if (kind !== 'none') ops.unlink(root, r, kind === 'directory');
    try {
      ops.symlink(root, r, t);
      return;
    } catch (err) {
      if (ops.codeOf(err) !== 'EEXIST') throw err;
    }
  }
  throw racing(`symlink ${ops.where(root, r)}`);
}

/**
 * Moves an entry (a symlink as itself), making the target's parents. A non-directory target is replaced
 * (atomically when the source is one too). A directory target follows the system's rule: replaced by a
 * directory when empty, else EISDIR / ENOTEMPTY / EEXIST; the caller removes it first if it must go.
 */
export function rename(from: DirRoot, fromRel: PathLike, to: DirRoot, toRel: PathLike): void {
  const src = relBytes(fromRel);
  const dst = relBytes(toRel);
  ops.mkdirs(to, parentOf(dst));
  const source = ops.lstat(from, src);
  if (source.kind === 'none') throw new FileStoreError('ENOENT', `rename ${ops.where(from, src)}: no such entry`);
  if (source.kind === 'directory') {
    // rename(2) will not put a directory over a non-directory.
    const target = ops.lstat(to, dst).kind;
    if (target !== 'none' && target !== 'directory') ops.unlink(to, dst, false);
  }
  ops.rename(from, src, to, dst);
}

/** Bytes available to this user on the root's filesystem (statvfs f_bavail * f_frsize). */
export async function freeSpace(root: DirRoot): Promise<number> {
  return ops.freeSpace(root);
}

