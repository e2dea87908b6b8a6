// The addon's file functions (native/binding_files.cc): paths resolved beneath an opened directory,
// never through a symlink. Loaded with the rest of the addon; lib/files uses nothing else of it.
import { loadAddon } from '../net/native';
import { FileStoreError } from './errors';
import type { EntryKind } from './types';

declare const nativeRootBrand: unique symbol;
/** An opened directory held by the addon (a descriptor; a HANDLE on Windows). */
export type NativeRoot = { readonly [nativeRootBrand]: true };

export interface NativeStat {
  kind: EntryKind;
  size: number;
  mtimeSec: number;
  /** Permission bits (Windows: from the read-only attribute). */
  mode: number;
}

export type NativePath = string | Uint8Array;

/**
 * Every call throws an Error with `code` (errno name) and `syscall`. A symlink on the way gives ELOOP, a
 * non-directory on the way ENOTDIR; a refused name (empty component, '.', '..', NUL; on Windows also '\\'
 * and ':') gives EINVAL with syscall 'beneath'.
 */
export interface NativeFiles {
  /** Opens a directory, following symlinks in `path` itself. */
  openRoot(path: string): NativeRoot;
  /** Idempotent; later calls with the root throw ERR_ROOT_CLOSED. */
  closeRoot(root: NativeRoot): void;
  /** The final component is not followed; 'none' also when a directory on the way is missing. */
  lstatAt(root: NativeRoot, rel: NativePath): NativeStat;
  /** Names in a directory ('' = the root), without '.' and '..'. */
  readdirAt(root: NativeRoot, rel: NativePath): Buffer[];
  /** mkdir -p, each missing component made with mkdirat; a symlink anywhere gives ELOOP. */
  mkdirs(root: NativeRoot, rel: NativePath, mode?: number): void;
  /** O_WRONLY | O_NOFOLLOW | O_CLOEXEC (+ the flags): a descriptor for Node's fs. */
  openFile(
    root: NativeRoot,
    rel: NativePath,
    flags: { create?: boolean; truncate?: boolean; exclusive?: boolean },
    mode?: number,
  ): number;
  unlinkAt(root: NativeRoot, rel: NativePath, opts: { directory: boolean }): void;
  renameAt(from: NativeRoot, fromRel: NativePath, to: NativeRoot, toRel: NativePath): void;
  /** ENOTSUP on Windows. */
  symlinkAt(root: NativeRoot, rel: NativePath, target: NativePath): void;
  /** Bytes available to this user on the root's filesystem. */
  freeSpaceAt(root: NativeRoot): number;
  beneathResolver(): 'openat2' | 'walk' | 'windows';
  /** Resolve component by component even where openat2 works (tests; also UFTP_BENEATH=walk). */
  setBeneathWalk(on: boolean): void;
}

let files: NativeFiles | undefined;

/** The addon's file functions; FileStoreError ENOSYS when the built addon predates them. */
export function nativeFiles(): NativeFiles {
  if (files === undefined) {
    const found = loadAddon() as unknown as Partial<NativeFiles>;
    if (typeof found.openRoot !== 'function' || typeof found.openFile !== 'function') {
      throw new FileStoreError('ENOSYS', 'the native addon has no file functions: rebuild it (npm run build)');
    }
    files = found as NativeFiles;
  }
  return files;
}

/** How paths are resolved: 'openat2' (Linux 5.6+), 'walk' (openat per component), 'windows'. */
export function beneathResolver(): 'openat2' | 'walk' | 'windows' {
  return nativeFiles().beneathResolver();
}

/** Test switch: force the component-by-component walk even where openat2 works. */
export function setBeneathWalk(on: boolean): void {
  nativeFiles().setBeneathWalk(on);
}
