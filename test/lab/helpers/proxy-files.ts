// Files to send and the check that they arrived: every regular file of a tree, by relative path and sha256.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../../../scripts/lab';

/** Writes `size` random bytes (in 1 MiB pieces, so 100 MB never sits in memory twice) and returns the path. */
export async function randomFile(dir: string, name: string, size: number): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '');
  for (let done = 0; done < size; ) {
    const n = Math.min(1 << 20, size - done);
    await appendFile(file, randomBytes(n));
    done += n;
  }
  return file;
}

/** relative path -> sha256 for every regular file under root ('' for a root that is itself a file). */
export async function treeDigest(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out[path.relative(root, full)] = await sha256File(full);
    }
  };
  await walk(root);
  return out;
}

/** Empty directories of a tree, relative paths (uftp sends them as DIRECTORY entries). */
export async function emptyDirs(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.length === 0 && dir !== root) out.push(path.relative(root, dir));
    for (const e of entries) if (e.isDirectory()) await walk(path.join(dir, e.name));
  };
  await walk(root);
  return out.sort();
}

/** A small payload for transfers whose subject is not the file: one random file of `size` bytes. */
export async function payload(dir: string, size = 256 * 1024): Promise<{ file: string; digest: Record<string, string> }> {
  const file = await randomFile(dir, 'payload.bin', size);
  return { file, digest: await treeDigest(dir) };
}
