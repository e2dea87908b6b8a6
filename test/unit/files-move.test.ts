// -A backups (YYYYMMDD/HHMMSS/<absolute path>) and -T moves into place, whole and with -i.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { backup, backupStamp, DirRoot, moveIntoPlace } from '../../lib/files';
import { expectCode, listTree, removeTrees, tempTree, type Tree } from './files-helpers';

let tree: Tree;
let dest: DirRoot;
let temp: DirRoot;
let backups: DirRoot;
const when = new Date(2024, 0, 2, 3, 4, 5); // local time
const at = (rel: string): string => path.join(tree.dest, rel);
const tmp = (rel: string): string => path.join(tree.base, 'temp', rel);

function put(file: string, text = path.basename(file)): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

beforeEach(() => {
  tree = tempTree();
  fs.mkdirSync(path.join(tree.base, 'temp'));
  fs.mkdirSync(path.join(tree.base, 'backup'));
  dest = DirRoot.open(tree.dest);
  temp = DirRoot.open(path.join(tree.base, 'temp'));
  backups = DirRoot.open(path.join(tree.base, 'backup'));
});
afterEach(() => [dest, temp, backups].forEach((r) => r.close()));
afterAll(removeTrees);

describe('backup', () => {
  test('stamp: local date and time', () => {
    expect(backupStamp(when)).toEqual(['20240102', '030405']);
    expect(backupStamp(new Date(2031, 11, 31, 23, 59, 58))).toEqual(['20311231', '235958']);
  });

  test('moves the entry to YYYYMMDD/HHMMSS/<absolute path without the leading />', () => {
    put(at('a/b.txt'), 'old');
    const moved = backup(dest, 'a/b.txt', backups, when);
    const expected = path.join(tree.base, 'backup', '20240102', '030405', tree.dest.slice(1), 'a', 'b.txt');
    expect(moved).toBe(expected);
    expect(fs.readFileSync(expected, 'utf8')).toBe('old');
    expect(fs.existsSync(at('a/b.txt'))).toBe(false);
    expect(fs.existsSync(at('a'))).toBe(true);
  });

  test('a second backup within the same second gets .1, then .2', () => {
    for (const text of ['one', 'two', 'three']) {
      put(at('f'), text);
      backup(dest, 'f', backups, when);
    }
    const dir = path.join(tree.base, 'backup', '20240102', '030405', tree.dest.slice(1));
    expect(fs.readdirSync(dir).sort()).toEqual(['f', 'f.1', 'f.2']);
    expect(fs.readFileSync(path.join(dir, 'f.2'), 'utf8')).toBe('three');
  });

  test('directories and symlinks move whole, as they are', () => {
    put(at('d/x'));
    fs.symlinkSync(tree.outside, at('link'));
    backup(dest, 'd', backups, when);
    const moved = backup(dest, 'link', backups, when);
    expect(fs.readlinkSync(moved)).toBe(tree.outside);
    expect(fs.readdirSync(tree.dest)).toEqual([]);
  });

  test('nothing to back up: ENOENT; a symlink on the way: EUNSAFE', async () => {
    await expectCode(() => backup(dest, 'missing', backups, when), 'ENOENT');
    fs.symlinkSync(tree.outside, at('link'));
    fs.writeFileSync(path.join(tree.outside, 'f'), '');
    await expectCode(() => backup(dest, 'link/f', backups, when), 'EUNSAFE');
    expect(fs.readdirSync(tree.outside)).toEqual(['f']);
  });
});

describe('moveIntoPlace, whole (individually=false)', () => {
  test('a file replaces a file; returns its destination path', async () => {
    put(at('f'), 'old');
    put(tmp('f'), 'new');
    expect(await moveIntoPlace(temp, 'f', dest, { individually: false })).toEqual([at('f')]);
    expect(fs.readFileSync(at('f'), 'utf8')).toBe('new');
    expect(fs.readdirSync(tmp(''))).toEqual([]);
  });

  test('a directory replaces whatever is there, a directory tree included', async () => {
    put(at('d/only-old'));
    put(at('d/deep/x'));
    put(tmp('d/new'));
    put(tmp('f/in-dir'));
    put(at('f'), 'a file where a directory comes');
    expect(await moveIntoPlace(temp, 'd', dest, { individually: false })).toEqual([at('d')]);
    await moveIntoPlace(temp, 'f', dest, { individually: false });
    expect(listTree(tree.dest)).toEqual(['d', 'd/new', 'f', 'f/in-dir']);
  });

  test('a file replaces a directory; nothing in temp: []', async () => {
    put(at('x/inside'));
    put(tmp('x'), 'file');
    await moveIntoPlace(temp, 'x', dest, { individually: false });
    expect(fs.readFileSync(at('x'), 'utf8')).toBe('file');
    expect(await moveIntoPlace(temp, 'nothing', dest, { individually: false })).toEqual([]);
  });
});

describe('moveIntoPlace, individually (-i)', () => {
  test('merges directories, moves each file, replaces what is in the way, empties temp', async () => {
    put(at('top/keep'), 'kept');
    put(at('top/sub/old'), 'old');
    put(at('top/clash'), 'old file');
    put(at('top/was-dir/inside'));
    put(tmp('top/new1'), 'n1');
    put(tmp('top/sub/old'), 'replaced');
    put(tmp('top/sub/deeper/new2'), 'n2');
    put(tmp('top/clash/now-a-dir'), 'n3');
    put(tmp('top/was-dir'), 'now a file');
    fs.symlinkSync('target-text', tmp('top/link'));
    const moved = await moveIntoPlace(temp, 'top', dest, { individually: true });
    expect(moved.sort()).toEqual(
      ['top/clash/now-a-dir', 'top/link', 'top/new1', 'top/sub/deeper/new2', 'top/sub/old', 'top/was-dir'].map(at).sort(),
    );
    expect(listTree(tree.dest)).toEqual([
      'top',
      'top/clash',
      'top/clash/now-a-dir',
      'top/keep',
      'top/link',
      'top/new1',
      'top/sub',
      'top/sub/deeper',
      'top/sub/deeper/new2',
      'top/sub/old',
      'top/was-dir',
    ]);
    expect(fs.readFileSync(at('top/sub/old'), 'utf8')).toBe('replaced');
    expect(fs.readFileSync(at('top/keep'), 'utf8')).toBe('kept');
    expect(fs.readlinkSync(at('top/link'))).toBe('target-text');
    expect(fs.readdirSync(tmp(''))).toEqual([]);
  });

  test('directories that came empty are reported with the files and links (the real client runs -s on them)', async () => {
    put(tmp('top/f'), 'x');
    fs.mkdirSync(tmp('top/empty'), { recursive: true });
    fs.mkdirSync(tmp('alone'));
    fs.mkdirSync(at('alone')); // already there: merged, and still reported
    fs.symlinkSync('f', tmp('top/link'));
    expect((await moveIntoPlace(temp, 'top', dest, { individually: true })).sort()).toEqual(['top/empty', 'top/f', 'top/link'].map(at));
    expect(await moveIntoPlace(temp, 'alone', dest, { individually: true })).toEqual([at('alone')]);
    expect(listTree(tree.dest)).toEqual(['alone', 'top', 'top/empty', 'top/f', 'top/link']);
    expect(fs.readdirSync(tmp(''))).toEqual([]);
  });

  test('a single file moves like the whole mode', async () => {
    put(tmp('f'), 'x');
    expect(await moveIntoPlace(temp, 'f', dest, { individually: true })).toEqual([at('f')]);
  });

  test('a symlink in the destination where a directory goes is replaced, not followed', async () => {
    fs.symlinkSync(tree.outside, at('top'));
    put(tmp('top/f'), 'x');
    await moveIntoPlace(temp, 'top', dest, { individually: true });
    expect(fs.lstatSync(at('top')).isDirectory()).toBe(true);
    expect(fs.readdirSync(tree.outside)).toEqual([]);
  });
});
