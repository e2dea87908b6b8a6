// lib/files on real files: roots, inspect, openForWrite's replacements, directories, symlinks,
// removal, rename, free space, and the refusals (EUNSAFE) of unsafe names and paths.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DirRoot,
  FileStoreError,
  freeSpace,
  inspect,
  makeDirectory,
  makeSymlink,
  openForWrite,
  remove,
  rename,
} from '../../lib/files';
import { expectCode, listTree, mkfifo, removeTrees, tempTree, type Tree } from './files-helpers';

let tree: Tree;
let root: DirRoot;
const at = (rel: string): string => path.join(tree.dest, rel);
const out = (rel: string): string => path.join(tree.outside, rel);

beforeEach(() => {
  tree = tempTree();
  root = DirRoot.open(tree.dest);
});
afterEach(() => root.close());
afterAll(removeTrees);

async function writeFile(rel: string, text: string, opts = { truncate: true }): Promise<void> {
  const handle = openForWrite(root, rel, opts);
  await handle.write(0, Buffer.from(text));
  await handle.close();
}

describe('DirRoot', () => {
  test('opens a directory given relative or through a symlink; path is absolute', () => {
    fs.symlinkSync(tree.dest, path.join(tree.base, 'alias'));
    const viaLink = DirRoot.open(path.join(tree.base, 'alias'));
    expect(viaLink.path).toBe(path.join(tree.base, 'alias'));
    const relative = DirRoot.open(path.relative(process.cwd(), tree.dest));
    expect(relative.path).toBe(tree.dest);
    fs.writeFileSync(at('f'), 'x');
    expect(inspect(viaLink, 'f').kind).toBe('file');
    expect(viaLink.resolve('a/b')).toBe(path.join(tree.base, 'alias', 'a', 'b'));
    viaLink.close();
    relative.close();
  });

  test('start-up errors: ENOENT, ENOTDIR, as FileStoreError', async () => {
    fs.writeFileSync(at('file'), '');
    await expectCode(() => DirRoot.open(path.join(tree.base, 'missing')), 'ENOENT');
    await expectCode(() => DirRoot.open(at('file')), 'ENOTDIR');
    let err: unknown;
    try {
      DirRoot.open(path.join(tree.base, 'missing'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileStoreError);
  });

  test('a closed root refuses with EBADF; close is idempotent', async () => {
    const other = DirRoot.open(tree.dest);
    other.close();
    other.close();
    expect(other.closed).toBe(true);
    await expectCode(() => inspect(other, 'x'), 'EBADF');
  });
});

describe('refusals', () => {
  const bad: Array<string | Buffer> = ['', '/', '/etc/passwd', '..', '../x', 'a/../../x', 'a/..', '.', 'a/./b', 'a//b', 'a/', 'a\0b', Buffer.from('a/\0/b')];

  test.each(bad.map((b) => [JSON.stringify(String(b)), b]))('%s is EUNSAFE for every operation, nothing made', async (_, rel) => {
    const other = DirRoot.open(tree.outside);
    await expectCode(() => inspect(root, rel), 'EUNSAFE');
    await expectCode(() => openForWrite(root, rel, { truncate: true }), 'EUNSAFE');
    await expectCode(() => makeDirectory(root, rel), 'EUNSAFE');
    await expectCode(() => makeSymlink(root, rel, 'x'), 'EUNSAFE');
    await expectCode(() => remove(root, rel), 'EUNSAFE');
    await expectCode(() => rename(root, rel, other, 'x'), 'EUNSAFE');
    await expectCode(() => rename(other, 'x', root, rel), 'EUNSAFE');
    other.close();
    expect(listTree(tree.base)).toEqual(['dest', 'outside']);
  });

  test('on POSIX a backslash is just a byte of the name', async () => {
    if (process.platform === 'win32') return;
    await writeFile('a\\b', 'x');
    expect(fs.readdirSync(tree.dest)).toEqual(['a\\b']);
  });

  test('names are bytes: a non-UTF-8 Buffer name works', async () => {
    const name = Buffer.from([0x66, 0xff, 0x2f, 0x67]); // "f\xff/g"
    const handle = openForWrite(root, name, { truncate: true });
    await handle.close();
    expect(inspect(root, name).kind).toBe('file');
  });
});

describe('inspect', () => {
  test('each kind, the last component not followed', () => {
    fs.mkdirSync(at('dir'));
    fs.writeFileSync(at('dir/file'), 'abc');
    fs.symlinkSync(tree.outside, at('link'));
    expect(inspect(root, 'dir')).toMatchObject({ kind: 'directory' });
    expect(inspect(root, 'dir/file')).toMatchObject({ kind: 'file', size: 3 });
    expect(inspect(root, 'dir/file').mtimeSec).toBe(Math.floor(fs.statSync(at('dir/file')).mtimeMs / 1000));
    expect(inspect(root, 'link').kind).toBe('symlink');
    expect(inspect(root, 'none')).toEqual({ kind: 'none', size: 0, mtimeSec: 0 });
    expect(inspect(root, 'none/deeper').kind).toBe('none');
    if (mkfifo(at('fifo'))) expect(inspect(root, 'fifo').kind).toBe('other');
  });

  test('a symlink or a file on the way is EUNSAFE', async () => {
    fs.writeFileSync(out('secret'), 's');
    fs.symlinkSync(tree.outside, at('link'));
    fs.writeFileSync(at('file'), '');
    await expectCode(() => inspect(root, 'link/secret'), 'EUNSAFE');
    await expectCode(() => inspect(root, 'file/x'), 'EUNSAFE');
  });
});

describe('openForWrite', () => {
  test('makes the parents and writes', async () => {
    await writeFile('a/b/c.txt', 'hello');
    expect(fs.readFileSync(at('a/b/c.txt'), 'utf8')).toBe('hello');
  });

  test('truncate=true starts a new file: another hard link of the old one keeps its bytes', async () => {
    await writeFile('f', 'old contents');
    fs.linkSync(at('f'), out('hardlink'));
    await writeFile('f', 'new');
    expect(fs.readFileSync(at('f'), 'utf8')).toBe('new');
    expect(fs.readFileSync(out('hardlink'), 'utf8')).toBe('old contents');
  });

  test('truncate=false keeps existing bytes (resume)', async () => {
    await writeFile('f', 'abcdef');
    const handle = openForWrite(root, 'f', { truncate: false });
    await handle.write(3, Buffer.from('XY'));
    await handle.close();
    expect(fs.readFileSync(at('f'), 'utf8')).toBe('abcXYf');
  });

  test('truncate=false refuses a file with other hard links (it could be a file outside)', async () => {
    fs.writeFileSync(out('victim'), 'precious');
    fs.linkSync(out('victim'), at('f'));
    await expectCode(() => openForWrite(root, 'f', { truncate: false }), 'EUNSAFE');
    expect(fs.readFileSync(out('victim'), 'utf8')).toBe('precious');
  });

  test.each([true, false])('a symlink planted at the file (truncate=%s) is replaced, its target untouched', async (truncate) => {
    fs.writeFileSync(out('victim'), 'precious');
    fs.symlinkSync(out('victim'), at('f'));
    fs.symlinkSync(out('nothing-yet'), at('dangling'));
    await writeFile('f', 'received', { truncate });
    await writeFile('dangling', 'received', { truncate });
    expect(fs.lstatSync(at('f')).isFile()).toBe(true);
    expect(fs.readFileSync(at('f'), 'utf8')).toBe('received');
    expect(fs.readFileSync(out('victim'), 'utf8')).toBe('precious');
    expect(fs.readdirSync(tree.outside)).toEqual(['victim']);
  });

  test('a FIFO at the file is replaced (no hang)', async () => {
    if (!mkfifo(at('f'))) return;
    await writeFile('f', 'data', { truncate: false });
    expect(fs.lstatSync(at('f')).isFile()).toBe(true);
  });

  test('a directory at the file: EISDIR, or replaced with replaceDirectory', async () => {
    fs.mkdirSync(at('d/sub'), { recursive: true });
    fs.writeFileSync(at('d/sub/x'), '');
    await expectCode(() => openForWrite(root, 'd', { truncate: true }), 'EISDIR');
    const handle = openForWrite(root, 'd', { truncate: true, replaceDirectory: true });
    await handle.close();
    expect(fs.lstatSync(at('d')).isFile()).toBe(true);
  });

  test('a symlink to a directory outside, on the way: EUNSAFE, nothing appears outside', async () => {
    fs.symlinkSync(tree.outside, at('sub'));
    await expectCode(() => openForWrite(root, 'sub/f', { truncate: true }), 'EUNSAFE');
    await expectCode(() => openForWrite(root, 'sub/deeper/f', { truncate: true }), 'EUNSAFE');
    fs.mkdirSync(at('real'));
    fs.symlinkSync(tree.outside, at('real/link'));
    await expectCode(() => openForWrite(root, 'real/link/f', { truncate: true }), 'EUNSAFE');
    expect(fs.readdirSync(tree.outside)).toEqual([]);
  });

  test('a file on the way: EUNSAFE', async () => {
    fs.writeFileSync(at('file'), '');
    await expectCode(() => openForWrite(root, 'file/f', { truncate: true }), 'EUNSAFE');
  });

  test('mode applies to new files (umask aside)', async () => {
    const handle = openForWrite(root, 'm', { truncate: true, mode: 0o600 });
    await handle.close();
    expect(fs.statSync(at('m')).mode & 0o777).toBe(0o600 & ~process.umask());
  });
});

describe('makeDirectory', () => {
  test('-p, existing directories fine', () => {
    makeDirectory(root, 'a/b/c');
    makeDirectory(root, 'a/b/c');
    makeDirectory(root, 'a');
    expect(listTree(tree.dest)).toEqual(['a', 'a/b', 'a/b/c']);
  });

  test('a file or symlink at the last component is replaced; the link target is untouched', () => {
    fs.writeFileSync(at('file'), '');
    fs.symlinkSync(tree.outside, at('link'));
    makeDirectory(root, 'file');
    makeDirectory(root, 'link');
    expect(fs.lstatSync(at('file')).isDirectory()).toBe(true);
    expect(fs.lstatSync(at('link')).isDirectory()).toBe(true);
    expect(fs.statSync(tree.outside).isDirectory()).toBe(true);
  });

  test('a symlink on the way: EUNSAFE, nothing made outside', async () => {
    fs.symlinkSync(tree.outside, at('link'));
    await expectCode(() => makeDirectory(root, 'link/new'), 'EUNSAFE');
    expect(fs.readdirSync(tree.outside)).toEqual([]);
  });
});

describe('makeSymlink', () => {
  test('makes parents; the target is stored as given, never followed', () => {
    makeSymlink(root, 'a/b/l', '../../../../etc/passwd');
    expect(fs.readlinkSync(at('a/b/l'))).toBe('../../../../etc/passwd');
    makeSymlink(root, 'raw', Buffer.from('/abs/target'));
    expect(fs.readlinkSync(at('raw'))).toBe('/abs/target');
  });

  test('replaces a file, a symlink and an empty directory; a non-empty directory is ENOTEMPTY', async () => {
    fs.writeFileSync(at('file'), '');
    fs.symlinkSync(tree.outside, at('link'));
    fs.mkdirSync(at('empty'));
    fs.mkdirSync(at('full'));
    fs.writeFileSync(at('full/x'), '');
    for (const name of ['file', 'link', 'empty']) {
      makeSymlink(root, name, 'T');
      expect(fs.readlinkSync(at(name))).toBe('T');
    }
    await expectCode(() => makeSymlink(root, 'full', 'T'), 'ENOTEMPTY');
    expect(fs.existsSync(at('full/x'))).toBe(true);
  });
});

describe('remove', () => {
  test('files, whole trees, and nothing at all', async () => {
    fs.mkdirSync(at('t/a/b'), { recursive: true });
    for (let i = 0; i < 300; i++) fs.writeFileSync(at(`t/a/b/f${i}`), '');
    fs.writeFileSync(at('t/top'), '');
    fs.writeFileSync(at('single'), '');
    await remove(root, 'single');
    await remove(root, 't');
    await remove(root, 'never-was');
    await remove(root, 'never/was');
    expect(fs.readdirSync(tree.dest)).toEqual([]);
  });

  test('never follows a symlink: links are unlinked, what they point at stays', async () => {
    fs.writeFileSync(out('keep'), 'k');
    fs.mkdirSync(at('t'));
    fs.symlinkSync(tree.outside, at('t/dirlink'));
    fs.symlinkSync(out('keep'), at('t/filelink'));
    fs.symlinkSync(tree.outside, at('toplink'));
    await remove(root, 't');
    await remove(root, 'toplink');
    expect(fs.readdirSync(tree.dest)).toEqual([]);
    expect(fs.readdirSync(tree.outside)).toEqual(['keep']);
  });

  test('a symlink on the way: EUNSAFE, the outside untouched', async () => {
    fs.writeFileSync(out('keep'), 'k');
    fs.symlinkSync(tree.outside, at('link'));
    await expectCode(() => remove(root, 'link/keep'), 'EUNSAFE');
    expect(fs.readdirSync(tree.outside)).toEqual(['keep']);
  });
});

describe('rename', () => {
  test('within a root and across roots, making the parents, replacing a file', () => {
    const other = DirRoot.open(tree.outside);
    fs.writeFileSync(at('a'), 'A');
    fs.writeFileSync(at('b'), 'B');
    rename(root, 'a', root, 'x/y/b2');
    expect(fs.readFileSync(at('x/y/b2'), 'utf8')).toBe('A');
    rename(root, 'b', root, 'x/y/b2');
    expect(fs.readFileSync(at('x/y/b2'), 'utf8')).toBe('B');
    rename(root, 'x', other, 'moved/x');
    expect(listTree(tree.outside)).toEqual(['moved', 'moved/x', 'moved/x/y', 'moved/x/y/b2']);
    other.close();
  });

  test('a directory goes over a non-directory; a non-empty directory target stays', async () => {
    fs.mkdirSync(at('dir'));
    fs.writeFileSync(at('dir/in'), '');
    fs.writeFileSync(at('file'), '');
    rename(root, 'dir', root, 'file');
    expect(fs.readdirSync(at('file'))).toEqual(['in']);
    fs.writeFileSync(at('f2'), '');
    await expectCode(() => rename(root, 'f2', root, 'file'), 'EISDIR');
    await expectCode(() => rename(root, 'missing', root, 'x'), 'ENOENT');
  });

  test('a symlink is moved as itself', () => {
    fs.symlinkSync(tree.outside, at('link'));
    rename(root, 'link', root, 'sub/link');
    expect(fs.readlinkSync(at('sub/link'))).toBe(tree.outside);
  });
});

test('freeSpace: bytes available, > 0', async () => {
  const bytes = await freeSpace(root);
  expect(bytes).toBeGreaterThan(0);
  const st = fs.statfsSync(tree.dest);
  expect(Math.abs(bytes - st.bavail * st.bsize)).toBeLessThan(64 * 1024 * 1024); // the disk is in use by others
});
