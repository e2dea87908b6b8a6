// Kinds of session, with our uftpd (near) beside the real one (near2) as the reference: a closed group that
// lists our client and one that leaves it out; sync mode (-z) and sync preview (-Z) over files already at
// the clients, where our status lines must say what the real client's say; and a transfer cut short (server
// SIGINT, `uftp -f`) then resumed (`uftp -F restartfile`), where our client (-T) picks up the half-received
// file where it stopped.
import { mkdir, readdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { payload, randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { expectCompleted, hostStatuses, logOf, resultStatuses, sendFiles, sendInBackground } from './helpers/uftpd-lab';

const LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } },
};
const OURS: HostName = 'near';
const REAL: HostName = 'near2';

describeLab(
  'sessions: closed groups, sync mode, restart — our uftpd beside the real one',
  () => {
    const lab = useProxyLab(LAB);

    test('closed group (-H) that lists our client: it registers and completes', async () => {
      const t = lab();
      const dir = await t.freshDir('closed-in');
      const src = await payload(`${dir}/src`);
      await t.client(OURS, `${dir}/ours`, [], 'ours');
      await t.client(REAL, `${dir}/real`, [], 'real');

      const run = await t.send(['-H', `${t.uid(OURS)},${t.uid(REAL)}`], [src.file]);
      expectCompleted(run.log, t.uid(OURS));
      expectCompleted(run.log, t.uid(REAL));
      expect(run.code).toBe(0);
      for (const d of ['ours', 'real']) expect(await treeDigest(`${dir}/${d}`)).toEqual(src.digest);
    });

    test('closed group (-H) that leaves our client out: it does not register, receives nothing', async () => {
      const t = lab();
      const dir = await t.freshDir('closed-out');
      const src = await payload(`${dir}/src`);
      const ours = await t.client(OURS, `${dir}/ours`, [], 'ours');
      await t.client(REAL, `${dir}/real`, [], 'real');

      const run = await t.send(['-H', t.uid(REAL)], [src.file]);
      expectCompleted(run.log, t.uid(REAL));
      expect(run.code).toBe(0);
      // The server heard nothing from our client, so its report has no line for it.
      expect(run.log).not.toContain(t.uid(OURS));
      expect(logOf(ours)).toContain('Name not in host list');
      expect(logOf(ours)).not.toMatch(/REGISTER sent/);
      expect(await treeDigest(`${dir}/ours`)).toEqual({});
      expect(await treeDigest(`${dir}/real`)).toEqual(src.digest);
    });

    // Files already at both clients, against the ones sent (all sent with mtime T):
    //   newer.bin  local mtime T + 1 h, other content          -> skipped (left alone)
    //   older.bin  local mtime T - 1 h, other content          -> overwritten
    //   equal.bin  local mtime T, same size, other content     -> skipped (same time and size: taken as in sync)
    //   size.bin   local mtime T, other size                   -> overwritten
    //   fresh.bin  not there                                   -> copied
    const T = new Date('2024-05-01T12:00:00Z');
    const HOUR = 3600_000;
    const NAMES = ['newer.bin', 'older.bin', 'equal.bin', 'size.bin', 'fresh.bin'];
    const SYNC_VERDICTS: Array<[string, string]> = [
      ['newer.bin', 'skipped'], ['older.bin', 'overwritten'], ['equal.bin', 'skipped'], ['size.bin', 'overwritten'], ['fresh.bin', 'copied'],
    ];
    async function syncSetup(dir: string): Promise<string[]> {
      const src = path.join(dir, 'src');
      for (const name of NAMES) {
        await randomFile(src, name, 5000);
        await utimes(path.join(src, name), T, T);
      }
      for (const d of ['ours', 'real']) {
        const at = (name: string): string => path.join(dir, d, name);
        const local: Array<[string, number, Date]> = [
          ['newer.bin', 5000, new Date(T.getTime() + HOUR)],
          ['older.bin', 5000, new Date(T.getTime() - HOUR)],
          ['equal.bin', 5000, T],
          ['size.bin', 4000, T],
        ];
        for (const [name, size, mtime] of local) {
          await randomFile(path.join(dir, d), name, size);
          await utimes(at(name), mtime, mtime);
        }
      }
      return NAMES.map((n) => path.join(src, n));
    }

    test('sync mode (-z): skipped, overwritten and copied as the real client says', async () => {
      const t = lab();
      const dir = await t.freshDir('sync');
      const files = await syncSetup(dir);
      const before = await treeDigest(`${dir}/ours`);
      const status = { ours: `${dir}/ours.status`, real: `${dir}/real.status` };
      await t.client(OURS, `${dir}/ours`, ['-F', status.ours], 'ours');
      await t.client(REAL, `${dir}/real`, ['-F', status.real], 'real');

      const run = await t.send(['-z'], files);
      expect(run.code).toBe(0);
      expect(await resultStatuses(status.real)).toEqual(SYNC_VERDICTS); // the reference says what the comment above says
      expect(await resultStatuses(status.ours)).toEqual(await resultStatuses(status.real));
      expect(hostStatuses(run.log, t.uid(OURS))).toEqual(hostStatuses(run.log, t.uid(REAL)));
      expect(hostStatuses(run.log, t.uid(REAL))).toEqual(['Skipped', 'Completed(overwritten)', 'Skipped', 'Completed(overwritten)', 'Completed']);

      const got = await treeDigest(`${dir}/ours`);
      const sent = await treeDigest(`${dir}/src`);
      for (const name of ['newer.bin', 'equal.bin']) expect(got[name]).toBe(before[name]);
      for (const name of ['older.bin', 'size.bin', 'fresh.bin']) expect(got[name]).toBe(sent[name]);
    });

    test('sync preview (-Z): the same verdicts, nothing written', async () => {
      const t = lab();
      const dir = await t.freshDir('preview');
      const files = await syncSetup(dir);
      const before = await treeDigest(`${dir}/ours`);
      const status = { ours: `${dir}/ours.status`, real: `${dir}/real.status` };
      await t.client(OURS, `${dir}/ours`, ['-F', status.ours], 'ours');
      await t.client(REAL, `${dir}/real`, ['-F', status.real], 'real');

      const run = await t.send(['-Z'], files);
      expect(run.code).toBe(0);
      expect(await resultStatuses(status.ours)).toEqual(await resultStatuses(status.real));
      // The verdicts of -z, reported as if sent (the real server's report even says Completed).
      expect(await resultStatuses(status.ours)).toEqual(SYNC_VERDICTS);
      expect(hostStatuses(run.log, t.uid(OURS))).toEqual(hostStatuses(run.log, t.uid(REAL)));
      expect(await treeDigest(`${dir}/ours`)).toEqual(before);
      expect(await readdir(`${dir}/ours`)).not.toContain('fresh.bin');
    });

    test('restart: cut short by server SIGINT (uftp -f), resumed with uftp -F; -T keeps the partial file', async () => {
      const t = lab();
      const dir = await t.freshDir('restart');
      const src = path.join(dir, 'src');
      const small = await randomFile(src, 'first.bin', 20_000);
      const big = await randomFile(src, 'big.bin', 8 * 1024 * 1024);
      const temp = { ours: `${dir}/ours-temp`, real: `${dir}/real-temp` };
      await Promise.all(Object.values(temp).map((d) => mkdir(d)));
      const ours = await t.client(OURS, `${dir}/ours`, ['-T', temp.ours], 'ours');
      await t.client(REAL, `${dir}/real`, ['-T', temp.real], 'real');

      // 20 Mbit/s: 8 MiB take ~3.4 s, time enough to cut it in the middle. uftp -f writes its restart file
      // into its working directory.
      const first = sendInBackground(t, ['-f', '-R', '20000'], [small, big], { cwd: dir });
      const group = (await first.waitForOutput(/Group ID: ([0-9A-F]{8})/, 10_000))[1];
      const partial = path.join(temp.ours, `_group_${group}`, 'big.bin');
      await waitUntil(async () => ((await stat(partial).catch(() => undefined))?.size ?? 0) > 1024 * 1024, 15_000, `${partial} over 1 MiB`);
      process.kill(first.pid, 'SIGINT');
      await first.exited;
      await ours.waitForOutput(/Writing restart file/, 5000);
      const restartFile = path.join(dir, `_group_${group}_restart`);
      expect((await stat(restartFile)).isFile()).toBe(true);
      const cut = (await stat(partial)).size;
      expect(cut).toBeLessThan(8 * 1024 * 1024);

      const second = await sendFiles(t, ['-F', restartFile], [], { cwd: dir });
      expectCompleted(second.log, t.uid(OURS));
      expectCompleted(second.log, t.uid(REAL));
      expect(second.code).toBe(0);
      expect(logOf(ours)).toMatch(/Reading restart file/);
      // The server sent DONE first and our client asked only for the blocks it lacked (6453 in all).
      const naks = second.log.match(new RegExp(`Got (\\d+) NAKs for section 0 from client ${t.uid(OURS)}`));
      expect(naks).not.toBeNull();
      const missing = Number(naks![1]);
      expect(missing).toBeGreaterThan(0);
      expect(missing).toBeLessThan(6453); // what arrived before the cut was kept
      expect(logOf(ours)).toContain(`Sent ${missing} NAKs for section 0`);
      // Every client answered big.bin's FILEINFO with PARTIAL, so pass 1 sends no data, only DONE.
      const bigFile = second.log.slice(second.log.indexOf('----- big.bin'));
      expect(bigFile).toMatch(/Starting pass 1\nSending DONE/);
      // The first file, finished in the first attempt, was answered COMPLETE without its data again.
      const firstFile = second.log.slice(second.log.indexOf('----- first.bin'), second.log.indexOf('----- big.bin'));
      expect(firstFile).toContain(`Got COMPLETE from client ${t.uid(OURS)}`);
      expect(firstFile).not.toContain(`FILEINFO_ACK from client ${t.uid(OURS)}`);
      const want = await treeDigest(src);
      expect(await treeDigest(`${dir}/ours`)).toEqual(want);
      expect(await treeDigest(`${dir}/real`)).toEqual(want);
      // Nothing of the session is left in the temp directory.
      expect(await readdir(temp.ours)).toEqual([]);
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
