// DirRoot: an opened -D, -T or -A directory. Everything beneath it is reached through its descriptor,
// so renaming or replacing the path later changes nothing for an open root.
import * as path from 'node:path';
import { storeError, FileStoreError } from './errors';
import { nativeFiles, type NativeRoot } from './native';
import { splitRel } from './paths';
import type { PathLike } from './types';

export class DirRoot {
  /** Absolute, as given, resolved against the working directory (symlinks in it are not resolved). */
  readonly path: string;
  readonly #handle: NativeRoot;
  #closed = false;

  private constructor(absolute: string, handle: NativeRoot) {
    this.path = absolute;
    this.#handle = handle;
  }

  /** FileStoreError ENOENT, ENOTDIR, EACCES... when `dir` cannot be opened as a directory. */
  static open(dir: string): DirRoot {
    const absolute = path.resolve(dir);
    try {
      return new DirRoot(absolute, nativeFiles().openRoot(absolute));
    } catch (err) {
      throw storeError(err, `open ${absolute}`, false);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Idempotent. Handles already open for writing stay usable. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    nativeFiles().closeRoot(this.#handle);
  }

  /** The absolute path of an entry beneath this root (for logs and scripts; never opened by path). */
  resolve(rel: PathLike): string {
    return path.join(this.path, ...splitRel(rel).map((part) => part.toString('utf8')));
  }

  /** @internal The addon's handle, for lib/files only. */
  handle(): NativeRoot {
    if (this.#closed) throw new FileStoreError('EBADF', `${this.path}: the directory root is closed`);
    return this.#handle;
  }
}
