// Waiting on files that programs in the lab write: received files, log files, status files.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const POLL_MS = 50;

function timeoutError(timeoutMs: number, what: string, last: string): Error {
  return Object.assign(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`), {
    code: 'ETIMEDOUT',
  });
}

async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

// Polls `path` until it exists and `accept` says yes; the description says what was last seen.
async function pollFile<T>(
  path: string,
  timeoutMs: number,
  what: string,
  accept: (content: Buffer) => T | undefined,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = 'no such file';
  for (;;) {
    const content = await readIfThere(path);
    if (content) {
      const verdict = accept(content);
      if (verdict !== undefined) return verdict;
      last = `${content.length} bytes, not yet`;
    }
    if (Date.now() >= end) throw timeoutError(timeoutMs, what, last);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function waitForFile(
  path: string,
  timeoutMs: number,
  predicate?: (content: Buffer) => boolean,
): Promise<Buffer> {
  const what = predicate ? `${path} to satisfy its predicate` : path;
  return pollFile(path, timeoutMs, what, (c) => (!predicate || predicate(c) ? c : undefined));
}

// A predicate for waitForFile: true once the size has not changed for `quietMs` (a writer is done).
export function sizeStableFor(quietMs: number): (content: Buffer) => boolean {
  let size = -1;
  let since = 0;
  return (content) => {
    const now = Date.now();
    if (content.length !== size) {
      size = content.length;
      since = now;
    }
    return now - since >= quietMs;
  };
}

// Waits for a line such as a log entry to appear in a file.
export function waitForFileMatch(path: string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return pollFile(path, timeoutMs, `${pattern} in ${path}`, (c) => c.toString('utf8').match(pattern) ?? undefined);
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
