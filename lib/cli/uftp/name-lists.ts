// The name lists of uftp: -i (files to send; '-' reads stdin) and -X (names to leave out). One name a
// line, kept as bytes: a name may hold any byte but NUL and newline, so nothing is trimmed (the real uftp
// looks up "  a" as a file named "  a"), '#' starts no comment, and only the line end is taken off
// ("\n" or "\r\n"). Empty lines are skipped. Both lists are read whole at start-up, as the real uftp does.
import { readFileSync } from 'node:fs';
import { UsageError } from '../exit';

/** Lines of `data` as bytes, without line ends, empty ones left out. */
export function splitNameLines(data: Buffer): Buffer[] {
  const names: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    let last = end;
    if (last > start && data[last - 1] === 0x0d) last--;
    if (last > start) names.push(data.subarray(start, last));
    start = end + 1;
  }
  return names;
}

function readWhole(opt: string, what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`-${opt}: couldn't read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** -X: every file's names add up. */
export function readExcludeLists(paths: string[]): Buffer[] {
  return paths.flatMap((path) => splitNameLines(readWhole('X', 'exclude list', path)));
}

/** Reads all of stdin (the default for -i -). */
export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * -i: the names to send. A list without names is refused: the real uftp prints its usage for an empty
 * list, but sends the operands instead when there are some, which a script fed by an empty `find` did
 * not mean.
 */
export async function readFileList(path: string, stdin: () => Promise<Buffer> = readStdin): Promise<Buffer[]> {
  let data: Buffer;
  if (path === '-') {
    try {
      data = await stdin();
    } catch (err) {
      throw new UsageError(`-i: couldn't read the file list from stdin: ${(err as Error).message}`);
    }
  } else data = readWhole('i', 'file list', path);
  const names = splitNameLines(data);
  if (names.length === 0) throw new UsageError(`-i: ${path === '-' ? 'stdin' : path}: no file names listed`);
  return names;
}
