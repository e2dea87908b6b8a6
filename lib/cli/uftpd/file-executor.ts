// The client machine's file operations carried out on lib/files (everything beneath the -D, -T and -A
// directories, no symlink followed on the way), each answered with a FileResult. Writes run on the thread
// pool; only a failed one is answered (once per handle). Restart state and a session's end are run one
// after the other per group, so a restarted session reads what its predecessor saved.
import { openSync, closeSync, readSync, fstatSync, constants } from 'node:fs';
import path from 'node:path';
import {
  backup, freeSpace, inspect, listDirectory, makeDirectory, makeSymlink, moveIntoPlace, openForWrite, remove, rename, type DirRoot,
  type WriteHandle,
} from '../../files';
import { sessionDirName } from '../../client/names';
import type { FileRequest, FileResult, FileValue, Place, RootRef } from '../../client/types';
import type { WindowPool } from '../../client/window-pool';
import type { WriteBacklog } from './write-backlog';

/** What the executor tells of its writes: the bytes in flight (backlog), and when a window's write ended (windows). */
export interface WriteWatchers {
  backlog?: WriteBacklog;
  windows?: WindowPool;
}

export interface FileRoots {
  dest: DirRoot[];
  temp?: DirRoot;
  backup: DirRoot[];
}

/** Bytes of a restart state read at most: one byte per block of a file of a few terabytes. */
const MAX_RESTART_BYTES = 64 * 1024 * 1024;

export class FileExecutor {
  /** Open files by the machine's handle number, with where each was opened (for -t's rename at close). */
  private readonly handles = new Map<number, { handle: WriteHandle; failed: boolean; place: Place }>();
  private nextHandle = 1;
  private readonly groupChains = new Map<number, Promise<void>>();

  constructor(
    private readonly roots: FileRoots,
    private readonly deliver: (result: FileResult) => void,
    private readonly watchers: WriteWatchers = {},
  ) {}

  get openHandles(): number {
    return this.handles.size;
  }

  run(req: FileRequest): void {
    switch (req.op) {
      case 'write': return this.write(req.handle, req.offset, req.data);
      case 'discard': return void this.discard(req.handle, req.remove);
      case 'saveRestart': return this.inGroup(req.groupId, () => this.saveRestart(req.groupId, req.state));
      case 'loadRestart': return this.inGroup(req.groupId, () => this.answer(req.id, () => this.loadRestart(req.groupId)));
      case 'finishSession': return this.inGroup(req.groupId, () => this.answer(req.id, () => this.finishSession(req.groupId, req.individually)));
      default: return void this.answer(req.id, () => this.operate(req));
    }
  }

  /** Lets go of every open file (the daemon is stopping): pending writes finish or fail on their own. */
  async closeAll(): Promise<void> {
    const all = [...this.handles.values()].map((h) => h.handle.abandon());
    this.handles.clear();
    await Promise.all(all);
    await Promise.all(this.groupChains.values());
  }

  private root(ref: RootRef): DirRoot {
    const root = ref.kind === 'dest' ? this.roots.dest[ref.index] : ref.kind === 'temp' ? this.roots.temp : this.roots.backup[ref.index];
    if (!root) throw Object.assign(new Error(`no ${ref.kind} directory ${'index' in ref ? ref.index : ''}`), { code: 'EINVAL' });
    return root;
  }

  private inGroup(groupId: number, job: () => Promise<void>): void {
    const before = this.groupChains.get(groupId) ?? Promise.resolve();
    const after = before.then(job, job);
    this.groupChains.set(groupId, after);
    void after.finally(() => {
      if (this.groupChains.get(groupId) === after) this.groupChains.delete(groupId);
    });
  }

  private async answer(id: number, job: () => Promise<FileValue>): Promise<void> {
    let result: FileResult;
    try {
      result = { id, ok: true, value: await job() };
    } catch (err) {
      result = { id, ok: false, code: codeOf(err), message: (err as Error).message };
    }
    this.deliver(result);
  }

  private write(handle: number, offset: number, data: Uint8Array): void {
    const { backlog, windows } = this.watchers;
    const entry = this.handles.get(handle);
    if (!entry) {
      windows?.writeEnded(data);
      return;
    }
    const bytes = data.byteLength;
    backlog?.started(bytes);
    const ended = (): void => {
      backlog?.finished(bytes);
      windows?.writeEnded(data);
    };
    entry.handle.write(offset, data).then(ended, (err: unknown) => {
      ended();
      if (entry.failed) return;
      entry.failed = true;
      this.deliver({ id: 0, ok: false, handle, code: codeOf(err), message: (err as Error).message });
    });
  }

  private async discard(handle: number, removePlace?: Place): Promise<void> {
    const entry = this.handles.get(handle);
    this.handles.delete(handle);
    await entry?.handle.abandon();
    if (removePlace) await remove(this.root(removePlace.root), removePlace.path).catch(() => undefined);
  }

  /** -A: what is at `place` moves to the backup directory first (nothing there: nothing to do). */
  private backupIfThere(place: Place, backupIndex: number | undefined, when: number): void {
    if (backupIndex === undefined || place.root.kind !== 'dest') return;
    const root = this.root(place.root);
    if (inspect(root, place.path).kind === 'none') return;
    backup(root, place.path, this.root({ kind: 'backup', index: backupIndex }), new Date(when));
  }

  private async operate(req: Exclude<FileRequest, { op: 'write' | 'discard' | 'saveRestart' | 'loadRestart' | 'finishSession' }>): Promise<FileValue> {
    switch (req.op) {
      case 'inspect': {
        const root = this.root(req.place.root);
        return { kind: 'inspect', info: inspect(root, req.place.path), freeSpace: await freeSpace(root) };
      }
      case 'open': {
        const root = this.root(req.place.root);
        this.backupIfThere(req.place, req.backupIndex, req.when);
        // A directory at the name fails (EISDIR: the file is rejected, as by the real client); it is
        // never deleted to make room. With -A it has just been moved to the backup.
        const handle = openForWrite(root, req.place.path, { truncate: req.truncate });
        const id = this.nextHandle++;
        this.handles.set(id, { handle, failed: false, place: req.place });
        return { kind: 'open', handle: id, freeSpace: await freeSpace(root) };
      }
      case 'close': {
        const entry = this.handles.get(req.handle);
        this.handles.delete(req.handle);
        if (!entry) throw Object.assign(new Error('file handle is not open'), { code: 'EBADF' });
        await entry.handle.close({ mtimeSec: req.mtimeSec });
        if (entry.failed) throw Object.assign(new Error('an earlier write failed'), { code: 'EIO' });
        if (req.rename) {
          // -t: the temp file beside the final name takes its place; what was there goes to the
          // backup directory first with -A, else the rename replaces it.
          this.backupIfThere(req.rename, req.backupIndex, req.when);
          rename(this.root(entry.place.root), entry.place.path, this.root(req.rename.root), req.rename.path);
        }
        return { kind: 'done' };
      }
      case 'mkdir':
        makeDirectory(this.root(req.place.root), req.place.path);
        return { kind: 'done' };
      case 'symlink':
        makeSymlink(this.root(req.place.root), req.place.path, req.target);
        return { kind: 'done' };
      case 'remove':
        if (req.backupIndex !== undefined) this.backupIfThere(req.place, req.backupIndex, req.when);
        else await remove(this.root(req.place.root), req.place.path);
        return { kind: 'done' };
      case 'freeSpace':
        return { kind: 'freeSpace', freeSpace: await freeSpace(this.root(req.root)) };
    }
  }

  private restartName(groupId: number): string {
    return `${sessionDirName(groupId)}_restart`;
  }

  private async saveRestart(groupId: number, state: Uint8Array): Promise<void> {
    const temp = this.roots.temp;
    if (!temp) return;
    try {
      const handle = openForWrite(temp, this.restartName(groupId), { truncate: true });
      await handle.write(0, state);
      await handle.close();
    } catch {
      // A restart that cannot be saved is a restart that starts over: nothing else to do.
    }
  }

  private async loadRestart(groupId: number): Promise<FileValue> {
    const temp = this.roots.temp;
    if (!temp) return { kind: 'restart' };
    const file = path.join(temp.path, this.restartName(groupId));
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return { kind: 'restart' };
      throw err;
    }
    try {
      const size = fstatSync(fd).size;
      if (size > MAX_RESTART_BYTES) throw Object.assign(new Error(`restart file of ${size} bytes is too large`), { code: 'EFBIG' });
      const buf = Buffer.alloc(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, buf, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      return { kind: 'restart', state: buf.subarray(0, got) };
    } finally {
      closeSync(fd);
      await remove(temp, this.restartName(groupId)).catch(() => undefined);
    }
  }

  /** -T: the session's directory moves into the first -D, entry by entry (file by file with -i). */
  private async finishSession(groupId: number, individually: boolean): Promise<FileValue> {
    const temp = this.roots.temp;
    if (!temp) return { kind: 'moved', paths: [] };
    const dir = sessionDirName(groupId);
    if (inspect(temp, dir).kind !== 'directory') return { kind: 'moved', paths: [] };
    const names = listDirectory(temp, Buffer.from(dir));
    const moved: string[] = [];
    for (const name of names) {
      const rel = Buffer.concat([Buffer.from(`${dir}/`), name]);
      moved.push(...(await moveIntoPlace(temp, rel, this.roots.dest[0], { individually, to: name })));
    }
    await remove(temp, dir);
    return { kind: 'moved', paths: moved };
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'EIO';
}
