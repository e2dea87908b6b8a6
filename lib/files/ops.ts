// One wrapper per addon call: a checked path in, a FileStoreError naming the entry out.
import * as path from 'node:path';
import { storeError } from './errors';
import { nativeFiles, type NativeStat } from './native';
import type { DirRoot } from './root';

/** Attempts at a replacement that someone keeps undoing, before giving up. */
export const RACE_ATTEMPTS = 8;

/** "<root>/<rel>" for messages. */
export function where(root: DirRoot, rel: Buffer): string {
  return rel.length === 0 ? root.path : path.join(root.path, rel.toString('utf8'));
}

function attempt<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw storeError(err, what);
  }
}

export function lstat(root: DirRoot, rel: Buffer): NativeStat {
  return attempt(`lstat ${where(root, rel)}`, () => nativeFiles().lstatAt(root.handle(), rel));
}

export function list(root: DirRoot, rel: Buffer): Buffer[] {
  return attempt(`readdir ${where(root, rel)}`, () => nativeFiles().readdirAt(root.handle(), rel));
}

/** mkdir -p; an empty rel does nothing. */
export function mkdirs(root: DirRoot, rel: Buffer | undefined, mode = 0o777): void {
  if (rel === undefined || rel.length === 0) return;
  attempt(`mkdir ${where(root, rel)}`, () => nativeFiles().mkdirs(root.handle(), rel, mode));
}

export function openFile(
  root: DirRoot,
  rel: Buffer,
  flags: { create: boolean; exclusive: boolean },
  mode: number,
): number {
  return attempt(`open ${where(root, rel)}`, () => nativeFiles().openFile(root.handle(), rel, flags, mode));
}

/** Removes one entry (a directory only when empty); false when it was already gone. */
export function unlink(root: DirRoot, rel: Buffer, directory: boolean): boolean {
  try {
    nativeFiles().unlinkAt(root.handle(), rel, { directory });
    return true;
  } catch (err) {
    const e = storeError(err, `${directory ? 'rmdir' : 'unlink'} ${where(root, rel)}`);
    if ((e as { code?: string }).code === 'ENOENT') return false;
    throw e;
  }
}

export function rename(from: DirRoot, fromRel: Buffer, to: DirRoot, toRel: Buffer): void {
  attempt(`rename ${where(from, fromRel)} to ${where(to, toRel)}`, () =>
    nativeFiles().renameAt(from.handle(), fromRel, to.handle(), toRel),
  );
}

export function symlink(root: DirRoot, rel: Buffer, target: Buffer): void {
  attempt(`symlink ${where(root, rel)}`, () => nativeFiles().symlinkAt(root.handle(), rel, target));
}

export function freeSpace(root: DirRoot): number {
  return attempt(`free space of ${root.path}`, () => nativeFiles().freeSpaceAt(root.handle()));
}

/** The code of a store error, or undefined. */
export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
