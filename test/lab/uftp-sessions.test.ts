// Kinds of session of our uftp, with real uftpd clients: a closed group with a client that is down (Mute,
// the exit code, -f's restart file, then -F delivering to that client only); a transfer cut short by
// SIGINT and resumed with -F, where the real client (-T) asks only for what it lacks; sync mode (-z) and
// sync preview (-Z) over files already at the client; a tree with symbolic links, with and without -l.
// The roles reversed are in uftpd-sessions.test.ts.
import { lstat, mkdir, readdir, readlink, stat, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { hostStatuses, logOf, resultStatuses, sendFiles, sendInBackground } from './helpers/uftpd-lab';

const LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } },
};
const UP: HostName = 'near';
const DOWN: HostName = 'near2';

describeLab(
  'our uftp: closed groups, restarts, sync mode, links — to real uftpd clients',
  () => {
    const lab = useProxyLab(LAB);

    test('closed group with a client that is down: Mute, exit 0, restart file; -F then serves only that client', async () => {
      const t = lab();
      const dir = await t.freshDir('closed-mute');
      const src = path.join(dir, 'src');
      const files = [await randomFile(src, 'a.bin', 30_000), await randomFile(src, 'b.bin', 70_000)];
      const want = await treeDigest(src);
      const up = await t.client(UP, `${dir}/${UP}`, [], 'real');

      // -s 10: the shortest announce phase the real uftp allows (the down client is waited for throughout).
      const first = await sendFiles(t, ['-H', `${t.uid(UP)},${t.uid(DOWN)}`, '-s', '10', '-f'], files, { server: 'ours', cwd: dir });
      expect(hostStatuses(first.log, t.uid(UP))).toEqual(['Completed', 'Completed']);
      expect(hostStatuses(first.log, t.uid(DOWN))).toEqual(['Mute', 'Mute']);
      expect(first.code).toBe(0); // the real uftp: 0 when some client completed
      expect(await treeDigest(`${dir}/${UP}`)).toEqual(want);
      const group = first.log.match(/Group ID: ([0-9A-F]{8})/)?.[1];
      const restartFile = path.join(dir, `_group_${group}_restart`);
      expect((await stat(restartFile)).isFile()).toBe(true);

      // The down client comes up; the restart is a closed group of it alone: the up one hears nothing new.
      const sessionsBefore = (logOf(up).match(/Received request from/g) ?? []).length;
      expect(sessionsBefore).toBe(1);
      const down = await t.client(DOWN, `${dir}/${DOWN}`, [], 'real');
      const second = await sendFiles(t, ['-F', restartFile], [], { server: 'ours', cwd: dir });
      expect(hostStatuses(second.log, t.uid(DOWN))).toEqual(['Completed', 'Completed']);
      expect(second.log).not.toContain(t.uid(UP));
      expect(second.code).toBe(0);
      // The same group, the next instance.
      expect(second.log).toContain(`Group ID: ${group}`);
      expect(await treeDigest(`${dir}/${DOWN}`)).toEqual(want);
      expect((logOf(up).match(/Received request from/g) ?? []).length).toBe(sessionsBefore);
      // The real client saw the restart's ANNOUNCE (same group, instance 1) and found itself left out.
      expect(logOf(up)).toMatch(new RegExp(`\\[${group}/01:0\\]: Name not in host list`));
      expect(logOf(down)).toMatch(new RegExp(`\\[${group}/01:0002\\]: COMPLETE sent`));
    });

    test('closed group whose only client is down: exit 7, and still a restart file (as the real uftp)', async () => {
      const t = lab();
      const dir = await t.freshDir('closed-none');
      const file = await randomFile(path.join(dir, 'src'), 'a.bin', 10_000);
      const run = await sendFiles(t, ['-H', t.uid(DOWN), '-s', '10', '-f'], [file], { server: 'ours', cwd: dir });
      expect(run.code).toBe(7);
      expect(run.log).toContain('Announce timed out');
      const group = run.log.match(/Group ID: ([0-9A-F]{8})/)?.[1];
      expect((await stat(path.join(dir, `_group_${group}_restart`))).isFile()).toBe(true);
    });

    test('restart: cut short by SIGINT (-f), resumed with -F; the real client (-T) gets only what it lacked', async () => {
      const t = lab();
      const dir = await t.freshDir('restart');
      const src = path.join(dir, 'src');
      const small = await randomFile(src, 'first.bin', 20_000);
      const big = await randomFile(src, 'big.bin', 6 * 1024 * 1024);
      const temp = path.join(dir, 'temp');
      await mkdir(temp);
      const client = await t.client(UP, `${dir}/${UP}`, ['-T', temp], 'real');

      // 20 Mbit/s: 6 MiB take ~2.5 s, time enough to cut it in the middle. -f writes the restart file
      // into the working directory.
      const first = sendInBackground(t, ['-f', '-R', '20000', '-H', t.uid(UP)], [small, big], { cwd: dir, server: 'ours' });
      const group = (await first.waitForOutput(/Group ID: ([0-9A-F]{8})/, 10_000))[1];
      const partial = path.join(temp, `_group_${group}`, 'big.bin');
      await waitUntil(async () => ((await stat(partial).catch(() => undefined))?.size ?? 0) > 1024 * 1024, 15_000, `${partial} over 1 MiB`);
      process.kill(first.pid, 'SIGINT');
      expect((await first.exited).code).toBe(6);
      const firstLog = logOf(first);
      expect(hostStatuses(firstLog, t.uid(UP))).toEqual(['Completed', 'Aborted']);
      // The real client heard our ABORT and kept what it has for the restart.
      await client.waitForOutput(/Writing restart file/, 5000);
      expect(logOf(client)).toContain('Transfer aborted by server: ');
      const restartFile = path.join(dir, `_group_${group}_restart`);
      expect((await stat(restartFile)).isFile()).toBe(true);

      const second = await sendFiles(t, ['-F', restartFile], [], { server: 'ours', cwd: dir });
      expect(hostStatuses(second.log, t.uid(UP))).toEqual(['Completed', 'Completed']);
      expect(second.code).toBe(0);
      // first.bin, finished before the cut, was answered COMPLETE at its FILEINFO: no data again.
      const firstFile = second.log.slice(second.log.indexOf('----- first.bin'), second.log.indexOf('----- big.bin'));
      expect(firstFile).toContain(`Got COMPLETE from client ${t.uid(UP)}`);
      expect(firstFile).not.toContain('Sending file');
      // big.bin was acknowledged as partial: pass 1 sends no data, the client NAKs only the blocks it lacks.
      const bigFile = second.log.slice(second.log.indexOf('----- big.bin'));
      expect(bigFile).toMatch(/Starting pass 1\n(Sending section \d+\n)?Sending DONE/);
      const naks = Number(bigFile.match(new RegExp(`Got (\\d+) NAKs for section 0 from client ${t.uid(UP)}`))?.[1]);
      expect(naks).toBeGreaterThan(0);
      expect(naks).toBeLessThan(Math.ceil((6 * 1024 * 1024) / 1300) - 700); // what arrived before the cut (1 MiB+) was kept
      expect(await treeDigest(`${dir}/${UP}`)).toEqual(await treeDigest(src));
    });

    test('a client stopped mid-session (-T): Aborted, exit 0, restart file; -F resends to it only what it lacks', async () => {
      const t = lab();
      const dir = await t.freshDir('client-stop');
      const src = path.join(dir, 'src');
      const files = [await randomFile(src, 'one.bin', 20_000), await randomFile(src, 'big.bin', 4 * 1024 * 1024), await randomFile(src, 'three.bin', 30_000)];
      const want = await treeDigest(src);
      const temp = path.join(dir, 'temp');
      await mkdir(temp);
      const up = await t.client(UP, `${dir}/${UP}`, [], 'real');
      const flaky = await t.client(DOWN, `${dir}/${DOWN}`, ['-T', temp], 'real');

      // 20 Mbit/s: big.bin takes ~1.7 s; the client is stopped (SIGTERM) once it has part of it.
      const first = sendInBackground(t, ['-f', '-R', '20000', '-H', `${t.uid(UP)},${t.uid(DOWN)}`], files, { cwd: dir, server: 'ours' });
      const group = (await first.waitForOutput(/Group ID: ([0-9A-F]{8})/, 10_000))[1];
      const partial = path.join(temp, `_group_${group}`, 'big.bin');
      await waitUntil(async () => ((await stat(partial).catch(() => undefined))?.size ?? 0) > 512 * 1024, 15_000, `${partial} over 512 KiB`);
      await flaky.stop();
      expect(logOf(flaky)).toContain('Writing restart file');
      const firstRun = await first.exited;
      const firstLog = logOf(first);
      expect(hostStatuses(firstLog, t.uid(UP))).toEqual(['Completed', 'Completed', 'Completed']);
      expect(hostStatuses(firstLog, t.uid(DOWN))).toEqual(['Completed', 'Aborted', 'Aborted']);
      expect(firstRun.code).toBe(0); // the real uftp: 0 when some client completed
      expect(await treeDigest(`${dir}/${UP}`)).toEqual(want);
      const restartFile = path.join(dir, `_group_${group}_restart`);
      expect((await stat(restartFile)).isFile()).toBe(true);

      const back = await t.client(DOWN, `${dir}/${DOWN}`, ['-T', temp], 'real');
      const second = await sendFiles(t, ['-F', restartFile], [], { server: 'ours', cwd: dir });
      expect(hostStatuses(second.log, t.uid(DOWN))).toEqual(['Completed', 'Completed', 'Completed']);
      expect(second.log).not.toContain(t.uid(UP));
      expect(second.code).toBe(0);
      const part = (name: string, next?: string): string => second.log.slice(second.log.indexOf(`----- ${name}`), next ? second.log.indexOf(`----- ${next}`) : undefined);
      // one.bin it had: COMPLETE at the FILEINFO, no data. big.bin: only the blocks it lacked. three.bin: all.
      expect(part('one.bin', 'big.bin')).not.toContain('Sending file');
      // (The first STATUS answers pass 1, which sent nothing: it NAKs what the client lacks.)
      const naks = Number(part('big.bin', 'three.bin').match(/Got (\d+) NAKs for section 0 from client/)?.[1]);
      expect(naks).toBeGreaterThan(0);
      expect(naks).toBeLessThan(Math.ceil((4 * 1024 * 1024) / 1300) - 400); // more than 512 KiB was kept
      expect(part('three.bin')).toContain('Sending file');
      expect(logOf(back)).toMatch(new RegExp(`\\[${group}/01:`));
      expect(await treeDigest(`${dir}/${DOWN}`)).toEqual(want);
    });

    // Files already at the client, against the ones sent (all sent with mtime T):
    //   newer.bin  local mtime T + 1 h, other content          -> skipped (left alone)
    //   older.bin  local mtime T - 1 h, other content          -> overwritten
    //   equal.bin  local mtime T, same size, other content     -> skipped (same time and size: taken as in sync)
    //   fresh.bin  not there                                   -> copied
    const T = new Date('2024-05-01T12:00:00Z');
    const HOUR = 3600_000;
    const NAMES = ['newer.bin', 'older.bin', 'equal.bin', 'fresh.bin'];
    const VERDICTS: Array<[string, string]> = [['newer.bin', 'skipped'], ['older.bin', 'overwritten'], ['equal.bin', 'skipped'], ['fresh.bin', 'copied']];
    const REPORTED = ['Skipped', 'Completed(overwritten)', 'Skipped', 'Completed'];
    async function syncSetup(dir: string): Promise<string[]> {
      const src = path.join(dir, 'src');
      for (const name of NAMES) {
        await randomFile(src, name, 5000);
        await utimes(path.join(src, name), T, T);
      }
      const local: Array<[string, Date]> = [['newer.bin', new Date(T.getTime() + HOUR)], ['older.bin', new Date(T.getTime() - HOUR)], ['equal.bin', T]];
      for (const [name, mtime] of local) {
        await randomFile(path.join(dir, UP), name, 5000);
        await utimes(path.join(dir, UP, name), mtime, mtime);
      }
      return NAMES.map((n) => path.join(src, n));
    }

    test('sync mode (-z): newer and equal files skipped, older overwritten, missing copied', async () => {
      const t = lab();
      const dir = await t.freshDir('sync');
      const files = await syncSetup(dir);
      const before = await treeDigest(`${dir}/${UP}`);
      const status = `${dir}/client.status`;
      await t.client(UP, `${dir}/${UP}`, ['-F', status], 'real');

      const run = await sendFiles(t, ['-z'], files, { server: 'ours' });
      expect(run.code).toBe(0);
      expect(await resultStatuses(status)).toEqual(VERDICTS);
      expect(hostStatuses(run.log, t.uid(UP))).toEqual(REPORTED);
      const got = await treeDigest(`${dir}/${UP}`);
      const sent = await treeDigest(`${dir}/src`);
      for (const name of ['newer.bin', 'equal.bin']) expect(got[name]).toBe(before[name]);
      for (const name of ['older.bin', 'fresh.bin']) expect(got[name]).toBe(sent[name]);
      // Only the two files to be written were sent.
      expect(run.log.match(/^Sending file$/gm)).toHaveLength(2);
    });

    test('sync preview (-Z): the same verdicts, nothing sent or written', async () => {
      const t = lab();
      const dir = await t.freshDir('preview');
      const files = await syncSetup(dir);
      const before = await treeDigest(`${dir}/${UP}`);
      const status = `${dir}/client.status`;
      await t.client(UP, `${dir}/${UP}`, ['-F', status], 'real');

      const run = await sendFiles(t, ['-Z'], files, { server: 'ours' });
      expect(run.code).toBe(0);
      expect(await resultStatuses(status)).toEqual(VERDICTS);
      expect(hostStatuses(run.log, t.uid(UP))).toEqual(REPORTED);
      expect(run.log).not.toMatch(/^Sending file$/m);
      expect(await treeDigest(`${dir}/${UP}`)).toEqual(before);
      expect(await readdir(`${dir}/${UP}`)).not.toContain('fresh.bin');
    });

    // tree/: plain.bin, sub/inner.bin, link-file -> plain.bin, link-dir -> sub, dangling -> no-such-file.
    async function linkTree(dir: string): Promise<string> {
      const tree = path.join(dir, 'src', 'tree');
      await randomFile(tree, 'plain.bin', 3000);
      await randomFile(tree, 'sub/inner.bin', 4000);
      await symlink('plain.bin', path.join(tree, 'link-file'));
      await symlink('sub', path.join(tree, 'link-dir'));
      await symlink('no-such-file', path.join(tree, 'dangling'));
      return tree;
    }

    test('symbolic links without -l: sent as links, the link text as it is', async () => {
      const t = lab();
      const dir = await t.freshDir('links');
      const tree = await linkTree(dir);
      await t.client(UP, `${dir}/${UP}`, [], 'real');

      const run = await sendFiles(t, [], [tree], { server: 'ours' });
      expect(run.code).toBe(0);
      expect(run.log).toContain('Symbolic link to plain.bin');
      expect(hostStatuses(run.log, t.uid(UP)).every((s) => s === 'Completed')).toBe(true);
      const got = path.join(dir, UP, 'tree');
      for (const [name, target] of [['link-file', 'plain.bin'], ['link-dir', 'sub'], ['dangling', 'no-such-file']]) {
        expect((await lstat(path.join(got, name))).isSymbolicLink()).toBe(true);
        expect(await readlink(path.join(got, name))).toBe(target);
      }
      expect(await treeDigest(got)).toEqual(await treeDigest(tree)); // the regular files
    });

    test('symbolic links with -l: their targets sent as files and directories; a dangling one skipped', async () => {
      const t = lab();
      const dir = await t.freshDir('links-l');
      const tree = await linkTree(dir);
      await t.client(UP, `${dir}/${UP}`, [], 'real');

      const run = await sendFiles(t, ['-l'], [tree], { server: 'ours' });
      expect(run.code).toBe(0);
      expect(run.log).not.toContain('Symbolic link to');
      const got = path.join(dir, UP, 'tree');
      expect((await lstat(path.join(got, 'link-file'))).isFile()).toBe(true);
      expect((await lstat(path.join(got, 'link-dir'))).isDirectory()).toBe(true);
      await expect(lstat(path.join(got, 'dangling'))).rejects.toThrow();
      const sent = await treeDigest(tree);
      expect(await treeDigest(got)).toEqual({
        'plain.bin': sent['plain.bin'],
        'sub/inner.bin': sent['sub/inner.bin'],
        'link-file': sent['plain.bin'],
        'link-dir/inner.bin': sent['sub/inner.bin'],
      });
    });
  },
  [realProgramsMissing],
);

async function waitUntil(ok: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
