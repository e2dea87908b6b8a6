// -T: at the end of a session each received top-level entry moves from the temp directory into the
// destination, whole (one rename) or, with -i, file by file into the directories already there.
import { makeDirectory } from './entries';
import * as ops from './ops';
import { child, parentOf, relBytes } from './paths';
import { remove } from './remove';
import type { DirRoot } from './root';
import type { PathLike } from './types';

const ENTRIES_PER_TURN = 128;

interface Walk {
  moved: string[];
  steps: number;
}

async function pause(walk: Walk): Promise<void> {
  if (++walk.steps % ENTRIES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
}

// A non-directory goes over whatever is at the target: a non-directory atomically, a directory removed first.
async function moveOne(from: DirRoot, rel: Buffer, to: DirRoot, toRel: Buffer): Promise<void> {
  ops.mkdirs(to, parentOf(toRel));
  if (ops.lstat(to, toRel).kind === 'directory') await remove(to, toRel);
  ops.rename(from, rel, to, toRel);
}

async function moveEach(from: DirRoot, rel: Buffer, to: DirRoot, toRel: Buffer, walk: Walk): Promise<void> {
  const { kind } = ops.lstat(from, rel);
  if (kind === 'none') return;
  await pause(walk);
  if (kind !== 'directory') {
    await moveOne(from, rel, to, toRel);
    walk.moved.push(to.resolve(toRel));
    return;
  }
  makeDirectory(to, toRel);
  const names = ops.list(from, rel);
  // A directory that came empty (an empty directory the server sent) is reported too: the real client
  // runs -s on it with -T -i, as on each file and link.
  if (names.length === 0) walk.moved.push(to.resolve(toRel));
  for (const name of names) await moveEach(from, child(rel, name), to, child(toRel, name), walk);
  try {
    ops.unlink(from, rel, true);
  } catch (err) {
    if (ops.codeOf(err) !== 'ENOTEMPTY' && ops.codeOf(err) !== 'EEXIST') throw err; // added to meanwhile: left in temp
  }
}

/**
 * Moves the entry rel of tempRoot to `opts.to` (default: the same path) in destRoot (parents made as needed).
 * individually=false: one rename of the whole entry, whatever was at the target removed first (a
 * non-directory is replaced atomically); returns [its destination path].
 * individually=true (-i): directories are merged: each is made in destRoot if missing (a non-directory
 * in its way is replaced), each non-directory moved into it over whatever is there; emptied temp
 * directories are removed; returns the destination paths of the non-directories moved and of the
 * directories that were empty in temp, in walk order.
 * Nothing at rel in tempRoot: []. EXDEV when the two are on different filesystems (nothing is copied).
 */
export async function moveIntoPlace(
  tempRoot: DirRoot,
  rel: PathLike,
  destRoot: DirRoot,
  opts: { individually: boolean; to?: PathLike },
): Promise<string[]> {
  const r = relBytes(rel);
  const t = opts.to === undefined ? r : relBytes(opts.to);
  const source = ops.lstat(tempRoot, r).kind;
  if (source === 'none') return [];
  if (opts.individually) {
    const walk: Walk = { moved: [], steps: 0 };
    await moveEach(tempRoot, r, destRoot, t, walk);
    return walk.moved;
  }
  ops.mkdirs(destRoot, parentOf(t));
  const target = ops.lstat(destRoot, t).kind;
  if (target === 'directory' || (source === 'directory' && target !== 'none')) await remove(destRoot, t);
  ops.rename(tempRoot, r, destRoot, t);
  return [destRoot.resolve(t)];
}
