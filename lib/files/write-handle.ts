// Files opened for writing beneath a root. Writes are positional and run on libuv's threadpool;
// the handle counts those in flight (O(1) per write) so that close and abandon never release the
// descriptor under a write still running — its number could otherwise be reused by another open.
import * as fs from 'node:fs';
import { FileStoreError, storeError } from './errors';
import * as ops from './ops';
import { parentOf, relBytes } from './paths';
import { removeNow } from './remove';
import type { DirRoot } from './root';
import type { PathLike } from './types';

export interface WriteHandle {
  readonly fd: number;
  /**
   * Positional write off the event loop (fs.write on the threadpool, repeated until all of data is
   * written); data must not change until the promise settles. Several may be in flight; close waits for
   * all. Rejects with a FileStoreError ('ENOSPC'...); once one has failed, later writes reject with the
   * same error without touching the file.
   */
  write(offset: number, data: Uint8Array): Promise<void>;
  /** ftruncate; counted among the operations in flight, not ordered against writes already started. */
  truncate(size: number): Promise<void>;
  /**
   * Waits for pending writes, sets the mtime (atime too) when given, closes. Rejects with the first
   * failed write's error if any failed (the descriptor is closed all the same): a close that
   * resolves means every byte was written. A second call returns the first one's promise.
   */
  close(opts?: { mtimeSec?: number }): Promise<void>;
  /** Waits for writes in flight to end (not to succeed), then closes; never rejects. close after it does nothing. */
  abandon(): Promise<void>;
}

export interface OpenForWriteOptions {
  /** false keeps the bytes of an existing file (resuming); true starts from an empty new file. */
  truncate: boolean;
  /** A directory at the path is removed (recursively) instead of failing with EISDIR. */
  replaceDirectory?: boolean;
  /** For a file created now; the umask applies. Default 0o666. */
  mode?: number;
}

function writeAt(fd: number, data: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const next = (): void => {
      fs.write(fd, data, done, data.byteLength - done, position + done, (err, written) => {
        if (err) return reject(err);
        if (written <= 0) return reject(Object.assign(new Error('write made no progress'), { code: 'EIO', syscall: 'write' }));
        done += written;
        if (done < data.byteLength) next();
        else resolve();
      });
    };
    if (data.byteLength === 0) resolve();
    else next();
  });
}

function settle(run: (callback: (err: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));
}

class FileWriter implements WriteHandle {
  readonly fd: number;
  readonly #what: string;
  #inFlight = 0;
  #whenIdle: (() => void) | undefined;
  #failure: Error | undefined;
  #ending: Promise<void> | undefined;

  constructor(fd: number, what: string) {
    this.fd = fd;
    this.#what = what;
  }

  write(offset: number, data: Uint8Array): Promise<void> {
    const refused = this.#refusal('write') ?? this.#checkPosition('offset', offset);
    if (refused !== undefined) return Promise.reject(refused);
    return this.#track('write', writeAt(this.fd, data, offset));
  }

  truncate(size: number): Promise<void> {
    const refused = this.#refusal('truncate') ?? this.#checkPosition('size', size);
    if (refused !== undefined) return Promise.reject(refused);
    return this.#track('truncate', settle((cb) => fs.ftruncate(this.fd, size, cb)));
  }

  close(opts: { mtimeSec?: number } = {}): Promise<void> {
    this.#ending ??= this.#finish(true, opts.mtimeSec);
    return this.#ending;
  }

  abandon(): Promise<void> {
    this.#ending ??= this.#finish(false, undefined);
    return this.#ending.catch(() => undefined);
  }

  #refusal(op: string): Error | undefined {
    if (this.#ending !== undefined) return new FileStoreError('EBADF', `${op} ${this.#what}: the file is closed`);
    return this.#failure;
  }

  #checkPosition(name: string, value: number): Error | undefined {
    if (Number.isSafeInteger(value) && value >= 0) return undefined;
    return new RangeError(`${name} must be a non-negative integer, not ${value}`);
  }

  #track(op: string, work: Promise<void>): Promise<void> {
    this.#inFlight++;
    return work.then(
      () => this.#settled(),
      (err: unknown) => {
        const failure = storeError(err, `${op} ${this.#what}`);
        this.#failure ??= failure;
        this.#settled();
        throw failure;
      },
    );
  }

  #settled(): void {
    if (--this.#inFlight > 0) return;
    const idle = this.#whenIdle;
    this.#whenIdle = undefined;
    idle?.();
  }

  #idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const before = this.#whenIdle;
      this.#whenIdle = before === undefined ? resolve : () => (before(), resolve());
    });
  }

  async #finish(report: boolean, mtimeSec: number | undefined): Promise<void> {
    await this.#idle();
    let failure = this.#failure;
    if (report && failure === undefined && mtimeSec !== undefined) {
      try {
        await settle((cb) => fs.futimes(this.fd, mtimeSec, mtimeSec, cb));
      } catch (err) {
        failure = storeError(err, `utimes ${this.#what}`);
      }
    }
    try {
      await settle((cb) => fs.close(this.fd, cb));
    } catch (err) {
      failure ??= storeError(err, `close ${this.#what}`);
    }
    if (report && failure !== undefined) throw failure;
  }
}

// undefined: the entry changed between the look and the open (gone, taken, or a link or FIFO put there).
function tryOpen(root: DirRoot, rel: Buffer, create: boolean, mode: number): number | undefined {
  try {
    return ops.openFile(root, rel, { create, exclusive: create }, mode);
  } catch (err) {
    const code = ops.codeOf(err);
    // An EUNSAFE that is not about the last component shows up again at the next lstat, and stands.
    if (code === 'EEXIST' || code === 'ENOENT' || code === 'EUNSAFE' || code === 'ENXIO') return undefined;
    throw err;
  }
}

// An existing file kept for resuming must be a regular file with no other name: a hard link could be
// a file outside the root.
function keepable(fd: number, what: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    throw storeError(err, `fstat ${what}`);
  }
  if (stat.isFile() && stat.nlink === 1) return true;
  fs.closeSync(fd);
  if (!stat.isFile()) return false;
  throw new FileStoreError('EUNSAFE', `open ${what}: refused to write into a file with ${stat.nlink} hard links`);
}

/**
 * Opens rel for writing, parents made as needed. A symlink, FIFO, socket or device there is removed
 * first (a symlink is replaced, never written through); a directory too with replaceDirectory, else
 * EISDIR. With truncate the old file is unlinked and a new one created (O_EXCL), so its other hard
 * links keep their bytes; without it an existing regular file is opened as it is, unless it has other
 * hard links (EUNSAFE).
 */
export function openForWrite(root: DirRoot, rel: PathLike, opts: OpenForWriteOptions): WriteHandle {
  const r = relBytes(rel);
  const what = ops.where(root, r);
  const mode = opts.mode ?? 0o666;
  for (let attempt = 1; attempt <= ops.RACE_ATTEMPTS; attempt++) {
    ops.mkdirs(root, parentOf(r));
    const { kind } = ops.lstat(root, r);
    if (kind === 'directory') {
      if (opts.replaceDirectory !== true) throw new FileStoreError('EISDIR', `open ${what}: a directory is there`);
      removeNow(root, r);
    } else if (kind === 'file' && !opts.truncate) {
      const fd = tryOpen(root, r, false, mode);
      if (fd !== undefined && keepable(fd, what)) return new FileWriter(fd, what);
      continue;
    } else if (kind !== 'none') {
      ops.unlink(root, r, false);
    }
    const fd = tryOpen(root, r, true, mode);
    if (fd !== undefined) return new FileWriter(fd, what);
  }
  throw new FileStoreError('EUNSAFE', `open ${what}: the entry kept changing while it was being opened`);
}
