// Temp trees for the lib/files tests: a destination root beside an "outside" directory that must
// stay untouched, removed again after each test file.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Tree {
  base: string;
  /** Opened as the root in the tests. */
  dest: string;
  /** Never to be written by the store. */
  outside: string;
}

const made: string[] = [];

export function tempTree(): Tree {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'uftp-files-'));
  made.push(base);
  const tree = { base, dest: path.join(base, 'dest'), outside: path.join(base, 'outside') };
  fs.mkdirSync(tree.dest);
  fs.mkdirSync(tree.outside);
  return tree;
}

/** Removes every tree made by tempTree (call from afterAll). */
export function removeTrees(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Every file and directory beneath dir, relative, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const sub = rel === '' ? entry.name : `${rel}/${entry.name}`;
      out.push(sub);
      if (entry.isDirectory()) walk(sub);
    }
  };
  walk('');
  return out.sort();
}

export function mkfifo(at: string): boolean {
  try {
    execFileSync('mkfifo', [at]);
    return true;
  } catch {
    return false;
  }
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Mounts a tmpfs of `size` at a new directory (root only); undefined with the reason logged otherwise. */
export function mountTmpfs(size: string): { dir: string; unmount(): void } | undefined {
  if (!isRoot) {
    console.warn(`lib/files tests: not root, so no tmpfs of ${size}: the ENOSPC and EXDEV tests are skipped`);
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uftp-files-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmdirSync(dir);
    console.warn(`lib/files tests: mount -t tmpfs failed (${String(err).split('\n')[0]}): the ENOSPC and EXDEV tests are skipped`);
    return undefined;
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir]);
      fs.rmdirSync(dir);
    },
  };
}

/** Expects `fn` to throw (or reject with) a FileStoreError of this code. */
export async function expectCode(fn: () => unknown, code: string): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeDefined();
  expect((caught as { code?: string }).code).toBe(code);
}
