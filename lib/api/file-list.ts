// The file list walker of uftp: from the operands (or the -i list, or a restart file's sources) to the
// items the server sends, one at a time, as the machine asks for them. The real uftp walks lazily too:
// each path is looked at (lstat, or stat with -l) when its turn comes, directories are read in the order
// the file system gives (no sorting) and walked depth first. docs/uftp-options.md has the observed rules.
//
// Names are bytes. Inside, paths are "byte strings" (latin1: one char per byte), so the path module's
// '/' and '.' handling works on any name without decoding it.
import type { BigIntStats } from 'node:fs';
import { lstat, opendir, readlink, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import type { SendItem } from '../server/send-item';

export type { SendItem } from '../server/send-item';

/** The longest name (and link target) the real client takes: its MAXPATHNAME. */
export const MAX_NAME_BYTES = 300;
export const FREESPACE = '@FREESPACE';
export const DELETE_PREFIX = '@DELETE:';

export interface SendListOptions {
  /** Local paths and metafile names, as bytes: the operands, the -i lines, or a restart file's sources. */
  sources: Buffer[];
  /** -E, absolute, without trailing '/'. */
  baseDirs: Buffer[];
  /** -D. */
  destName?: Buffer;
  /** -o. */
  destAsDir: boolean;
  /** -X: names as the walk sees them (see `walkName`). */
  excludes: Buffer[];
  /** -l. */
  followLinks: boolean;
  /** What relative sources and -E are resolved against; default the process's. */
  cwd?: string;
}

/** Level (0-5, as -x) and text of a line for the server's log. */
export type WalkLog = (level: number, message: string) => void;

const latin1 = (b: Buffer): string => b.toString('latin1');
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
/** For messages: the bytes as UTF-8 (invalid sequences shown as U+FFFD). */
const shown = (s: string): string => bytes(s).toString('utf8');
const join = (a: string, b: string): string => (a === '' ? b : `${a}/${b}`);

/** The error as C's strerror says it ("No such file or directory"): libuv's text, capitalized as the real uftp prints it. */
function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text = typeof e.errno === 'number' ? getSystemErrorMap().get(e.errno)?.[1] : undefined;
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : e.code ?? e.message;
}

/**
 * Where a source lands. `walkName` is the real uftp's name for it: the last path element (what -X
 * matches, with "/entry" added below it); `sentName` is what clients see (-E, -D applied). An empty name
 * stands for "the entries themselves" (the source is ".", "/" or a -E base itself).
 */
interface Place {
  walkName: string;
  sentName: string;
}

class Walker {
  private readonly bases: string[];
  private readonly excludes: Set<string>;
  private readonly single: boolean;
  private readonly cwd: string;

  constructor(
    private readonly options: SendListOptions,
    private readonly log: WalkLog,
  ) {
    this.bases = options.baseDirs.map(latin1);
    this.excludes = new Set(options.excludes.map(latin1));
    this.single = options.sources.length === 1;
    this.cwd = latin1(Buffer.from(options.cwd ?? process.cwd()));
  }

  async *items(): AsyncGenerator<SendItem, void, undefined> {
    for (const source of this.options.sources) {
      const src = latin1(source);
      if (src === FREESPACE) {
        this.log(2, '----- . -----');
        yield { kind: 'freespace' };
      } else if (src.startsWith(DELETE_PREFIX)) yield* this.deletion(src.slice(DELETE_PREFIX.length));
      else {
        const place = this.place(src);
        if (place !== undefined) yield* this.visit(this.absolute(src), place.walkName, place.sentName, [], src);
      }
    }
  }

  /** The source for fs: absolute (so the current directory may change), not normalized (the kernel reads
   * "link/.." through the link, path.resolve would not), without trailing '/' (which would follow a link). */
  private absolute(src: string): string {
    const path = src.startsWith('/') ? src : `${this.cwd}/${src}`;
    return path.replace(/(.)\/+$/, '$1');
  }

  private place(src: string): Place | undefined {
    const trimmed = src.replace(/\/+$/, '');
    const root = trimmed === '' && src.startsWith('/');
    const last = root ? '' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
    if (last === '..') {
      this.log(1, `Skipping ${shown(src)}: a name ending in '..' cannot be sent (clients refuse it)`);
      return undefined;
    }
    const walkName = root || last === '.' ? '' : last;
    let sentName = walkName;
    if (this.bases.length > 0) {
      const path = posix.resolve(this.cwd, src);
      const base = this.bases.find((b) => path === b || path.startsWith(b === '/' ? '/' : `${b}/`));
      if (base === undefined) {
        this.log(1, `Skipping ${shown(src)}: doesn't match any base`);
        return undefined;
      }
      sentName = path === base ? '' : path.slice(base === '/' ? 1 : base.length + 1);
    }
    const dest = this.options.destName && latin1(this.options.destName);
    if (dest !== undefined) {
      // One source without -o takes the -D name itself (its -E part dropped, as the page says).
      sentName = this.single && !this.options.destAsDir ? dest : join(dest, sentName);
    }
    return { walkName, sentName };
  }

  private excluded(walkName: string): boolean {
    if (!this.excludes.has(walkName)) return false;
    this.log(2, `Skipping ${shown(walkName)}`);
    return true;
  }

  private nameFits(path: string, sentName: string): boolean {
    if (sentName === '') {
      this.log(1, `Skipping ${shown(path)}: no name to send it under`);
      return false;
    }
    if (sentName.length <= MAX_NAME_BYTES) return true;
    this.log(0, `Max pathname length exceeded: ${shown(path)} (sent as ${sentName.length} bytes, at most ${MAX_NAME_BYTES})`);
    return false;
  }

  private async *deletion(target: string): AsyncGenerator<SendItem, void, undefined> {
    if (target === '') {
      this.log(1, `Skipping ${DELETE_PREFIX}: no name given`);
      return;
    }
    const place = this.place(target);
    if (place === undefined) return;
    this.log(2, `----- ${shown(place.walkName || '.')} -----`);
    if (this.excluded(place.walkName) || !this.nameFits(`${DELETE_PREFIX}${target}`, place.sentName)) return;
    yield { kind: 'delete', name: bytes(place.sentName) };
  }

  /** `local` is absolute (what fs is given); `written` is the path as the user wrote it (for messages). */
  private async *visit(local: string, walkName: string, sentName: string, ancestors: string[], written: string): AsyncGenerator<SendItem, void, undefined> {
    this.log(2, `----- ${shown(walkName || '.')} -----`);
    if (walkName !== '' && this.excluded(walkName)) return;
    let st: BigIntStats;
    try {
      st = await (this.options.followLinks ? stat : lstat)(bytes(local), { bigint: true });
    } catch (err) {
      this.log(0, `Error getting file status for ${shown(written)}: ${why(err)}`);
      return;
    }
    const localName = shown(walkName || '.');
    if (st.isSymbolicLink()) yield* this.link(local, sentName, written, localName);
    else if (st.isFile()) yield* this.file(local, sentName, st, written, localName);
    else if (st.isDirectory()) yield* this.directory(local, walkName, sentName, st, ancestors, written);
    else this.log(1, `Skipping special file ${shown(written)}`);
  }

  private async *link(local: string, sentName: string, written: string, localName: string): AsyncGenerator<SendItem, void, undefined> {
    if (!this.nameFits(written, sentName)) return;
    let target: Buffer;
    try {
      target = await readlink(bytes(local), { encoding: 'buffer' });
    } catch (err) {
      this.log(0, `Error reading link ${shown(written)}: ${why(err)}`);
      return;
    }
    if (target.length > MAX_NAME_BYTES) {
      this.log(0, `Skipping ${shown(written)}: link target longer than ${MAX_NAME_BYTES} bytes`);
      return;
    }
    yield { kind: 'symlink', name: bytes(sentName), target, localName };
  }

  private async *file(local: string, sentName: string, st: BigIntStats, written: string, localName: string): AsyncGenerator<SendItem, void, undefined> {
    if (!this.nameFits(written, sentName)) return;
    // SendItem.localPath is a string: Node opens string paths as UTF-8, so other bytes cannot be reached.
    const localPath = bytes(local).toString('utf8');
    if (!Buffer.from(localPath, 'utf8').equals(bytes(local))) {
      this.log(0, `Skipping ${shown(written)}: its path is not valid UTF-8, which this server cannot open`);
      return;
    }
    yield { kind: 'file', name: bytes(sentName), localPath, localName, size: Number(st.size), mtimeSec: Number(st.mtimeMs / 1000n) };
  }

  private async *directory(local: string, walkName: string, sentName: string, st: BigIntStats, ancestors: string[], written: string): AsyncGenerator<SendItem, void, undefined> {
    // Only -l can lead back into a directory being walked; the real uftp recurses until ELOOP.
    const id = `${st.dev}:${st.ino}`;
    if (ancestors.includes(id)) {
      this.log(1, `Skipping ${shown(written)}: a link back to a directory being sent`);
      return;
    }
    let empty = true;
    try {
      // Node's types know no 'buffer' encoding for opendir; Node honours it (names as Buffers).
      const dir = await opendir(bytes(local), { encoding: 'buffer' as BufferEncoding });
      for await (const entry of dir) {
        empty = false;
        const name = latin1(entry.name as unknown as Buffer);
        const under = (path: string): string => (path.endsWith('/') ? `${path}${name}` : `${path}/${name}`);
        yield* this.visit(under(local), join(walkName, name), join(sentName, name), [...ancestors, id], under(written));
      }
    } catch (err) {
      this.log(0, `Error reading directory ${shown(written)}: ${why(err)}`);
      return;
    }
    if (empty && this.nameFits(written, sentName)) yield { kind: 'directory', name: bytes(sentName), localName: shown(walkName || '.') };
  }
}

/** The items to send, in order; skipped paths are reported through `log`. */
export function walkSendList(options: SendListOptions, log: WalkLog): AsyncGenerator<SendItem, void, undefined> {
  return new Walker(options, log).items();
}

export interface WalkFilesOptions {
  /** -E: leading directories cut from the names sent. */
  baseDirs?: string[];
  /** -D: the name the (one) path is sent as, or with `destAsDir` the directory everything goes into. */
  destName?: string;
  /** -o. */
  destAsDir?: boolean;
  /** -X: names left out. */
  exclude?: string[];
  /** -l: send what links point to, not the links. */
  followLinks?: boolean;
  cwd?: string;
  /** Paths skipped, and the `----- name -----` lines uftp logs. */
  log?: WalkLog;
}

/** send()'s items from paths (files, directories, @DELETE:name, @FREESPACE), walked as uftp walks its operands. */
export function walkFiles(paths: string[], options: WalkFilesOptions = {}): AsyncGenerator<SendItem, void, undefined> {
  const cwd = options.cwd ?? process.cwd();
  const list: SendListOptions = {
    sources: paths.map((p) => Buffer.from(p)),
    baseDirs: (options.baseDirs ?? []).map((b) => Buffer.from(posix.resolve(cwd, b))),
    destAsDir: options.destAsDir ?? false,
    excludes: (options.exclude ?? []).map((x) => Buffer.from(x)),
    followLinks: options.followLinks ?? false,
    cwd,
  };
  if (options.destName !== undefined) list.destName = Buffer.from(options.destName);
  return walkSendList(list, options.log ?? (() => undefined));
}
