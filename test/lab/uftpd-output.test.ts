// What our uftpd leaves behind, line by line against what the real uftpd 4.10.2 leaves for the same
// session: both run with the same options on two hosts of one segment (near: ours, near2: the real one),
// one real uftp session reaches both, then their -F status files, -s script calls, -A backups, -T and -t
// layouts are compared. Where ours differs on purpose, the difference is asserted on both sides (and
// written up in docs/client-notes.md); everything else must be equal.
//
// The session: a file, a file whose name is taken by a directory in -D, a tree with a sub-directory and an
// empty directory, an empty directory, a symlink, @DELETE of a file that is there, @FREESPACE (`uftp -i`).
// A second session in sync mode (-z) meets files older, newer and equal, an existing directory and a file
// where the symlink goes.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { randomFile } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type ClientImpl, type ProxyTestLab } from './helpers/proxy-lab';
import { recordedCalls, recordingScript, settle, snapshot, statusLines } from './helpers/uftpd-outputs';

const HOUR_MS = 3_600_000;

/** Everything one client left behind, made comparable between two clients with different directories. */
interface Outputs {
  /** CONNECT lines: every field but the time and server_name. */
  connect: string[][];
  /** RESULT lines in order: every field but the time. */
  results: string[][];
  /** Any other -F line (there should be none). */
  others: string[][];
  /** Each -s call: `-I`, the group ID, then the paths relative to -D. */
  calls: string[][];
  /** -D, -T (relative), and -A with the YYYYMMDD/HHMMSS directories and the -D path masked. */
  dest: Record<string, string>;
  temp: Record<string, string>;
  backup: Record<string, string>;
}

/** How ours differs from the real one on purpose: per item, [ours, real] (undefined: absent). */
interface Known {
  results?: Record<string, [string, string]>;
  calls?: Record<string, [boolean, boolean]>;
  dest?: Record<string, [string | undefined, string | undefined]>;
  backup?: Record<string, [string | undefined, string | undefined]>;
}

interface Client {
  which: ClientImpl;
  root: string;
  dest: string;
  temp: string;
  backup: string;
  status: string;
  calls: string;
}

describeLab(
  'uftpd output: -F, -s, -A, -T, -t against the real uftpd, same session',
  () => {
    const lab = useProxyLab();
    let src: string;
    let list: string;

    beforeAll(async () => {
      const t = lab();
      src = await t.freshDir('src');
      await randomFile(src, 'file1.bin', 3000);
      await randomFile(src, 'isdir.bin', 2000);
      await randomFile(src, 'tree/note.txt', 18);
      await randomFile(src, 'tree/sub/inner.bin', 5000);
      await mkdir(path.join(src, 'tree/empty-dir'));
      await mkdir(path.join(src, 'emptydir'));
      await symlink('tree/note.txt', path.join(src, 'link1'));
      list = path.join(src, '..', 'list');
      const entries = ['file1.bin', 'isdir.bin', 'tree', 'emptydir', 'link1'].map((f) => path.join(src, f));
      await writeFile(list, [...entries, '@DELETE:victim.txt', '@FREESPACE', ''].join('\n'));
    });

    async function client(t: ProxyTestLab, which: ClientImpl, label: string): Promise<Client> {
      const root = await t.freshDir(`${label}-${which}`);
      const c: Client = {
        which, root, dest: path.join(root, 'dest'), temp: path.join(root, 'temp'), backup: path.join(root, 'backup'),
        status: path.join(root, 'status'), calls: path.join(root, 'calls'),
      };
      for (const dir of [c.dest, c.temp, c.backup]) await mkdir(dir);
      await recordingScript(path.join(root, 'post.sh'), c.calls);
      // What a session meets in -D: a file it deletes, one it overwrites, a directory where a file comes.
      await writeFile(path.join(c.dest, 'victim.txt'), 'to be deleted\n');
      await writeFile(path.join(c.dest, 'file1.bin'), 'old content\n');
      await mkdir(path.join(c.dest, 'isdir.bin'));
      await writeFile(path.join(c.dest, 'isdir.bin', 'keep.txt'), 'kept\n');
      return c;
    }

    /** Both clients with the same options (TEMP/BACKUP stand for each one's own), one session to both. */
    async function run(label: string, options: string[], serverArgs: string[], prepare?: (c: Client) => Promise<void>): Promise<[Outputs, Outputs]> {
      const t = lab();
      const both = [await client(t, 'ours', label), await client(t, 'real', label)];
      for (const c of both) {
        await prepare?.(c);
        const opts = options.map((o) => (o === 'TEMP' ? c.temp : o === 'BACKUP' ? c.backup : o));
        await t.client(c.which === 'ours' ? 'near' : 'near2', c.dest, ['-F', c.status, '-s', path.join(c.root, 'post.sh'), ...opts], c.which);
      }
      const sent = await t.send([...serverArgs, '-i', list], []);
      expect(sent.log).toContain('Group complete');
      // Neither daemon waits for its scripts: wait until both call logs have been still for a second.
      let last = '';
      let still = 0;
      await settle(async () => {
        const now = JSON.stringify(await Promise.all(both.map((c) => recordedCalls(c.calls))));
        still = now === last ? still + 1 : 0;
        last = now;
        return still;
      }, 10, 15_000);
      const outputs = await Promise.all(both.map(collect));
      await t.stopAll();
      return outputs as [Outputs, Outputs];
    }

    async function collect(c: Client): Promise<Outputs> {
      const lines = await statusLines(c.status);
      const rel = (p: string): string => (p.startsWith(`${c.dest}/`) ? p.slice(c.dest.length + 1) : `NOT UNDER -D: ${p}`);
      // backup/YYYYMMDD/HHMMSS/<-D's absolute path>/<name>: the stamps become DAY/TIME, the -D path <dest>,
      // and the directories on the way to -D (the lab's tmpdir, different for the two) are left out.
      const destPath = c.dest.slice(1);
      const backup: Record<string, string> = {};
      for (const [p, desc] of Object.entries(await snapshot(c.backup))) {
        const m = p.match(/^\d{8}(\/\d{6}(\/(.*))?)?$/);
        const below = m?.[3];
        if (!m) backup[p] = desc;
        else if (below === undefined) backup[m[1] ? 'DAY/TIME' : 'DAY'] = desc;
        else if (below === destPath || below.startsWith(`${destPath}/`)) backup[`DAY/TIME/<dest>${below.slice(destPath.length)}`] = desc;
        else if (!destPath.startsWith(`${below}/`)) backup[`DAY/TIME/${below}`] = desc;
      }
      return {
        connect: lines.filter((f) => f[0] === 'CONNECT').map((f) => [f[0], f[2], f[3], f[4]]),
        results: lines.filter((f) => f[0] === 'RESULT').map((f) => [f[0], ...f.slice(2)]),
        others: lines.filter((f) => f[0] !== 'CONNECT' && f[0] !== 'RESULT'),
        calls: (await recordedCalls(c.calls)).map((call) => [...call.slice(0, 2), ...call.slice(2).map(rel)]),
        dest: await snapshot(c.dest),
        temp: await snapshot(c.temp),
        backup,
      };
    }

    /** Type and mode of a snapshot entry ("file 644", "dir 755", "link -> x"): what a known difference states. */
    const kind = (desc: string | undefined): string | undefined => (desc?.startsWith('link') ? desc : desc?.split(' ').slice(0, 2).join(' '));

    /** The known differences hold on both sides and are taken out; then ours must equal the real one's. */
    function expectSame(ours: Outputs, real: Outputs, known: Known = {}): void {
      for (const [name, [o, r]] of Object.entries(known.results ?? {})) {
        const pick = (x: Outputs): string[] | undefined => x.results.find((f) => f[3] === name);
        expect({ name, ours: pick(ours)?.[5], real: pick(real)?.[5] }).toEqual({ name, ours: o, real: r });
        pick(ours)![5] = pick(real)![5] = 'KNOWN';
      }
      for (const [p, [o, r]] of Object.entries(known.calls ?? {})) {
        const has = (x: Outputs): boolean => x.calls.some((call) => call.slice(2).includes(p));
        expect({ path: p, ours: has(ours), real: has(real) }).toEqual({ path: p, ours: o, real: r });
        for (const x of [ours, real]) x.calls = x.calls.map((call) => call.filter((a) => a !== p)).filter((call) => call.length > 2);
      }
      for (const what of ['dest', 'backup'] as const) {
        for (const [p, [o, r]] of Object.entries(known[what] ?? {})) {
          expect({ [what]: p, ours: kind(ours[what][p]), real: kind(real[what][p]) }).toEqual({ [what]: p, ours: o, real: r });
          delete ours[what][p];
          delete real[what][p];
        }
      }
      expect(ours.connect).toHaveLength(1);
      expect(ours.connect).toEqual(real.connect);
      expect(ours.results).toEqual(real.results);
      expect(ours.others).toEqual([]);
      expect(ours.others).toEqual(real.others);
      expect(ours.dest).toEqual(real.dest);
      expect(ours.temp).toEqual(real.temp);
      expect(ours.backup).toEqual(real.backup);
    }

    /** Per-file calls: the same calls, in whatever order the parallel scripts appended them. */
    function expectSameCalls(ours: Outputs, real: Outputs): void {
      const sorted = (x: Outputs): string[] => x.calls.map((call) => call.join(' ')).sort();
      expect(ours.calls.every((call) => call.length === 3)).toBe(true);
      expect(sorted(ours)).toEqual(sorted(real));
    }

    const FILES = ['file1.bin', 'isdir.bin', 'tree/note.txt', 'tree/sub/inner.bin'];

    test('without -T: -F lines, one -s call per file as it completes, the layout', async () => {
      const [ours, real] = await run('plain', [], []);
      expect(ours.calls.map((c) => c[2]).sort()).toEqual(FILES.filter((f) => f !== 'isdir.bin').sort());
      expectSameCalls(ours, real);
      expect(ours.results.map((f) => [f[3], f[4], f[5]])).toEqual([
        ['file1.bin', '2KB', 'copied'], ['isdir.bin', '1KB', 'rejected'], ['tree/note.txt', '0KB', 'copied'],
        ['tree/empty-dir', '0KB', 'copied'], ['tree/sub/inner.bin', '4KB', 'copied'], ['emptydir', '0KB', 'copied'],
        ['link1', '0KB', 'copied'], ['victim.txt', '0KB', 'copied'], ['.', '0KB', 'copied'],
      ]);
      expect(ours.dest['file1.bin']).toBe((await snapshot(src))['file1.bin']);
      // A directory where a file comes: both refuse; the real one chmod-s it to 0644 first (§10), ours not.
      expectSame(ours, real, { dest: { 'isdir.bin': ['dir 755', 'dir 644'] } });
    });

    test('-T without -i: one -s call with the top-level entries (compared as a set), -D filled, temp emptied', async () => {
      const [ours, real] = await run('T', ['-T', 'TEMP'], []);
      expect(ours.calls).toHaveLength(1);
      expect(real.calls).toHaveLength(1);
      // Both list the session directory in readdir order; compared as sets, since that order is the file system's.
      expect([...ours.calls[0].slice(2)].sort()).toEqual(['emptydir', 'file1.bin', 'isdir.bin', 'link1', 'tree']);
      expect([...ours.calls[0].slice(2)].sort()).toEqual([...real.calls[0].slice(2)].sort());
      expect(ours.calls[0].slice(0, 2)).toEqual(real.calls[0].slice(0, 2));
      expectSame(ours, real);
      expect(ours.temp).toEqual({});
      expect(ours.dest['victim.txt']).toBeDefined(); // with -T the delete acts in the session's temp directory
    });

    test('-T with -i: one -s call per file, link and empty directory, -D merged, temp emptied', async () => {
      const [ours, real] = await run('Ti', ['-T', 'TEMP', '-i'], []);
      expect(ours.calls.map((c) => c[2]).sort()).toEqual([...FILES, 'link1', 'emptydir', 'tree/empty-dir'].sort());
      expectSameCalls(ours, real);
      expectSame(ours, real);
      expect(ours.temp).toEqual({});
    });

    test('-A: backups under YYYYMMDD/HHMMSS/<full path>; ours also backs up what a plain session overwrites', async () => {
      const [ours, real] = await run('A', ['-A', 'BACKUP'], []);
      // The man page: "Existing files that would be overwritten by incoming files are moved to the backup
      // directory". The real one does so only with -t or in sync mode (and for @DELETE); ours always does, so
      // the directory in the way goes to the backup too and the file arrives.
      expectSame(ours, real, {
        results: { 'isdir.bin': ['copied', 'rejected'] },
        calls: { 'isdir.bin': [true, false] },
        dest: { 'isdir.bin': ['file 644', 'dir 644'], 'isdir.bin/keep.txt': [undefined, 'file 644'] },
        backup: {
          'DAY/TIME/<dest>/file1.bin': ['file 644', undefined],
          'DAY/TIME/<dest>/isdir.bin': ['dir 755', undefined],
          'DAY/TIME/<dest>/isdir.bin/keep.txt': ['file 644', undefined],
        },
      });
      expect(Object.keys(ours.backup)).toContain('DAY/TIME/<dest>/victim.txt');
      expectSameCalls(ours, real);
    });

    test('-t: each file received beside its name and renamed over it; nothing left behind', async () => {
      const [ours, real] = await run('t', ['-t'], []);
      // A directory where a file comes: ours refuses the file (as without -t); the real one deletes the
      // directory, contents and all, to rename the file over it.
      expectSame(ours, real, {
        results: { 'isdir.bin': ['rejected', 'copied'] },
        calls: { 'isdir.bin': [false, true] },
        dest: { 'isdir.bin': ['dir 755', 'file 644'], 'isdir.bin/keep.txt': ['file 644', undefined] },
      });
      expect(Object.keys(ours.dest).filter((p) => p.includes('.~uftp-'))).toEqual([]);
      expect(ours.dest['file1.bin']).toBe((await snapshot(src))['file1.bin']);
      expectSameCalls(ours, real);
    });

    test('-t with -A: the old file goes to the backup once the new one is complete', async () => {
      const [ours, real] = await run('tA', ['-t', '-A', 'BACKUP'], []);
      expectSame(ours, real);
      expect(Object.keys(ours.backup).sort()).toEqual(
        ['DAY', 'DAY/TIME', 'DAY/TIME/<dest>', ...['file1.bin', 'isdir.bin', 'isdir.bin/keep.txt', 'victim.txt'].map((p) => `DAY/TIME/<dest>/${p}`)].sort(),
      );
      expectSameCalls(ours, real);
    });

    test('sync mode (-z) with -A: overwritten, skipped and rejected as the real one says them', async () => {
      const [ours, real] = await run('z', ['-A', 'BACKUP'], ['-z'], async (c) => {
        const at = (p: string): string => path.join(c.dest, p);
        const hourAgo = new Date(Date.now() - HOUR_MS);
        const inAnHour = new Date(Date.now() + HOUR_MS);
        await writeFile(at('file1.bin'), 'older\n'); // older: overwritten, backed up
        await utimes(at('file1.bin'), hourAgo, hourAgo);
        await utimes(at('isdir.bin'), inAnHour, inAnHour); // a newer directory at a file's name: skipped
        await mkdir(at('tree/sub'), { recursive: true });
        await writeFile(at('tree/note.txt'), 'newer\n'); // newer: skipped
        await utimes(at('tree/note.txt'), inAnHour, inAnHour);
        execFileSync('cp', ['-p', path.join(src, 'tree/sub/inner.bin'), at('tree/sub/inner.bin')]); // same time and size: skipped
        await mkdir(at('emptydir')); // an empty directory that is there
        await writeFile(at('link1'), 'a file where the link goes\n'); // left alone, the link rejected
      });
      expect(ours.results.map((f) => [f[3], f[5]])).toEqual([
        ['file1.bin', 'overwritten'], ['isdir.bin', 'skipped'], ['tree/note.txt', 'skipped'], ['tree/empty-dir', 'copied'],
        ['tree/sub/inner.bin', 'skipped'], ['emptydir', 'skipped'], ['link1', 'rejected'], ['victim.txt', 'copied'], ['.', 'copied'],
      ]);
      // An empty directory that exists: the real one reports rejected (its skip branch is dead code, §10).
      expectSame(ours, real, { results: { emptydir: ['skipped', 'rejected'] } });
      expect(Object.keys(ours.backup).filter((p) => p.startsWith('DAY/TIME/<dest>/')).sort()).toEqual(
        ['DAY/TIME/<dest>/file1.bin', 'DAY/TIME/<dest>/victim.txt'],
      );
      expectSameCalls(ours, real);
      expect(ours.calls.map((c) => c[2])).toEqual(['file1.bin']);
    });
  },
  [realProgramsMissing],
);
