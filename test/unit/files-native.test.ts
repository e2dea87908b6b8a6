// The addon's beneath primitive, on real files, once resolving with openat2 (where the kernel has it)
// and once walking openat(O_NOFOLLOW) component by component: the same answers either way.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeFiles, type NativeRoot } from '../../lib/files/native';
import { removeTrees, tempTree, type Tree } from './files-helpers';

const native = nativeFiles();
const initial = native.beneathResolver();
const POSIX = process.platform !== 'win32';

afterAll(() => {
  native.setBeneathWalk(false);
  removeTrees();
});

function codeOf(fn: () => unknown): { code?: string; syscall?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; syscall?: string };
  }
  return {};
}

test('the resolver in use is named', () => {
  expect(['openat2', 'walk', 'windows']).toContain(initial);
  if (initial !== 'openat2') console.warn(`files-native: no openat2 here (${initial}); only the walk is tested`);
});

describe.each(['openat2', 'walk'] as const)('resolving with %s', (mode) => {
  let tree: Tree;
  let root: NativeRoot;
  const skip = mode === 'openat2' && initial !== 'openat2';

  beforeAll(() => {
    native.setBeneathWalk(mode === 'walk');
  });
  beforeEach(() => {
    tree = tempTree();
    fs.mkdirSync(path.join(tree.dest, 'd'));
    fs.writeFileSync(path.join(tree.dest, 'd', 'f'), 'hello');
    fs.writeFileSync(path.join(tree.dest, 'file'), 'x');
    fs.symlinkSync(tree.outside, path.join(tree.dest, 'link'));
    root = native.openRoot(tree.dest);
  });
  afterEach(() => native.closeRoot(root));

  (skip ? test.skip : test)('says which resolver it uses', () => {
    expect(native.beneathResolver()).toBe(mode);
  });

  (skip ? test.skip : test)('lstatAt reports each kind without following the last component', () => {
    expect(native.lstatAt(root, 'd')).toMatchObject({ kind: 'directory' });
    expect(native.lstatAt(root, 'd/f')).toMatchObject({ kind: 'file', size: 5 });
    expect(native.lstatAt(root, Buffer.from('d/f'))).toMatchObject({ kind: 'file', size: 5 });
    expect(native.lstatAt(root, 'link')).toMatchObject({ kind: 'symlink' });
    expect(native.lstatAt(root, 'missing')).toMatchObject({ kind: 'none' });
    expect(native.lstatAt(root, 'missing/below')).toMatchObject({ kind: 'none' });
    const st = native.lstatAt(root, 'd/f');
    expect(st.mtimeSec).toBe(Math.floor(fs.statSync(path.join(tree.dest, 'd', 'f')).mtimeMs / 1000));
    expect(st.mode).toBe(fs.statSync(path.join(tree.dest, 'd', 'f')).mode & 0o7777);
  });

  (skip ? test.skip : test)('a symlink on the way is ELOOP, a file on the way ENOTDIR, whatever the call', () => {
    fs.writeFileSync(path.join(tree.outside, 'secret'), 'outside');
    const calls: Array<() => unknown> = [
      () => native.lstatAt(root, 'link/secret'),
      () => native.readdirAt(root, 'link'),
      () => native.mkdirs(root, 'link/new', 0o755),
      () => native.openFile(root, 'link/secret', { create: true }, 0o644),
      () => native.openFile(root, 'link/new', { create: true, exclusive: true }, 0o644),
      () => native.unlinkAt(root, 'link/secret', { directory: false }),
      () => native.renameAt(root, 'file', root, 'link/moved'),
      () => native.renameAt(root, 'link/secret', root, 'stolen'),
      () => native.symlinkAt(root, 'link/l2', '/'),
    ];
    for (const call of calls) expect(codeOf(call).code).toBe('ELOOP');
    expect(codeOf(() => native.lstatAt(root, 'file/x')).code).toBe('ENOTDIR');
    expect(codeOf(() => native.mkdirs(root, 'file/x', 0o755)).code).toBe('ENOTDIR');
    expect(fs.readdirSync(tree.outside)).toEqual(['secret']);
    expect(fs.readFileSync(path.join(tree.outside, 'secret'), 'utf8')).toBe('outside');
  });

  (skip ? test.skip : test)('the final component is never followed', () => {
    // Opening a symlink for writing is refused; unlink and rename act on the link itself.
    expect(codeOf(() => native.openFile(root, 'link', { create: true }, 0o644)).code).toBe('ELOOP');
    expect(codeOf(() => native.openFile(root, 'link', { create: true, exclusive: true }, 0o644)).code).toBe('EEXIST');
    native.renameAt(root, 'link', root, 'd/link2');
    expect(fs.readlinkSync(path.join(tree.dest, 'd', 'link2'))).toBe(tree.outside);
    native.unlinkAt(root, 'd/link2', { directory: false });
    expect(fs.existsSync(tree.outside)).toBe(true);
  });

  (skip ? test.skip : test)('refused names: EINVAL from "beneath" before any syscall', () => {
    const bad = ['', '/', '/etc', '..', '../x', 'd/../../x', 'd/..', '.', 'd/./f', 'd//f', 'd/', 'a\0b'];
    for (const rel of bad) {
      for (const arg of [rel, Buffer.from(rel)]) {
        const err = codeOf(() => native.lstatAt(root, arg));
        expect([rel, err.code, err.syscall]).toEqual([rel, 'EINVAL', 'beneath']);
        expect(codeOf(() => native.openFile(root, arg, { create: true }, 0o644)).syscall).toBe('beneath');
      }
    }
    expect(codeOf(() => native.symlinkAt(root, 'l', 'a\0b')).syscall).toBe('beneath');
    // '' is the root itself where that makes sense.
    expect(native.readdirAt(root, '').map(String).sort()).toEqual(['d', 'file', 'link']);
    expect(() => native.mkdirs(root, '', 0o755)).not.toThrow();
  });

  (skip ? test.skip : test)('mkdirs, openFile, readdirAt, renameAt, symlinkAt, unlinkAt', () => {
    native.mkdirs(root, 'a/b/c', 0o750);
    native.mkdirs(root, 'a/b/c', 0o750); // already there: fine
    expect(fs.statSync(path.join(tree.dest, 'a/b/c')).isDirectory()).toBe(true);
    const fd = native.openFile(root, 'a/b/c/new', { create: true, exclusive: true }, 0o640);
    fs.writeSync(fd, 'data');
    expect(fs.fstatSync(fd).size).toBe(4);
    fs.closeSync(fd);
    expect(codeOf(() => native.openFile(root, 'a/b/c/new', { create: true, exclusive: true }, 0o640)).code).toBe('EEXIST');
    const again = native.openFile(root, 'a/b/c/new', { truncate: true }, 0);
    fs.closeSync(again);
    expect(fs.statSync(path.join(tree.dest, 'a/b/c/new')).size).toBe(0);
    expect(codeOf(() => native.openFile(root, 'nothing', {}, 0)).code).toBe('ENOENT');
    expect(codeOf(() => native.openFile(root, 'd', {}, 0)).code).toBe('EISDIR');
    expect(native.readdirAt(root, 'a/b/c').map(String)).toEqual(['new']);
    native.renameAt(root, 'a/b/c/new', root, 'd/renamed');
    expect(fs.readdirSync(path.join(tree.dest, 'd')).sort()).toEqual(['f', 'renamed']);
    native.symlinkAt(root, 'd/sl', Buffer.from('../../anywhere'));
    expect(fs.readlinkSync(path.join(tree.dest, 'd/sl'))).toBe('../../anywhere');
    expect(codeOf(() => native.unlinkAt(root, 'a', { directory: true })).code).toBe('ENOTEMPTY');
    native.unlinkAt(root, 'a/b/c', { directory: true });
    expect(codeOf(() => native.unlinkAt(root, 'a/b/c', { directory: true })).code).toBe('ENOENT');
    expect(native.freeSpaceAt(root)).toBeGreaterThan(0);
  });

  (skip ? test.skip : test)('on POSIX a backslash is an ordinary byte of a name', () => {
    if (!POSIX) return;
    const fd = native.openFile(root, 'a\\b', { create: true, exclusive: true }, 0o644);
    fs.closeSync(fd);
    expect(fs.readdirSync(tree.dest)).toContain('a\\b');
  });
});

test('roots: the root path may itself be a symlink; errors carry code and syscall; closed roots refuse', () => {
  const tree = tempTree();
  fs.symlinkSync(tree.dest, path.join(tree.base, 'via-link'));
  const root = native.openRoot(path.join(tree.base, 'via-link'));
  fs.writeFileSync(path.join(tree.dest, 'seen'), '');
  expect(native.lstatAt(root, 'seen').kind).toBe('file');
  native.closeRoot(root);
  native.closeRoot(root); // idempotent
  expect(codeOf(() => native.lstatAt(root, 'seen')).code).toBe('ERR_ROOT_CLOSED');
  expect(codeOf(() => native.openRoot(path.join(tree.base, 'missing')))).toMatchObject({ code: 'ENOENT', syscall: 'open' });
  expect(codeOf(() => native.openRoot(path.join(tree.dest, 'seen')))).toMatchObject({ code: 'ENOTDIR' });
  expect(() => native.lstatAt({} as NativeRoot, 'x')).toThrow('root must be a handle from openRoot()');
});

test('UFTP_BENEATH=walk in the environment forces the walk in a fresh process', () => {
  const repo = path.join(__dirname, '..', '..');
  const script = `console.log(require('bindings')({ bindings: 'uftp_native', module_root: ${JSON.stringify(repo)} }).beneathResolver())`;
  const run = (env: NodeJS.ProcessEnv): string =>
    execFileSync(process.execPath, ['-e', script], { cwd: repo, env }).toString().trim();
  const plain = { ...process.env };
  delete plain.UFTP_BENEATH;
  if (POSIX) expect(run({ ...plain, UFTP_BENEATH: 'walk' })).toBe('walk');
  expect(run(plain)).toBe(initial);
});
