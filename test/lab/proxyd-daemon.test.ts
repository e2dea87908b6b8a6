// bin/uftpproxyd as a daemon in a lab host: without -d it detaches, writes the -P pid file and logs to
// -L, listens on its port, and on SIGTERM removes the pid file and goes away; with -d it stays in
// front and logs to stderr. Needs the TypeScript built (dist/), as CI does with `npm ci`.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Lab, waitForFile, type LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';

const BIN = resolve(__dirname, '../../bin/uftpproxyd');
const PROBE = resolve(__dirname, 'helpers/udp-probe.js');
const BUILT = resolve(__dirname, '../../dist/lib/cli/proxyd/main.js');
const built = (): string | undefined => (existsSync(BUILT) ? undefined : `${BUILT} is missing: run npm run build:ts`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeLab(
  'uftpproxyd daemon',
  () => {
    let lab: Lab;
    let daemonPid: number | undefined;
    let front: LabProcess | undefined;
    beforeAll(async () => {
      lab = await Lab.create({ segments: ['a'], hosts: { proxy: { segments: ['a'] }, peer: { segments: ['a'] } } });
    });
    afterEach(async () => {
      // A detached daemon is not the lab's child: stop it by its pid if a test left it running.
      if (daemonPid !== undefined && alive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
      daemonPid = undefined;
      await front?.stop();
      front = undefined;
    });
    afterAll(() => lab?.destroy());

    it('detaches, writes the pid file and the log, serves, and shuts down cleanly on SIGTERM', async () => {
      const proxy = lab.host('proxy');
      const pidFile = join(lab.tmpdir(), 'proxy.pid');
      const logFile = join(lab.tmpdir(), 'proxy.log');
      const started = await proxy.exec(process.execPath, [BIN, '-c', '-I', proxy.ifname('a'), '-P', pidFile, '-L', logFile, '-p', '1044'], { timeoutMs: 30_000 });
      expect(started).toMatchObject({ code: 0, stdout: '', stderr: '' });
      daemonPid = Number(readFileSync(await waitForFile(pidFile, 10_000).then(() => pidFile), 'utf8').trim());
      expect(daemonPid).toBeGreaterThan(1);
      expect(alive(daemonPid)).toBe(true);
      // It runs in its own session, not as a child of the command that started it.
      const stat = readFileSync(`/proc/${daemonPid}/stat`, 'utf8').split(') ')[1].split(' ');
      expect(Number(stat[3])).toBe(daemonPid); // session id = its own pid
      const log = readFileSync(logFile, 'utf8');
      expect(log).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}: uftp-ts uftpproxyd/m);
      expect(log).toMatch(/: Loaded 512 bit RSA key with fingerprint ([0-9A-F]{2}:){19}[0-9A-F]{2}\n/);
      // Its one UDP socket is bound to 0.0.0.0:1044 in the proxy's namespace.
      const sockets = await proxy.exec('ss', ['-ulnp']);
      expect(sockets.stdout).toMatch(new RegExp(`0\\.0\\.0\\.0:1044 .*pid=${daemonPid},`));
      // A few datagrams that are not UFTP reach the proxy machine, which drops and counts them.
      const probe = await lab.host('peer').exec(process.execPath, [PROBE, 'ask', proxy.addr('a'), '1044', '300']);
      expect(probe.stdout).toContain('no reply');

      process.kill(daemonPid, 'SIGTERM');
      await until('the daemon to exit', () => !alive(daemonPid!));
      expect(existsSync(pidFile)).toBe(false);
      const after = readFileSync(logFile, 'utf8');
      expect(after).toMatch(/: Exiting on signal 15\n.*: Counters: (?!none).*\n$/);
    });

    it('with -d stays in front, logs to stderr (not to -L), and exits 6 on SIGTERM', async () => {
      const proxy = lab.host('proxy');
      const logFile = join(lab.tmpdir(), 'front.log');
      const pidFile = join(lab.tmpdir(), 'front.pid');
      front = proxy.spawn(process.execPath, [BIN, '-d', '-r', '-x', '5', '-L', logFile, '-P', pidFile]);
      await front.waitForOutput(/Loaded 512 bit RSA key with fingerprint/, 15_000);
      expect(front.stderr()).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}: uftp-ts uftpproxyd/);
      expect(existsSync(logFile)).toBe(false);
      await waitForFile(pidFile, 10_000);
      await front.stop('SIGTERM');
      expect(await front.exited).toEqual({ code: 6, signal: null });
      expect(front.stderr()).toContain('Exiting on signal 15');
      expect(existsSync(pidFile)).toBe(false);
    });

    it('a log file that cannot be opened: exit 4 with the reason, nothing left running', async () => {
      const proxy = lab.host('proxy');
      const result = await proxy.exec(process.execPath, [BIN, '-c', '-L', lab.tmpdir()], { timeoutMs: 30_000 });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`uftpproxyd: cannot open log file ${lab.tmpdir()}`);
    });

    it('a detached copy that fails while starting tells the parent, which prints why and exits with its status', async () => {
      const proxy = lab.host('proxy');
      const logFile = join(lab.tmpdir(), 'failing.log');
      const pidFile = join(lab.tmpdir(), 'failing.pid');
      // The key file is free (the parent's check passes) but its directory is missing: writing it fails.
      const keyFile = join(lab.tmpdir(), 'no-such-dir', 'key.pem');
      const args = [BIN, '-c', '-k', keyFile, '-K', 'rsa:512', '-L', logFile, '-P', pidFile];
      const result = await proxy.exec(process.execPath, args, { timeoutMs: 30_000 });
      expect(result.code).toBe(3); // key data, as the page says
      expect(result.stderr).toContain(`uftpproxyd: -k: ${keyFile}: cannot create key file`);
      expect(existsSync(pidFile)).toBe(false);
      expect(readFileSync(logFile, 'utf8')).toContain('cannot create key file');
    });
  },
  [built],
);
