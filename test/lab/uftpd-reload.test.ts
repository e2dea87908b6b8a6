// SIGHUP to our uftpd while the real uftp sends (issue 9, "Reload"). The client starts with -S allowing only
// server A; during A's long transfer the list is rewritten to allow server B instead and SIGHUP sent: A's
// session finishes intact, B's new one is accepted, a new one from A is not. A bad list on SIGHUP is refused
// with a log line and the list before it stays in force. And the log file of a detached uftpd (no -d) is
// reopened by SIGHUP after logrotate renamed it, the daemon still running.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { processAlive, waitForFile } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { payload, randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, uftpdCommand, useProxyLab, type ProxyTestLab } from './helpers/proxy-lab';
import { expectCompleted, logOf, sendFiles, sendInBackground } from './helpers/uftpd-lab';

const LAB = { segments: ['a'], hosts: { a: { segments: ['a'] }, b: { segments: ['a'] }, near: { segments: ['a'] } } };
const PUBLIC = '232.4.4.1';
const NO_CLIENT = 7; // uftp's exit status when no client answered the ANNOUNCE
const BIG = 8 * 1024 * 1024;
/** A's transfer paced so that it is still running when the reload comes (8 MiB at 6 Mbit/s: about 11 s). */
const SLOW = ['-R', '6000'];

function listLine(t: ProxyTestLab, server: 'a' | 'b'): string {
  return `${t.uid(server)}|${t.addr(server)}\n`;
}

function hangUp(pid: number): void {
  process.kill(pid, 'SIGHUP');
}

describeLab(
  'our uftpd: SIGHUP reloads -S and reopens the log file (real uftp as servers A and B)',
  () => {
    const lab = useProxyLab(LAB);

    test('a running session from A finishes intact after a reload that allows only B; B is accepted, A no more', async () => {
      const t = lab();
      const dir = await t.freshDir('reload');
      const servers = path.join(dir, 'servers.txt');
      await writeFile(servers, listLine(t, 'a'));
      const big = await randomFile(`${dir}/src-a`, 'long.bin', BIG);
      const fromB = await payload(`${dir}/src-b`);
      const client = await t.client('near', `${dir}/near`, ['-S', servers, '-M', PUBLIC], 'ours');

      const runA = sendInBackground(t, ['-M', PUBLIC, '-P', '232.5.5.1', ...SLOW], [big], { from: 'a' });
      await client.waitForOutput(/Name of file to receive: long\.bin/, 60_000);
      await writeFile(servers, listLine(t, 'b'));
      hangUp(client.pid);
      await client.waitForOutput(/Reloaded: 1 server in -S \S+ \(was 1, entries changed\)/, 30_000);
      // The reload came while A's session was under way.
      expect(logOf(client)).not.toMatch(/long\.bin[\s\S]*COMPLETE sent/);

      const runB = await sendFiles(t, ['-M', PUBLIC, '-P', '232.5.6.1'], [fromB.file], { from: 'b' });
      expectCompleted(runB.log, t.uid('near'));
      expect(await treeDigest(`${dir}/near`)).toMatchObject(fromB.digest);

      const endA = await runA.exited;
      const logA = runA.stdout() + runA.stderr();
      expect(endA.code).toBe(0);
      expectCompleted(logA, t.uid('near'));
      expect(await treeDigest(`${dir}/near`)).toEqual({ ...fromB.digest, ...(await treeDigest(`${dir}/src-a`)) });

      // A new session from A: its ANNOUNCE never reaches the client (the public group is joined for B only).
      const again = await payload(`${dir}/src-a2`, 4096);
      const refused = await sendFiles(t, ['-M', PUBLIC, '-P', '232.5.5.2', '-s', '10'], [again.file], { from: 'a' });
      expect(refused.code).toBe(NO_CLIENT);
      expect(refused.log).not.toMatch(new RegExp(`Host: ${t.uid('near')}\\s+Status: Completed`));
      expect(client.stderr()).not.toContain('Internal error');
    }, 180_000);

    test('a bad list on SIGHUP is refused with a line naming the file; the list before it stays in force', async () => {
      const t = lab();
      const dir = await t.freshDir('refused');
      const servers = path.join(dir, 'servers.txt');
      await writeFile(servers, listLine(t, 'b'));
      const client = await t.client('near', `${dir}/near`, ['-S', servers, '-M', PUBLIC], 'ours');

      await writeFile(servers, `${listLine(t, 'b')}${listLine(t, 'b')}`);
      hangUp(client.pid);
      const line = await client.waitForOutput(/Reload refused, keeping the previous configuration: (.*)/, 30_000);
      expect(line[1]).toBe(`-S ${servers} line 2: server ${t.uid('b')} at ${t.addr('b')} listed twice`);
      await writeFile(servers, 'not a list\n');
      hangUp(client.pid);
      await client.waitForOutput(new RegExp(`configuration: -S ${servers} line 1: want ID\\|IP`), 30_000);

      const src = await payload(`${dir}/src`);
      const run = await sendFiles(t, ['-M', PUBLIC, '-P', '232.5.6.1'], [src.file], { from: 'b' });
      expectCompleted(run.log, t.uid('near'));
      expect(await treeDigest(`${dir}/near`)).toEqual(src.digest);
    }, 120_000);

    test('detached (no -d): SIGHUP after the log file is renamed reopens -L; new lines go to a fresh file', async () => {
      const t = lab();
      const dir = await t.freshDir('logrotate');
      const log = path.join(dir, 'uftpd.log');
      const pidFile = path.join(dir, 'uftpd.pid');
      const [node, script] = uftpdCommand('ours');
      const near = t.host('near');
      await mkdir(`${dir}/near`);
      const started = await near.exec(node, [script, '-D', `${dir}/near`, '-I', t.ifname('near'), '-L', log, '-P', pidFile, '-q']);
      expect(started.code).toBe(0);
      const pid = Number((await waitForFile(pidFile, 15_000, (c) => /^\d+\n$/.test(c.toString()))).toString());
      try {
        await waitForFile(log, 15_000, (c) => c.toString().includes('Listening on port'));
        await rename(log, `${log}.1`);
        hangUp(pid);
        // The two lines are written one after the other: wait for the second, not just the first.
        const fresh = await waitForFile(log, 15_000, (c) => c.toString().includes('Reloaded: '));
        expect(fresh.toString()).toContain(`Reopened log file ${log}`);
        expect(fresh.toString()).toContain('Reloaded: no list or key files to read again');

        const src = await payload(`${dir}/src`);
        const run = await sendFiles(t, [], [src.file], { from: 'a' });
        expectCompleted(run.log, t.uid('near'));
        const now = readFileSync(log, 'utf8');
        const old = readFileSync(`${log}.1`, 'utf8');
        expect(now).toMatch(/Received request from/);
        expect(old).not.toMatch(/Received request from|Reopened/);
        expect(old).toMatch(/Listening on port/);
        expect(processAlive(pid)).toBe(true);
      } finally {
        await stopByPid(pid);
      }
      expect(existsSync(pidFile)).toBe(false);
    }, 120_000);
  },
  [realProgramsMissing],
);

/** The detached daemon is no child of ours: SIGTERM by its pid, then wait for it to be gone. */
async function stopByPid(pid: number): Promise<void> {
  if (!processAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const end = Date.now() + 5000;
  while (processAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}
