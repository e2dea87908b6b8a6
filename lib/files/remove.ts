// Removal of a whole entry, never following a symlink (a link is unlinked itself). One walk, run
// either to the end at once (inside other operations) or yielding to the event loop now and then.
import { codeOf, list, lstat, unlink } from './ops';
import { child, relBytes } from './paths';
import type { DirRoot } from './root';
import type { PathLike } from './types';

const STEPS_PER_TURN = 128;

// A directory that vanished meanwhile has nothing left to remove.
function names(root: DirRoot, rel: Buffer): Buffer[] {
  try {
    return list(root, rel);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return [];
    throw err;
  }
}

function* removal(root: DirRoot, rel: Buffer): Generator<void, void, void> {
  const { kind } = lstat(root, rel);
  if (kind === 'none') return;
  if (kind !== 'directory') {
    unlink(root, rel, false);
    yield;
    return;
  }
  for (const name of names(root, rel)) yield* removal(root, child(rel, name));
  try {
    unlink(root, rel, true);
  } catch (err) {
    // Something was added meanwhile: one more pass, then let the error stand.
    if (codeOf(err) !== 'ENOTEMPTY' && codeOf(err) !== 'EEXIST') throw err;
    for (const name of names(root, rel)) yield* removal(root, child(rel, name));
    unlink(root, rel, true);
  }
  yield;
}

/** Synchronous removal, for the store's own replacements. */
export function removeNow(root: DirRoot, rel: Buffer): void {
  const steps = removal(root, rel);
  while (!steps.next().done);
}

/** Removes the entry at rel, recursively for a directory; nothing there is not an error. */
export async function remove(root: DirRoot, rel: PathLike): Promise<void> {
  const steps = removal(root, relBytes(rel));
  for (let n = 1; !steps.next().done; n++) {
    if (n % STEPS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
