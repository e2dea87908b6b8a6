// The daemon's file executor on a real directory tree: -t's temp file renamed over the final name at
// close (what was there backed up first with -A), and a directory where a file comes left alone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileExecutor } from '../../lib/cli/uftpd/file-executor';
import type { FileRequest, FileResult, Place } from '../../lib/client/types';
import { backupStamp, DirRoot } from '../../lib/files';
import { removeTrees, tempTree, type Tree } from './files-helpers';

let tree: Tree;
let roots: { dest: DirRoot[]; backup: DirRoot[] };
let executor: FileExecutor;
const waiting = new Map<number, (r: FileResult) => void>();
let nextId = 1;
const when = new Date(2024, 0, 2, 3, 4, 5).getTime();

const at = (rel: string): Place => ({ root: { kind: 'dest', index: 0 }, path: Buffer.from(rel) });

/** Runs one request (its id filled in) and resolves with its result. */
function ask(req: Record<string, unknown> & { op: string }): Promise<FileResult> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    executor.run({ ...req, id } as unknown as FileRequest);
  });
}

async function receive(place: Place, bytes: string): Promise<number> {
  const opened = await ask({ op: 'open', place, truncate: true, when });
  if (!opened.ok || opened.value.kind !== 'open') throw new Error(`open failed: ${JSON.stringify(opened)}`);
  executor.run({ op: 'write', handle: opened.value.handle, offset: 0, data: Buffer.from(bytes) });
  return opened.value.handle;
}

beforeEach(() => {
  tree = tempTree();
  fs.mkdirSync(path.join(tree.base, 'backup'));
  roots = { dest: [DirRoot.open(tree.dest)], backup: [DirRoot.open(path.join(tree.base, 'backup'))] };
  executor = new FileExecutor(roots, (r) => waiting.get(r.id)?.(r));
});
afterEach(async () => {
  await executor.closeAll();
  [...roots.dest, ...roots.backup].forEach((r) => r.close());
});
afterAll(removeTrees);

describe('file executor: -t', () => {
  test('close renames the temp file over the final name; nothing is left beside it', async () => {
    fs.writeFileSync(path.join(tree.dest, 'f.bin'), 'old');
    const handle = await receive(at('f.bin.~uftp-1F2E3D4C-0001'), 'new bytes');
    const closed = await ask({ op: 'close', handle, rename: at('f.bin'), when });
    expect(closed).toMatchObject({ ok: true });
    expect(fs.readdirSync(tree.dest)).toEqual(['f.bin']);
    expect(fs.readFileSync(path.join(tree.dest, 'f.bin'), 'utf8')).toBe('new bytes');
  });

  test('with -A the old file goes to the backup first', async () => {
    fs.writeFileSync(path.join(tree.dest, 'f.bin'), 'old');
    const handle = await receive(at('f.bin.~uftp-1F2E3D4C-0001'), 'new bytes');
    expect(await ask({ op: 'close', handle, rename: at('f.bin'), backupIndex: 0, when })).toMatchObject({ ok: true });
    const backedUp = path.join(tree.base, 'backup', ...backupStamp(new Date(when)), tree.dest.slice(1), 'f.bin');
    expect(fs.readFileSync(backedUp, 'utf8')).toBe('old');
    expect(fs.readFileSync(path.join(tree.dest, 'f.bin'), 'utf8')).toBe('new bytes');
  });
});

describe('file executor: a directory where a file comes', () => {
  test('is not removed: the open fails with EISDIR and the directory keeps its files', async () => {
    fs.mkdirSync(path.join(tree.dest, 'isdir'));
    fs.writeFileSync(path.join(tree.dest, 'isdir', 'keep.txt'), 'kept');
    const opened = await ask({ op: 'open', place: at('isdir'), truncate: true, when });
    expect(opened).toMatchObject({ ok: false, code: 'EISDIR' });
    expect(fs.readFileSync(path.join(tree.dest, 'isdir', 'keep.txt'), 'utf8')).toBe('kept');
  });

  test('with -A it goes to the backup and the file takes its place', async () => {
    fs.mkdirSync(path.join(tree.dest, 'isdir'));
    fs.writeFileSync(path.join(tree.dest, 'isdir', 'keep.txt'), 'kept');
    const opened = await ask({ op: 'open', place: at('isdir'), truncate: true, backupIndex: 0, when });
    expect(opened).toMatchObject({ ok: true });
    const backedUp = path.join(tree.base, 'backup', ...backupStamp(new Date(when)), tree.dest.slice(1), 'isdir', 'keep.txt');
    expect(fs.readFileSync(backedUp, 'utf8')).toBe('kept');
    expect(fs.lstatSync(path.join(tree.dest, 'isdir')).isFile()).toBe(true);
  });
});
