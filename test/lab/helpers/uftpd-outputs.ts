// What the uftpd safety and output tests read back: a directory tree as a listing with hashes, the real
// uftp's per-client report (-S status file), a client's -F status lines, and a -s script that records its
// argv one call a line.
import { createHash } from 'node:crypto';
import { chmod, lstat, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every entry under `root` (root itself excluded) as `relative path -> description`: type and mode, and a
 * sha256 for files, the target for links. `skip` lists relative paths left out with all beneath them.
 * A root that does not exist gives {}.
 */
export async function snapshot(root: string, skip: string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(path.join(root, rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names.sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (skip.includes(r)) continue;
      const full = path.join(root, r);
      const st = await lstat(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link -> ${await readlink(full)}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${mode}`;
        await walk(r);
      } else if (st.isFile()) out[r] = `file ${mode} ${createHash('sha256').update(await readFile(full)).digest('hex')}`;
      else out[r] = `other ${mode}`;
    }
  };
  await walk('');
  return out;
}

/** What changed from `before` to `after`: added, removed and changed paths, sorted. */
export function changes(before: Record<string, string>, after: Record<string, string>): { added: string[]; removed: string[]; changed: string[] } {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return {
    added: keys.filter((k) => !(k in before)),
    removed: keys.filter((k) => !(k in after)),
    changed: keys.filter((k) => k in before && k in after && before[k] !== after[k]),
  };
}

/**
 * The real uftp's -S status file: for one client (ID as uftp prints it, "0xC6120003"), each file's name
 * and status in order: copy, overwritten, skipped, rejected...
 */
export async function serverResults(statusFile: string, uid: string): Promise<Array<[string, string]>> {
  const text = await readFile(statusFile, 'utf8');
  return text
    .split('\n')
    .map((line) => line.split(';'))
    .filter((f) => f[0] === 'RESULT' && f[1].toUpperCase() === uid.toUpperCase())
    .map((f) => [f[2], f[4]]);
}

/** The words of the server's report in the client's -F vocabulary. */
export function asClientWord(serverWord: string): string {
  return ({ copy: 'copied', overwritten: 'overwritten', skipped: 'skipped', rejected: 'rejected' } as Record<string, string>)[serverWord] ?? serverWord;
}

/** A client's -F file as lines split into fields (missing file: []). */
export async function statusLines(statusFile: string): Promise<string[][]> {
  const text = await readFile(statusFile, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '').map((l) => l.split(';'));
}

/** RESULT lines of a -F file as [name, status] in order. */
export async function clientResults(statusFile: string): Promise<Array<[string, string]>> {
  return (await statusLines(statusFile)).filter((f) => f[0] === 'RESULT').map((f) => [f[4], f[6]]);
}

/** A -s script at `script` that appends its arguments, one call a line, to `log`. */
export async function recordingScript(script: string, log: string): Promise<void> {
  await writeFile(script, `#!/bin/sh\necho "$*" >> '${log}'\n`);
  await chmod(script, 0o755);
}

/** The calls recorded by recordingScript: each call's argv (split on spaces: the tests' names have none). */
export async function recordedCalls(log: string): Promise<string[][]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '').map((l) => l.split(' '));
}

/** Polls until `count()` reaches `n` (or the time is up: the caller's assertion then shows what came). */
export async function settle(count: () => Promise<number>, n: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await count()) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}
