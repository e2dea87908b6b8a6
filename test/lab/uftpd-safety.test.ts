// Our uftpd never writes outside its -D directories (nor outside -A), whatever name the server sends and
// whatever a local user plants or swaps inside them; it refuses instead, the real uftp's report shows the
// refusal, and the daemon goes on to take the next session. The real uftp is the server (`uftp -D name`
// forces a file's name). The same cases run against the real uftpd beside ours, for the record
// (docs/client-notes.md, "Safety: ours vs the real uftpd"): it writes through planted symlinks and by a
// prefix match, so its "outside" is a throwaway directory inside the lab's tmpdir.
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256File, type LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { randomFile } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type ClientImpl, type ProxyTestLab } from './helpers/proxy-lab';
import { changes, clientResults, serverResults, snapshot } from './helpers/uftpd-outputs';

/** One client's corner of the lab: its -D directories and an "outside" it must not touch. */
interface Site {
  which: ClientImpl;
  host: 'near' | 'near2';
  uid: string;
  /** Everything of this client: dest, dest2, destx (the prefix trick's sibling), outside, its -F file. */
  root: string;
  dest: string;
  dest2: string;
  outside: string;
  status: string;
  proc?: LabProcess;
  gone?: boolean;
}

describeLab(
  'uftpd safety: nothing is ever written outside -D (and -A)',
  () => {
    const lab = useProxyLab();
    let sessions = 0;

    async function site(t: ProxyTestLab, which: ClientImpl, label: string): Promise<Site> {
      const root = await t.freshDir(`${label}-${which}`);
      const s: Site = {
        which, host: which === 'ours' ? 'near' : 'near2', uid: t.uid(which === 'ours' ? 'near' : 'near2'), root,
        dest: path.join(root, 'dest'), dest2: path.join(root, 'dest2'), outside: path.join(root, 'outside'), status: path.join(root, 'status'),
      };
      for (const dir of [s.dest, s.dest2, path.join(root, 'destx'), path.join(s.outside, 'sub')]) await mkdir(dir, { recursive: true });
      await writeFile(path.join(s.outside, 'x'), 'outside x\n');
      await writeFile(path.join(s.outside, 'sub', 'y'), 'outside y\n');
      return s;
    }

    async function start(t: ProxyTestLab, s: Site, extra: string[]): Promise<void> {
      s.proc = await t.client(s.host, s.dest, ['-F', s.status, ...extra], s.which);
      s.proc.exited.then(() => (s.gone = true), () => (s.gone = true));
    }

    /** One uftp session (to every client listening); the server's report of each client by its ID. */
    async function session(t: ProxyTestLab, args: string[], files: string[]): Promise<(s: Site) => Promise<Array<[string, string]>>> {
      const srv = path.join(t.lab.tmpdir(), `server-${++sessions}.status`);
      const run = await t.send(['-S', srv, ...args], files);
      expect(run.log).toContain('Group complete');
      return (s) => serverResults(srv, s.uid);
    }

    /** Our daemon is still there, logged no internal error, and receives the next session's file. */
    async function takesTheNextSession(t: ProxyTestLab, s: Site): Promise<void> {
      const src = await t.freshDir('next');
      const file = await randomFile(src, 'next.bin', 5000);
      const report = await session(t, [], [file]);
      expect(await report(s)).toEqual([['next.bin', 'copy']]);
      expect(await sha256File(path.join(s.dest, 'next.bin'))).toBe(await sha256File(file));
      expect(s.gone).toBeFalsy();
      expect(s.proc!.stderr()).not.toMatch(/Internal error/);
    }

    test('names with .. are refused; nothing anywhere changes', async () => {
      const t = lab();
      const ours = await site(t, 'ours', 'dots');
      const real = await site(t, 'real', 'dots');
      await Promise.all([start(t, ours, []), start(t, real, [])]);
      const before = await Promise.all([ours, real].map((s) => snapshot(s.root, ['status'])));
      const file = await randomFile(await t.freshDir('src'), 'f.bin', 3000);
      const names = ['../x', 'a/../../x', '..', 'a/..'];
      for (const name of names) {
        const report = await session(t, ['-D', name], [file]);
        for (const s of [ours, real]) expect({ who: s.which, got: await report(s) }).toEqual({ who: s.which, got: [[name, 'rejected']] });
      }
      expect(await clientResults(ours.status)).toEqual(names.map((n) => [n, 'rejected']));
      for (const [i, s] of [ours, real].entries()) expect({ who: s.which, changes: changes(before[i], await snapshot(s.root, ['status'])) }).toEqual({ who: s.which, changes: { added: [], removed: [], changed: [] } });
      await takesTheNextSession(t, ours);
    });

    test('absolute names: accepted only beneath a -D (the second one too), never by a prefix match', async () => {
      const t = lab();
      const ours = await site(t, 'ours', 'abs');
      const real = await site(t, 'real', 'abs');
      await Promise.all([ours, real].map((s) => start(t, s, ['-D', s.dest2])));
      const before = await Promise.all([ours, real].map((s) => snapshot(s.root, ['status'])));
      const etcX = existsSync('/etc/x') ? await sha256File('/etc/x') : 'absent';
      const file = await randomFile(await t.freshDir('src'), 'f.bin', 3000);
      try {
        // Not beneath any -D: both refuse.
        const etc = await session(t, ['-D', '/etc/x'], [file]);
        for (const s of [ours, real]) expect({ who: s.which, got: await etc(s) }).toEqual({ who: s.which, got: [['/etc/x', 'rejected']] });
        // Each site's own names; the other client sees a name beneath none of its -D and refuses it.
        for (const s of [ours, real]) {
          const other = s === ours ? real : ours;
          const cases: Array<[string, string]> = [
            [`${s.dest}x/evil`, s.which === 'ours' ? 'rejected' : 'copy'], // the real uftpd's prefix compare
            [`${s.dest2}/under.bin`, 'copy'],
            [s.dest2, 'rejected'], // a -D itself
          ];
          for (const [name, expected] of cases) {
            const report = await session(t, ['-D', name], [file]);
            expect({ who: s.which, name, got: await report(s) }).toEqual({ who: s.which, name, got: [[name, expected]] });
            expect({ who: other.which, name, got: await report(other) }).toEqual({ who: other.which, name, got: [[name, 'rejected']] });
          }
        }
        expect(existsSync('/etc/x') ? await sha256File('/etc/x') : 'absent').toBe(etcX);
      } finally {
        if (etcX === 'absent') rmSync('/etc/x', { force: true }); // only ever there if a client wrote it
      }
      // Ours: only the file beneath the second -D is new; the sibling "destx" and dest2's mode untouched.
      expect(changes(before[0], await snapshot(ours.root, ['status']))).toEqual({ added: ['dest2/under.bin'], removed: [], changed: [] });
      expect(await readFile(path.join(ours.dest2, 'under.bin'))).toEqual(await readFile(file));
      expect(await clientResults(ours.status)).toEqual([
        ['/etc/x', 'rejected'],
        [`${ours.dest}x/evil`, 'rejected'],
        [`${ours.dest2}/under.bin`, 'copied'],
        [ours.dest2, 'rejected'],
        ...[`${real.dest}x/evil`, `${real.dest2}/under.bin`, real.dest2].map((n) => [n, 'rejected']),
      ]);
      // The real uftpd, for the record: it wrote into the sibling directory and chmod-ed dest2 to 0644.
      expect(changes(before[1], await snapshot(real.root, ['status']))).toEqual({ added: ['destx/evil', 'dest2/under.bin'].sort(), removed: [], changed: ['dest2'] });
      expect(((await stat(real.dest2)).mode & 0o777).toString(8)).toBe('644');
      await takesTheNextSession(t, ours);
    });

    test('a symlink planted at the file name is replaced, never written through', async () => {
      const t = lab();
      const ours = await site(t, 'ours', 'planted');
      const real = await site(t, 'real', 'planted');
      for (const s of [ours, real]) await symlink(path.join(s.outside, 'x'), path.join(s.dest, 'planted'));
      await Promise.all([start(t, ours, []), start(t, real, [])]);
      const outside = await Promise.all([ours, real].map((s) => snapshot(s.outside)));
      const file = await randomFile(await t.freshDir('src'), 'f.bin', 3000);
      const report = await session(t, ['-D', 'planted'], [file]);
      for (const s of [ours, real]) expect({ who: s.which, got: await report(s) }).toEqual({ who: s.which, got: [['planted', 'copy']] });
      // Ours: a regular file now stands at the name; the link's target is as it was.
      expect((await snapshot(ours.dest))['planted']).toMatch(/^file 644 /);
      expect(await sha256File(path.join(ours.dest, 'planted'))).toBe(await sha256File(file));
      expect(await snapshot(ours.outside)).toEqual(outside[0]);
      expect(await clientResults(ours.status)).toEqual([['planted', 'copied']]);
      // The real uftpd wrote through the link: the outside file has the received bytes, the link stays.
      expect(changes(outside[1], await snapshot(real.outside))).toEqual({ added: [], removed: [], changed: ['x'] });
      expect(await sha256File(path.join(real.outside, 'x'))).toBe(await sha256File(file));
      expect((await snapshot(real.dest))['planted']).toMatch(/^link -> /);
      await takesTheNextSession(t, ours);
    });

    test('a symlink as an intermediate directory is refused: COMPLETE rejected, nothing outside', async () => {
      const t = lab();
      const ours = await site(t, 'ours', 'linkdir');
      const real = await site(t, 'real', 'linkdir');
      for (const s of [ours, real]) await symlink(s.outside, path.join(s.dest, 'linkdir'));
      await Promise.all([start(t, ours, []), start(t, real, [])]);
      const before = await Promise.all([ours, real].map((s) => snapshot(s.root, ['status'])));
      const file = await randomFile(await t.freshDir('src'), 'f.bin', 3000);
      const report = await session(t, ['-D', 'linkdir/through.bin'], [file]);
      expect(await report(ours)).toEqual([['linkdir/through.bin', 'rejected']]);
      expect(await clientResults(ours.status)).toEqual([['linkdir/through.bin', 'rejected']]);
      expect(changes(before[0], await snapshot(ours.root, ['status']))).toEqual({ added: [], removed: [], changed: [] });
      // The real uftpd replaces the link with a directory of its own and writes there (outside untouched).
      expect(await report(real)).toEqual([['linkdir/through.bin', 'copy']]);
      expect(changes(before[1], await snapshot(real.root, ['status']))).toEqual({ added: ['dest/linkdir/through.bin'], removed: [], changed: ['dest/linkdir'] });
      await takesTheNextSession(t, ours);
    });

    test('-A: a symlink planted in the backup directory is not followed (the delete is refused)', async () => {
      const t = lab();
      const ours = await site(t, 'ours', 'backup');
      const real = await site(t, 'real', 'backup');
      // The backup of a session goes to <backup>/YYYYMMDD/...: every day near now is a link to outside.
      const days = [-1, 0, 1].map((d) => {
        const when = new Date(Date.now() + d * 86_400_000);
        return `${when.getFullYear()}${String(when.getMonth() + 1).padStart(2, '0')}${String(when.getDate()).padStart(2, '0')}`;
      });
      for (const s of [ours, real]) {
        await mkdir(path.join(s.root, 'backup'));
        for (const day of days) await symlink(s.outside, path.join(s.root, 'backup', day));
        await writeFile(path.join(s.dest, 'old.txt'), 'the old file\n');
      }
      await Promise.all([ours, real].map((s) => start(t, s, ['-A', path.join(s.root, 'backup')])));
      const before = await Promise.all([ours, real].map((s) => snapshot(s.root, ['status'])));
      const list = path.join(await t.freshDir('list'), 'list');
      await writeFile(list, '@DELETE:old.txt\n');
      const report = await session(t, ['-i', list], []);
      // Ours: the backup is refused (a link on the way), so the delete is: the file stays where it was.
      expect(await report(ours)).toEqual([['old.txt', 'rejected']]);
      expect(await clientResults(ours.status)).toEqual([['old.txt', 'rejected']]);
      expect(changes(before[0], await snapshot(ours.root, ['status']))).toEqual({ added: [], removed: [], changed: [] });
      // The real uftpd replaced today's link with a directory of its own and backed the file up there.
      expect(await report(real)).toEqual([['old.txt', 'copy']]);
      const moved = changes(before[1], await snapshot(real.root, ['status']));
      expect(moved.removed).toEqual(['dest/old.txt']);
      expect(moved.changed).toHaveLength(1);
      expect(days.map((d) => `backup/${d}`)).toContain(moved.changed[0]);
      expect(moved.added.filter((p) => !p.startsWith(`${moved.changed[0]}/`))).toEqual([]);
      expect(moved.added.filter((p) => p.endsWith('/dest/old.txt'))).toHaveLength(1);
      await takesTheNextSession(t, ours);
    });

    test('a racing planter swapping a directory for a symlink to outside during a 300-file transfer', async () => {
      const t = lab();
      const ours = await site(t, 'ours', 'race');
      await mkdir(path.join(ours.dest, 'd'));
      await start(t, ours, []);
      const src = await t.freshDir('src');
      const digest = new Map<string, string>(); // sha256 -> name as sent
      for (let i = 0; i < 300; i++) {
        const name = `d/f${String(i).padStart(3, '0')}`;
        digest.set(await sha256File(await randomFile(src, name, 1000 + i)), name);
      }
      const before = await snapshot(ours.outside);
      // dest/d is the real directory, a symlink to outside, or for a moment nothing; a directory the daemon
      // made meanwhile is moved aside (kept-N) so the real one can come back. Everything stays inside dest.
      const planter = t.spawn(ours.host, process.execPath, ['-e', PLANTER, ours.dest, ours.outside]);
      await planter.waitForOutput(/ready/, 10_000);
      let report: Awaited<ReturnType<typeof session>>;
      try {
        report = await session(t, [], [path.join(src, 'd')]);
      } finally {
        await planter.stop('SIGKILL');
      }
      const swaps = [...planter.stdout().matchAll(/swaps (\d+)/g)].map((m) => Number(m[1]));
      expect(Math.max(0, ...swaps)).toBeGreaterThan(0); // the planter really ran
      expect(await snapshot(ours.outside)).toEqual(before);
      // Every file the server counts as received is inside dest (wherever the planter moved its directory);
      // every other one the client refused, and said so in its status file.
      const results = await report(ours);
      expect(results).toHaveLength(300);
      const received = results.filter(([, st]) => st === 'copy').map(([n]) => n).sort();
      expect(results.every(([, st]) => st === 'copy' || st === 'rejected')).toBe(true);
      const found: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          const full = path.join(dir, e.name);
          if (e.isDirectory()) await walk(full);
          else if (e.isFile()) {
            const name = digest.get(await sha256File(full));
            if (name) found.push(name);
          }
        }
      };
      await walk(ours.dest);
      expect(found.sort()).toEqual(received);
      const said = new Map(await clientResults(ours.status));
      expect(results.filter(([n, st]) => said.get(n) !== (st === 'copy' ? 'copied' : 'rejected'))).toEqual([]);
      await takesTheNextSession(t, ours);
    });
  },
  [realProgramsMissing],
);

// argv: dest outside. Prints "ready", then "swaps N" now and then. Sleeps a millisecond in each state so
// that it leaves the two cores to the transfer.
const PLANTER = `
const fs = require('fs');
const [dest, outside] = process.argv.slice(-2);
const d = dest + '/d', hold = dest + '/d.hold', tmp = dest + '/d.tmp';
const nap = new Int32Array(new SharedArrayBuffer(4));
const kind = (p) => { try { const s = fs.lstatSync(p); return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : 'other'; } catch { return 'none'; } };
process.stdout.write('ready\\n');
for (let n = 1; ; n++) {
  if (kind(d) === 'dir') { try { fs.renameSync(d, hold); } catch { try { fs.renameSync(d, dest + '/made-' + n); } catch {} } }
  try { fs.symlinkSync(outside, tmp); fs.renameSync(tmp, d); } catch { try { fs.unlinkSync(tmp); } catch {} }
  Atomics.wait(nap, 0, 0, 1);
  if (kind(d) === 'link') { try { fs.unlinkSync(d); } catch {} }
  if (kind(hold) === 'dir') { try { fs.renameSync(hold, d); } catch { try { fs.renameSync(hold, dest + '/kept-' + n); } catch {} } }
  Atomics.wait(nap, 0, 0, 1);
  if (n % 100 === 0) process.stdout.write('swaps ' + n + '\\n');
}
`;
