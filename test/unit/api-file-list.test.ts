// uftp's file list walker on real temporary trees: recursion in directory order, empty directories,
// links (sent, or followed with -l), special files, missing paths, -E, -D, -o, -X, @DELETE / @FREESPACE,
// names as bytes, the name length limit, the -i list (file and stdin), and that it walks lazily.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, opendirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../lib/cli/exit';
import { readExcludeLists, readFileList, splitNameLines } from '../../lib/cli/uftp/name-lists';
import { MAX_NAME_BYTES, walkSendList, type SendItem, type SendListOptions } from '../../lib/api/file-list';

let root: string;
let tree: string;

/** The entries of a directory in the order the file system gives them (what the walker must follow). */
function dirOrder(path: string): string[] {
  const dir = opendirSync(path);
  const names: string[] = [];
  for (let e = dir.readSync(); e !== null; e = dir.readSync()) names.push(e.name);
  dir.closeSync();
  return names;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uftp-send-list-'));
  tree = join(root, 'tree');
  for (const d of ['tree/sub/deep', 'tree/empty', 'tree/zdir', 'loopy/real', 'plain']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'tree/a.txt'), 'aaa');
  writeFileSync(join(root, 'tree/b.txt'), 'bb');
  writeFileSync(join(root, 'tree/sub/x'), 'x');
  writeFileSync(join(root, 'tree/sub/deep/y'), 'yy');
  writeFileSync(join(root, 'tree/zdir/f'), 'f');
  utimesSync(join(root, 'tree/a.txt'), 1_500_000_000, 1_600_000_000);
  symlinkSync('b.txt', join(root, 'tree/link'));
  symlinkSync('nowhere', join(root, 'tree/dangle'));
  execFileSync('mkfifo', [join(root, 'tree/fifo')]);
  writeFileSync(join(root, 'top.txt'), 'top');
  writeFileSync(join(root, 'loopy/real/r'), 'r');
  symlinkSync('real', join(root, 'loopy/dirlink'));
  symlinkSync('../loopy', join(root, 'loopy/back'));
  symlinkSync('real/r', join(root, 'loopy/flink'));
  writeFileSync(join(root, 'plain/p'), 'p');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Shown = [string, string] | [string, string, string];

/** Items as [kind, name] (plus the target of a link), and the log lines without the "-----" headers. */
async function walk(sources: Array<string | Buffer>, extra: Partial<SendListOptions> = {}): Promise<{ items: Shown[]; raw: SendItem[]; log: string[]; headers: string[] }> {
  const log: string[] = [];
  const headers: string[] = [];
  const options: SendListOptions = {
    sources: sources.map((s) => (typeof s === 'string' ? Buffer.from(s) : s)),
    baseDirs: [],
    destAsDir: false,
    excludes: [],
    followLinks: false,
    cwd: root,
    ...extra,
  };
  const raw: SendItem[] = [];
  for await (const item of walkSendList(options, (level, line) => (line.startsWith('----- ') ? headers : log).push(`${level} ${line}`))) raw.push(item);
  const items = raw.map((i): Shown => {
    if (i.kind === 'freespace') return ['freespace', '.'];
    if (i.kind === 'symlink') return ['symlink', i.name.toString(), i.target.toString()];
    return [i.kind, i.name.toString()];
  });
  return { items, raw, log, headers };
}

/** What a walk of `tree` must give, in directory order, names prefixed by `prefix`. */
function expectedTree(prefix: string): Shown[] {
  const out: Shown[] = [];
  const visit = (dir: string, name: string): void => {
    const entries = dirOrder(dir);
    if (entries.length === 0) out.push(['directory', name]);
    for (const e of entries) {
      const path = join(dir, e);
      const child = name === '' ? e : `${name}/${e}`;
      if (e === 'fifo') continue;
      if (e === 'link') out.push(['symlink', child, 'b.txt']);
      else if (e === 'dangle') out.push(['symlink', child, 'nowhere']);
      else if (['sub', 'deep', 'empty', 'zdir'].includes(e)) visit(path, child);
      else out.push(['file', child]);
    }
  };
  visit(tree, prefix);
  return out;
}

describe('walking', () => {
  it('walks depth first in directory order: files, empty directories, links as links; special files skipped', async () => {
    const { items, log, headers } = await walk([tree]);
    expect(items).toEqual(expectedTree('tree'));
    expect(log).toEqual([`1 Skipping special file ${tree}/fifo`]);
    expect(headers[0]).toBe('2 ----- tree -----');
    expect(headers).toContain('2 ----- tree/sub/deep/y -----');
  });

  it('file items carry the local path, size and mtime', async () => {
    const { raw } = await walk([join(tree, 'a.txt'), 'tree/b.txt']);
    expect(raw).toEqual([
      { kind: 'file', name: Buffer.from('a.txt'), localPath: join(tree, 'a.txt'), localName: 'a.txt', size: 3, mtimeSec: 1_600_000_000 },
      // relative sources are made absolute: the runner may change directory
      expect.objectContaining({ kind: 'file', name: Buffer.from('b.txt'), localPath: join(tree, 'b.txt'), size: 2 }),
    ]);
  });

  it('items carry their local name for the log: the path below where the argument was split, whatever -D says', async () => {
    const { raw } = await walk([join(tree, 'sub'), 'top.txt'], { destName: Buffer.from('elsewhere') });
    const named = raw.map((i) => [i.kind === 'freespace' ? '' : i.name.toString(), 'localName' in i ? i.localName : undefined]);
    expect(named).toContainEqual(['elsewhere/top.txt', 'top.txt']);
    expect(named.filter(([n]) => n!.startsWith('elsewhere/sub/')).every(([n, l]) => l === n!.slice('elsewhere/'.length))).toBe(true);
  });

  it('strips leading path elements (and trailing slashes): the last element is the name', async () => {
    const { items } = await walk([join(tree, 'sub') + '//', 'top.txt', `${root}/./tree/zdir/f`]);
    expect(items).toEqual([...expectedTree('tree').filter(([, n]) => n.startsWith('tree/sub/')).map(([k, n]) => [k, n.slice(5)]), ['file', 'top.txt'], ['file', 'f']]);
  });

  it('"." and "dir/." stand for the entries themselves (the real uftp sends "./x", which clients store as "x")', async () => {
    const sub = join(tree, 'sub');
    const expected = dirOrder(sub).map((e) => ['file', e === 'deep' ? 'deep/y' : e]);
    expect((await walk([`${sub}/.`])).items).toEqual(expected);
    expect((await walk(['.'], { cwd: join(root, 'plain') })).items).toEqual([['file', 'p']]);
  });

  it('a name ending in ".." is skipped with a message (clients refuse it)', async () => {
    const { items, log } = await walk([`${tree}/sub/..`, 'top.txt']);
    expect(items).toEqual([['file', 'top.txt']]);
    expect(log).toEqual([`1 Skipping ${tree}/sub/..: a name ending in '..' cannot be sent (clients refuse it)`]);
  });

  it('a missing path gets the real message and the walk goes on', async () => {
    const { items, log } = await walk([join(root, 'nonexist'), 'top.txt']);
    expect(items).toEqual([['file', 'top.txt']]);
    expect(log).toEqual([`0 Error getting file status for ${root}/nonexist: No such file or directory`]);
  });

  it('a special file given by name is skipped too', async () => {
    const { items, log } = await walk([join(tree, 'fifo')]);
    expect(items).toEqual([]);
    expect(log).toEqual([`1 Skipping special file ${tree}/fifo`]);
  });

  it('is lazy: a path is looked at when its turn comes', async () => {
    const late = join(root, 'late.txt');
    const gen = walkSendList({ sources: [Buffer.from('top.txt'), Buffer.from(late)], baseDirs: [], destAsDir: false, excludes: [], followLinks: false, cwd: root }, () => undefined);
    expect((await gen.next()).value).toMatchObject({ name: Buffer.from('top.txt') });
    writeFileSync(late, 'late');
    try {
      expect((await gen.next()).value).toMatchObject({ kind: 'file', name: Buffer.from('late.txt'), size: 4 });
      expect((await gen.next()).done).toBe(true);
    } finally {
      rmSync(late);
    }
  });
});

describe('links', () => {
  it('without -l: links are sent as links, at the top too, dangling ones included', async () => {
    const { items } = await walk([join(root, 'loopy/flink'), join(root, 'loopy/dirlink'), join(tree, 'dangle')]);
    expect(items).toEqual([['symlink', 'flink', 'real/r'], ['symlink', 'dirlink', 'real'], ['symlink', 'dangle', 'nowhere']]);
  });

  it('with -l: followed (a link to a directory is walked under the link\'s name); dangling ones skipped', async () => {
    const { items, log } = await walk([join(root, 'loopy/flink'), join(root, 'loopy/dirlink'), join(tree, 'dangle')], { followLinks: true });
    expect(items).toEqual([['file', 'flink'], ['file', 'dirlink/r']]);
    expect(log).toEqual([`0 Error getting file status for ${tree}/dangle: No such file or directory`]);
  });

  it('with -l a link back up is not followed round (the real uftp recurses until ELOOP)', async () => {
    const { items, log } = await walk([join(root, 'loopy')], { followLinks: true });
    const names = items.map(([, n]) => n);
    expect(names).toEqual(expect.arrayContaining(['loopy/real/r', 'loopy/dirlink/r', 'loopy/flink']));
    expect(names.filter((n) => n.includes('back'))).toEqual([]);
    expect(log).toEqual([`1 Skipping ${root}/loopy/back: a link back to a directory being sent`]);
  });
});

describe('-E base directories', () => {
  it('strips the base (with or without its trailing /) and keeps the rest of the path', async () => {
    const { items } = await walk([join(tree, 'sub/x'), join(tree, 'zdir')], { baseDirs: [Buffer.from(root)] });
    expect(items).toEqual([['file', 'tree/sub/x'], ['file', 'tree/zdir/f']]);
  });

  it('matches whole path elements (the real uftp strips "/tmp/da" off "/tmp/data/f", sending "ta/f")', async () => {
    const { items, log } = await walk([join(root, 'top.txt')], { baseDirs: [Buffer.from(join(root, 'to'))] });
    expect(items).toEqual([]);
    expect(log).toEqual([`1 Skipping ${root}/top.txt: doesn't match any base`]);
  });

  it('relative sources and bases are resolved against the current directory; the first matching base wins', async () => {
    const { items } = await walk(['tree/sub/x', 'top.txt'], { baseDirs: [Buffer.from(tree), Buffer.from(root)] });
    expect(items).toEqual([['file', 'sub/x'], ['file', 'top.txt']]);
  });

  it('a source that is a base itself stands for its entries', async () => {
    const { items } = await walk([join(tree, 'sub')], { baseDirs: [Buffer.from(join(tree, 'sub'))] });
    expect(items.map(([, n]) => n).sort()).toEqual(['deep/y', 'x']);
  });

  it('a file that is a base itself has no name left: skipped with a message', async () => {
    const { items, log } = await walk([join(root, 'top.txt')], { baseDirs: [Buffer.from(join(root, 'top.txt'))] });
    expect(items).toEqual([]);
    expect(log).toEqual([`1 Skipping ${root}/top.txt: no name to send it under`]);
  });
});

describe('-D and -o', () => {
  it('one file without -o: renamed to -D', async () => {
    expect((await walk(['top.txt'], { destName: Buffer.from('newname') })).items).toEqual([['file', 'newname']]);
    expect((await walk(['top.txt'], { destName: Buffer.from('a/b/c') })).items).toEqual([['file', 'a/b/c']]);
  });

  it('one directory without -o: the directory is renamed', async () => {
    const { items } = await walk([join(tree, 'zdir')], { destName: Buffer.from('nd') });
    expect(items).toEqual([['file', 'nd/f']]);
  });

  it('several sources, or -o: put under the -D directory', async () => {
    expect((await walk(['top.txt', join(tree, 'zdir')], { destName: Buffer.from('nd') })).items).toEqual([['file', 'nd/top.txt'], ['file', 'nd/zdir/f']]);
    expect((await walk(['top.txt'], { destName: Buffer.from('nd'), destAsDir: true })).items).toEqual([['file', 'nd/top.txt']]);
    expect((await walk(['top.txt'], { destAsDir: true })).items).toEqual([['file', 'top.txt']]);
  });

  it('an absolute -D is sent as it is', async () => {
    expect((await walk(['top.txt', join(tree, 'zdir')], { destName: Buffer.from('/srv/in') })).items).toEqual([['file', '/srv/in/top.txt'], ['file', '/srv/in/zdir/f']]);
  });

  it('-E applies under -D with several sources, and is ignored for one source without -o (the page)', async () => {
    const bases = { baseDirs: [Buffer.from(root)], destName: Buffer.from('nd') };
    expect((await walk([join(tree, 'zdir')], bases)).items).toEqual([['file', 'nd/f']]);
    expect((await walk([join(tree, 'zdir')], { ...bases, destAsDir: true })).items).toEqual([['file', 'nd/tree/zdir/f']]);
    expect((await walk([join(tree, 'zdir'), join(root, 'top.txt')], bases)).items).toEqual([['file', 'nd/tree/zdir/f'], ['file', 'nd/top.txt']]);
  });

  it('a missing source still counts as one of several (as the real uftp counts)', async () => {
    expect((await walk(['nonexist', 'top.txt'], { destName: Buffer.from('nd') })).items).toEqual([['file', 'nd/top.txt']]);
  });
});

describe('-X excludes', () => {
  it('matches the name as walked: the last element of the source, then the path below it', async () => {
    const { items, log } = await walk([tree, join(root, 'top.txt')], { excludes: [Buffer.from('tree/sub'), Buffer.from('top.txt')] });
    expect(items).toEqual(expectedTree('tree').filter(([, n]) => !n.startsWith('tree/sub/')));
    expect(log).toContain('2 Skipping tree/sub');
    expect(log).toContain('2 Skipping top.txt');
  });

  it('not the local path, not a prefix, not the name after -E or -D', async () => {
    for (const x of [join(tree, 'sub'), 'tree/su', 'tree/sub/', 'sub', ' tree/sub', 'nd/tree/sub']) {
      const { items } = await walk([tree, 'top.txt'], { excludes: [Buffer.from(x)], destName: Buffer.from('nd') });
      expect(items.map(([, n]) => n)).toContain('nd/tree/sub/x');
    }
  });

  it('a whole source can be excluded, and @DELETE names too (as the real uftp)', async () => {
    const { items } = await walk([tree, '@DELETE:foo', 'top.txt'], { excludes: [Buffer.from('tree'), Buffer.from('foo')] });
    expect(items).toEqual([['file', 'top.txt']]);
  });
});

describe('metafiles', () => {
  it('@FREESPACE is sent as "." whatever -D and -E say; @DELETE:path names its last element', async () => {
    const { items } = await walk(['@FREESPACE', '@DELETE:a/b/c', '@DELETE:/x/y/', '@DELETE:../z'], {});
    expect(items).toEqual([['freespace', '.'], ['delete', 'c'], ['delete', 'y'], ['delete', 'z']]);
    const withD = await walk(['@FREESPACE', '@DELETE:foo', 'top.txt'], { destName: Buffer.from('nd') });
    expect(withD.items).toEqual([['freespace', '.'], ['delete', 'nd/foo'], ['file', 'nd/top.txt']]);
  });

  it('one @DELETE with -D deletes the -D name (the rule of one source)', async () => {
    expect((await walk(['@DELETE:foo'], { destName: Buffer.from('nd') })).items).toEqual([['delete', 'nd']]);
  });

  it('-E applies to the @DELETE path (the real uftp compares "@DELETE:..." itself and never matches)', async () => {
    const { items, log } = await walk([`@DELETE:${root}/sub/old`, '@DELETE:/elsewhere/old'], { baseDirs: [Buffer.from(root)] });
    expect(items).toEqual([['delete', 'sub/old']]);
    expect(log).toEqual(["1 Skipping /elsewhere/old: doesn't match any base"]);
  });

  it('an empty @DELETE: is refused (the real uftp sends "." and so asks to delete the destination)', async () => {
    const { items, log } = await walk(['@DELETE:', '@DELETE:.'], {});
    expect(items).toEqual([]);
    expect(log).toEqual(['1 Skipping @DELETE:: no name given', '1 Skipping @DELETE:.: no name to send it under']);
  });

  it('metafile names are case-sensitive: @freespace is a file name', async () => {
    const { items, log } = await walk(['@freespace']);
    expect(items).toEqual([]);
    expect(log[0]).toMatch(/^0 Error getting file status for @freespace/);
  });
});

describe('names', () => {
  it('are bytes: a name that is not UTF-8 is sent as it is', async () => {
    const dir = Buffer.concat([Buffer.from(`${root}/raw-`), Buffer.from([0xe9, 0xff])]);
    mkdirSync(dir);
    try {
      const { raw } = await walk([dir]);
      const name = Buffer.concat([Buffer.from('raw-'), Buffer.from([0xe9, 0xff])]);
      expect(raw).toEqual([{ kind: 'directory', name, localName: name.toString('utf8') }]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('a file whose path is not UTF-8 cannot be opened by this server: skipped with a message', async () => {
    const path = Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff])]);
    writeFileSync(path, 'x');
    try {
      const { items, log } = await walk([path]);
      expect(items).toEqual([]);
      expect(log).toEqual([`0 Skipping ${root}/bad-\ufffd: its path is not valid UTF-8, which this server cannot open`]);
    } finally {
      rmSync(path);
    }
  });

  it(`are at most ${MAX_NAME_BYTES} bytes (the real client's limit): longer ones are skipped`, async () => {
    const dir = join(root, 'long', 'd'.repeat(200));
    mkdirSync(dir, { recursive: true });
    // "long/" + 200 + "/" + name: 300 bytes fit, 301 do not
    const ok = 'a'.repeat(MAX_NAME_BYTES - 206);
    const tooLong = 'b'.repeat(MAX_NAME_BYTES - 205);
    writeFileSync(join(dir, ok), '');
    writeFileSync(join(dir, tooLong), '');
    try {
      const { items, log } = await walk([join(root, 'long')]);
      expect(items).toEqual([['file', `long/${'d'.repeat(200)}/${ok}`]]);
      expect(log).toEqual([`0 Max pathname length exceeded: ${dir}/${tooLong} (sent as 301 bytes, at most 300)`]);
    } finally {
      rmSync(join(root, 'long'), { recursive: true });
    }
  });
});

describe('the -i list and -X files', () => {
  it('splits lines as bytes: \\n or \\r\\n, empty lines skipped, nothing trimmed', () => {
    const lines = splitNameLines(Buffer.from('a\n\r\nb c \r\n  d\n#e\n\nf'));
    expect(lines.map((l) => l.toString())).toEqual(['a', 'b c ', '  d', '#e', 'f']);
    expect(splitNameLines(Buffer.from([0x61, 0xff, 0x0a]))).toEqual([Buffer.from([0x61, 0xff])]);
    expect(splitNameLines(Buffer.alloc(0))).toEqual([]);
  });

  it('reads a list file, and stdin for "-"', async () => {
    const list = join(root, 'list');
    writeFileSync(list, `top.txt\n\n${tree}/zdir\r\n@FREESPACE\n`);
    const names = await readFileList(list);
    expect(names.map(String)).toEqual(['top.txt', `${tree}/zdir`, '@FREESPACE']);
    expect((await walk(names)).items).toEqual([['file', 'top.txt'], ['file', 'zdir/f'], ['freespace', '.']]);
    const fromStdin = await readFileList('-', async () => Buffer.from('top.txt\r\ntree/b.txt'));
    expect((await walk(fromStdin, { destName: Buffer.from('nd') })).items).toEqual([['file', 'nd/top.txt'], ['file', 'nd/b.txt']]);
  });

  it('an empty list is refused; an unreadable one names the option', async () => {
    const empty = join(root, 'empty-list');
    writeFileSync(empty, '\n\r\n');
    await expect(readFileList(empty)).rejects.toThrow(new UsageError(`-i: ${empty}: no file names listed`));
    await expect(readFileList('-', async () => Buffer.alloc(0))).rejects.toThrow('-i: stdin: no file names listed');
    await expect(readFileList(join(root, 'nonexist'))).rejects.toThrow(`-i: couldn't read file list ${root}/nonexist: ENOENT`);
    await expect(readFileList(root)).rejects.toThrow(/EISDIR/);
  });

  it('-X files add up', () => {
    const x1 = join(root, 'x1');
    const x2 = join(root, 'x2');
    writeFileSync(x1, 'tree/sub\r\n');
    writeFileSync(x2, '\ntop.txt');
    expect(readExcludeLists([x1, x2]).map(String)).toEqual(['tree/sub', 'top.txt']);
    expect(() => readExcludeLists([join(root, 'nonexist')])).toThrow(/^-X: couldn't read exclude list .*: ENOENT$/);
  });
});
