// The units of packaging/ as a service manager would run them (issue 9, "Tests"): each unit's ExecStart with
// its $ARGS, as an unprivileged user with only the unit's capabilities (setpriv: the bounding and ambient
// sets, no new privileges), its NOTIFY_SOCKET a stand-in for systemd's. READY=1 comes once the port is
// bound; a transfer from the real uftp completes; SIGHUP (the units' ExecReload) with a changed -S list
// takes effect in the next session while the running one finishes, framed by RELOADING=1 and READY=1;
// SIGTERM brings STOPPING=1 and the exit status of a signal stop. The unit's User= (uftp-ts, made by the
// package) is played by nobody: what matters is a uid that is not root and owns nothing else.
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../scripts/bench/diag-lab';
import { UFTP_PORT } from '../../scripts/bench/programs';
import type { LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { assignments, listenForNotify, type NotifyListener } from './helpers/notify-listener';
import { payload, randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type AnyHost, type ProxyTestLab } from './helpers/proxy-lab';
import { NO_FORCE } from '../../lib/cli/common/buffers';
import { PACKAGING, capMask, defaultArgs, processCredentials, unitCommand } from './helpers/unit-file';
import { expectCompleted, logOf, sendFiles, sendInBackground } from './helpers/uftpd-lab';

const LAB = { segments: ['a'], hosts: { a: { segments: ['a'] }, b: { segments: ['a'] }, near: { segments: ['a'] }, proxy: { segments: ['a'] } } };
const NOBODY = 65534;
const PUBLIC = '232.4.4.1';
const SIGNAL_STOP_EXIT = 6;
const PROBE = path.join(__dirname, 'helpers', 'udp-probe.js');
const has = (key: string, value: string) => (m: string): boolean => assignments(m)[key] === value;

/** A directory the unit's user may write, as StateDirectory=/LogsDirectory= would make it. */
async function ownedDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await chown(dir, NOBODY, NOBODY);
  return dir;
}

/** The lab's directories are root's (mkdtemp, 0700): let the unit's user pass through them. */
async function letThrough(t: ProxyTestLab, dir: string): Promise<void> {
  await chmod(path.dirname(dir), 0o711);
  await chmod(dir, 0o755);
}

async function bindProbe(t: ProxyTestLab, host: AnyHost): Promise<string> {
  return (await t.host(host).exec(process.execPath, [PROBE, 'bind', String(UFTP_PORT)])).stdout.trim();
}

/** Started as the unit says: READY=1 once bound, the process unprivileged but for the unit's capabilities. */
async function expectReady(t: ProxyTestLab, host: AnyHost, proc: LabProcess, listener: NotifyListener, ambient: string[]): Promise<number> {
  const ready = await listener.waitFor(has('READY', '1'), 20_000);
  expect(assignments(ready.message).MAINPID).toBe(String(proc.pid));
  expect(await bindProbe(t, host)).toBe('EADDRINUSE');
  const creds = processCredentials(proc.pid);
  expect(creds).toEqual({ uid: NOBODY, capEff: capMask(ambient), noNewPrivs: true });
  return ready.index;
}

/** SIGHUP as ExecReload sends it: RELOADING=1 with a monotonic time, then READY=1 again. */
async function reload(proc: LabProcess, listener: NotifyListener): Promise<void> {
  const before = listener.messages().length;
  process.kill(proc.pid, 'SIGHUP');
  const reloading = await listener.waitFor(has('RELOADING', '1'), 15_000, before);
  expect(assignments(reloading.message).MONOTONIC_USEC).toMatch(/^\d+$/);
  await listener.waitFor(has('READY', '1'), 15_000, reloading.index + 1);
}

async function stop(proc: LabProcess, listener: NotifyListener): Promise<void> {
  const before = listener.messages().length;
  process.kill(proc.pid, 'SIGTERM');
  expect((await proc.exited).code).toBe(SIGNAL_STOP_EXIT);
  const stopping = await listener.waitFor(has('STOPPING', '1'), 5000, before);
  expect(assignments(stopping.message).STATUS).toBe('Exiting on signal 15');
}

describeLab(
  'the packaged units run as their user with their capabilities',
  () => {
    const lab = useProxyLab(LAB);

    test('uftpd.service: READY once bound, a real uftp transfer, SIGHUP with a new -S list, SIGTERM', async () => {
      const t = lab();
      const dir = await t.freshDir('uftpd-unit');
      await letThrough(t, dir);
      const state = await ownedDir(path.join(dir, 'var-lib-uftpd'));
      const logs = await ownedDir(path.join(dir, 'var-log-uftpd'));
      const servers = path.join(dir, 'servers.txt');
      await writeFile(servers, `${t.uid('a')}|${t.addr('a')}\n`, { mode: 0o644 });
      // The defaults file's ARGS with the package's directories moved here, plus this lab's interface and list.
      const args = defaultArgs(path.join(PACKAGING, 'default', 'uftpd')).map((w) => w.replace('/var/lib/uftpd', state).replace('/var/log/uftpd', logs));
      expect(args).toEqual(['-D', state, '-F', path.join(logs, 'status.log')]);
      const unit = unitCommand(path.join(PACKAGING, 'systemd', 'uftpd.service'), [...args, '-I', t.ifname('near'), '-S', servers, '-M', PUBLIC], NOBODY, NOBODY);
      expect(unit.user).toBe('uftp-ts');

      const listener = await listenForNotify(t, 'near', `@uftp-ts-unit-${process.pid}-uftpd`);
      const daemon = t.spawn('near', unit.argv[0], unit.argv.slice(1), { env: { NOTIFY_SOCKET: listener.address } });
      await expectReady(t, 'near', daemon, listener, unit.ambient);

      // A long session from A; the list changes to B and the unit is reloaded while it runs.
      const long = await randomFile(path.join(dir, 'src-a'), 'long.bin', 8 * 1024 * 1024);
      const runA = sendInBackground(t, ['-M', PUBLIC, '-P', '232.5.5.1', '-R', '6000'], [long], { from: 'a' });
      await daemon.waitForOutput(/Name of file to receive: long\.bin/, 60_000);
      await writeFile(servers, `${t.uid('b')}|${t.addr('b')}\n`);
      await reload(daemon, listener);
      expect(logOf(daemon)).toMatch(/Reloaded: 1 server in -S \S+ \(was 1, entries changed\)/);

      const fromB = await payload(path.join(dir, 'src-b'));
      const runB = await sendFiles(t, ['-M', PUBLIC, '-P', '232.5.6.1'], [fromB.file], { from: 'b' });
      expectCompleted(runB.log, t.uid('near'));
      const endA = await runA.exited;
      expect(endA.code).toBe(0);
      expectCompleted(runA.stdout() + runA.stderr(), t.uid('near'));
      expect(await treeDigest(state)).toEqual({ ...fromB.digest, ...(await treeDigest(path.join(dir, 'src-a'))) });
      // -F of the defaults file: written by the unit's user into its logs directory.
      const status = await t.host('near').exec('cat', [path.join(logs, 'status.log')]);
      expect(status.stdout).toMatch(/long\.bin/);
      expect(status.stdout).toMatch(/payload\.bin/);

      await stop(daemon, listener);
    }, 180_000);

    test('uftpproxyd@.service (a response proxy instance): READY once bound, a real transfer through it, SIGHUP, SIGTERM', async () => {
      const t = lab();
      const dir = await t.freshDir('proxy-unit');
      // /etc/default/uftpproxyd-NAME holds the instance's ARGS; the example's response-proxy line.
      const unit = unitCommand(path.join(PACKAGING, 'systemd', 'uftpproxyd@.service'), ['-r', '-I', t.ifname('proxy')], NOBODY, NOBODY);
      const listener = await listenForNotify(t, 'proxy', `@uftp-ts-unit-${process.pid}-proxy`);
      const proxy = t.spawn('proxy', unit.argv[0], unit.argv.slice(1), { env: { NOTIFY_SOCKET: listener.address } });
      await expectReady(t, 'proxy', proxy, listener, unit.ambient);

      const src = await payload(path.join(dir, 'src'));
      const client = await t.client('near', path.join(dir, 'near'), ['-R', t.addr('proxy')]);
      await client.waitForOutput(/Received PROXY_KEY/, 10_000);
      const run = await sendFiles(t, [], [src.file], { from: 'a' });
      expectCompleted(run.log, t.uid('near'));
      expect(run.log).toContain(`Got COMPLETE from proxy ${t.uid('proxy')}`);
      expect(await treeDigest(path.join(dir, 'near'))).toEqual(src.digest);

      await reload(proxy, listener);
      expect(logOf(proxy)).toMatch(/Reloaded: no list or key files to read again/);
      await stop(proxy, listener);
    }, 120_000);

    test('without the unit\'s capability: plain buffers, and the log says why', async () => {
      const t = lab();
      const dir = await t.freshDir('no-cap');
      await letThrough(t, dir);
      const dest = await ownedDir(path.join(dir, 'dest'));
      const bare = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs'];
      // 8 MiB: above the lab namespace's rmem_max (4 MiB), so only FORCE could grant it.
      const daemon = t.spawn('near', bare[0], [...bare.slice(1), process.execPath, path.join(repoRoot(), 'bin', 'uftpd'), '-d', '-B', '8388608', '-D', dest, '-I', t.ifname('near')]);
      await daemon.waitForOutput(/Listening on port/, 20_000);
      expect(processCredentials(daemon.pid).capEff).toBe(0n);
      expect(logOf(daemon)).toContain(`Warning: UDP receive buffer: kernel granted 4194304 bytes, asked for 8388608; ${NO_FORCE}`);
      process.kill(daemon.pid, 'SIGTERM');
      expect((await daemon.exited).code).toBe(SIGNAL_STOP_EXIT);
    }, 60_000);
  },
  [realProgramsMissing],
);

