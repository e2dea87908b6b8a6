// Our daemons as Windows services: Wine's service manager (services.exe) and sc.exe, the official node.exe
// and the mingw-built addon, each in a lab host's own Wine prefix. uftpd installed by its own
// --install-service, uftpproxyd by a hand-written `sc create` and by its own --install-service. Each start is watched from the SCM's side
// (service-control.c): a daemon that cannot start (its port busy, a key file missing) goes from
// START_PENDING straight to STOPPED with its exit status, never RUNNING; once it can, RUNNING only once the
// socket is bound; INTERROGATE answers with that state and the daemon runs on; a file from the real Linux
// uftp (sha256); `sc stop` → STOPPED with exit code 0, node.exe gone, the log's last line written; after a
// reboot (the prefix's wineserver afresh) the service installed by --install-service starts by itself.
// SHUTDOWN (handled in native/service_win.cc as STOP is) cannot be tested here: Wine's service manager
// never sends it (at the prefix's end it terminates service processes), and ControlService refuses it with
// ERROR_INVALID_PARAMETER, as Windows does.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../scripts/bench/diag-lab';
import { stageWindowsApp } from '../../scripts/windows/stage';
import { WinePrefix } from '../../scripts/windows/wine';
import type { LabHost, LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { expectCompleted, sendFiles } from './helpers/uftpd-lab';
import { windowsLaneNeeds } from './helpers/wine-programs';
import { buildServiceControl, expectSucceeded, serviceControlUnbuildable, WineServices, waitGone, windowsPath, type ServiceStatus } from './helpers/wine-services';

/** Each test starts Windows programs one after another under Wine (node.exe takes seconds to start). */
const WINE_TEST_MS = 300_000;
const PROBE = path.join(__dirname, 'helpers', 'udp-probe.js');
/** A running daemon's status: no exit code, accepting SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN. */
const RUNNING: ServiceStatus = { state: 'RUNNING', win32ExitCode: 0, serviceExitCode: 0, controlsAccepted: 1 | 4 };

/** The log's lines without their time stamps. */
function logLines(file: string): string[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}: /, ''));
}

describeLab(
  'our uftpd and uftpproxyd as Windows services under Wine (sc, services.exe, node.exe)',
  () => {
    const lab = useProxyLab();
    let dir: string | undefined;
    let app = '';
    let control = '';
    const prefixes: WinePrefix[] = [];
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'uftpts-win-service-'));
      app = stageWindowsApp(repoRoot(), dir);
      control = buildServiceControl(dir);
    });
    // Stopping a prefix's wineserver ends every Windows process of it, services included.
    afterEach(() => prefixes.splice(0).forEach((p) => p.close()));
    afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

    function servicesOn(host: LabHost): WineServices {
      const prefix = WinePrefix.create(dir!, host.netns);
      prefixes.push(prefix);
      return new WineServices(prefix, app, control);
    }

    /**
     * Something else holds UDP `port` on `host` (a Linux socket without SO_REUSEADDR, which no later bind
     * there can share): a daemon started now cannot bind. Returns the blocker, to stop when done.
     */
    async function holdPort(t: ReturnType<typeof lab>, host: HostName, port: number): Promise<LabProcess> {
      const blocker = t.spawn(host, process.execPath, [PROBE, 'hold', String(port)]);
      await blocker.waitForOutput(/^bound$/m, 30_000);
      return blocker;
    }

    /** A start that must fail with `exitStatus`: START_PENDING, then STOPPED with it, never RUNNING; its process gone. */
    async function expectFailedStart(services: WineServices, name: string, exitStatus: number): Promise<void> {
      const start = await services.start(name);
      expect(start.states).toEqual(['START_PENDING', 'STOPPED']);
      expect(start.end).toMatchObject({ win32ExitCode: 1066, serviceExitCode: exitStatus });
      // STOPPED is reported before node.exe has quite exited: it must be gone soon after (and before a new start).
      const left = services.servicePid(name);
      if (left !== undefined) await waitGone(left);
    }

    /** A start that succeeds: START_PENDING until bound, then RUNNING, accepting STOP and SHUTDOWN. */
    async function expectStarted(services: WineServices, name: string): Promise<void> {
      const start = await services.start(name);
      expect(start.states).toEqual(['START_PENDING', 'RUNNING']);
      expect(start.end).toEqual(RUNNING);
    }

    test('uftpd: --install-service; port busy → STOPPED 2, never RUNNING; freed → RUNNING once bound, INTERROGATE, a file into C:\\temp, sc stop → STOPPED 0, process gone, log closed; started again at boot, removed while running', async () => {
      const t = lab();
      const services = servicesOn(t.host('near'));
      const name = 'uftpts-uftpd';
      // No -D, no -L: the Windows defaults of the page, C:\temp and C:\uftpd_log.txt.
      const dest = path.join(services.prefix.driveC, 'temp');
      const log = path.join(services.prefix.driveC, 'uftpd_log.txt');
      mkdirSync(dest);
      const installed = await services.install('uftpd', name, ['-I', t.ifname('near'), '-x', '3']);
      expectSucceeded(installed);
      expect(installed.stdout).toMatch(new RegExp(`installed service ${name} .*--service ${name} -I ${t.ifname('near')} -x 3\\s*$`));

      const blocker = await holdPort(t, 'near', 1044);
      await expectFailedStart(services, name, 2);
      expect(readFileSync(log, 'utf8')).toMatch(/^uftpd: socket bind \(port 1044\): .*EADDRINUSE/m);
      await blocker.stop();

      await expectStarted(services, name);
      // RUNNING is reported where systemd hears READY=1: the socket is bound, the log says so.
      expect((await t.host('near').exec('ss', ['-Hlun', 'sport = :1044'])).stdout.trim()).not.toBe('');
      expect(readFileSync(log, 'utf8')).toMatch(/Listening on port 1044 as /);
      const pid = services.servicePid(name);
      expect(pid).toBeDefined();
      // INTERROGATE is answered with the current status, and the daemon runs on: it receives the file next.
      expect(await services.interrogate(name)).toEqual(RUNNING);

      const work = await t.freshDir('win-service');
      const src = await payload(`${work}/src`);
      const run = await sendFiles(t, [], [src.file]);
      expectCompleted(run.log, t.uid('near'));
      expect(run.code).toBe(0);
      expect(await treeDigest(dest)).toEqual(src.digest);

      await services.sc('stop', name);
      expect(await services.waitFor(name, 'STOPPED')).toMatchObject({ win32ExitCode: 0, serviceExitCode: 0 });
      await waitGone(pid!);
      expect(readFileSync(log, 'utf8').endsWith('\n')).toBe(true);
      expect(logLines(log).slice(-2)).toEqual(['Exiting on service control STOP', expect.stringMatching(/^Counters: /)]);

      // A reboot: Wine's service manager, starting afresh, starts what --install-service set to start at boot,
      // with the options kept in the service's configuration (-x 3: the paths' resolver is logged again).
      const resolverLines = () => logLines(log).filter((l) => l.startsWith('Paths beneath -D/-T/-A resolved with ')).length;
      const before = resolverLines();
      expect(before).toBeGreaterThan(0);
      services.prefix.restart();
      await services.waitFor(name, 'RUNNING');
      expect(resolverLines()).toBe(before + 1);

      // Removed while it runs: marked for deletion, gone once stopped.
      const removed = await services.remove('uftpd', name);
      expectSucceeded(removed);
      expect(removed.stdout).toContain(`removed service ${name} (it still runs: the system removes it once it stops, sc stop ${name})`);
      expect(await services.query(name)).toMatchObject({ state: 'RUNNING' });
      await services.sc('stop', name);
      await services.waitRemoved(name);
    }, WINE_TEST_MS);

    test('uftpd that cannot start (a key file missing): START_PENDING, then STOPPED with 1066 and exit status 3, never RUNNING; the reason in its -L log', async () => {
      const t = lab();
      const services = servicesOn(t.host('near'));
      const name = 'uftpts-nokey';
      const log = path.join(services.prefix.driveC, 'nokey log.txt');
      const installed = await services.install('uftpd', name, ['-D', 'C:\\windows\\temp', '-k', 'C:\\no\\such.pem', '-L', 'C:\\nokey log.txt']);
      expectSucceeded(installed);
      await expectFailedStart(services, name, 3);
      expect(readFileSync(log, 'utf8')).toMatch(/^uftpd: .*C:\\no\\such\.pem/m);
    }, WINE_TEST_MS);

    test('uftpproxyd (response proxy) by sc create: port busy → STOPPED 2, never RUNNING; freed → RUNNING, both real clients complete through it, sc stop → STOPPED 0, process gone, log closed', async () => {
      const t = lab();
      const services = servicesOn(t.host('sproxy'));
      const name = 'uftpts-proxy';
      const log = path.join(services.prefix.driveC, 'uftpproxyd_log.txt');
      const binPath = `"${windowsPath(services.prefix.node)}" ${windowsPath(services.bin('uftpproxyd'))} --service ${name} -r -I ${t.ifname('sproxy')}`;
      const created = await services.sc('create', name, 'binpath=', binPath);
      expectSucceeded(created);
      const blocker = await holdPort(t, 'sproxy', 1044);
      await expectFailedStart(services, name, 2);
      expect(readFileSync(log, 'utf8')).toMatch(/^uftpproxyd: socket bind \(port 1044\): .*EADDRINUSE/m);
      await blocker.stop();

      await expectStarted(services, name);
      const pid = services.servicePid(name);
      expect(pid).toBeDefined();

      const dir = await t.freshDir('win-service-proxy');
      const src = await payload(`${dir}/src`);
      const near: HostName[] = ['near', 'near2'];
      for (const host of near) {
        const proc = await t.client(host, `${dir}/${host}`, ['-R', t.addr('sproxy')]);
        await proc.waitForOutput(/Received PROXY_KEY/, 20_000);
      }
      const run = await t.send([], [src.file]);
      expect(run.log).toMatch(new RegExp(`Got COMPLETE from proxy ${t.uid('sproxy')}`));
      for (const host of near) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(host)}\\s+Status: Completed`));
      expect(run.code).toBe(0);
      for (const host of near) expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);

      await services.sc('stop', name);
      expect(await services.waitFor(name, 'STOPPED')).toMatchObject({ win32ExitCode: 0, serviceExitCode: 0 });
      await waitGone(pid!);
      expect(readFileSync(log, 'utf8').endsWith('\n')).toBe(true);
      expect(logLines(log).slice(-2)).toEqual(['Exiting on service control STOP', expect.stringMatching(/^Counters: /)]);
      expectSucceeded(await services.sc('delete', name));
      await services.waitRemoved(name);
    }, WINE_TEST_MS);

    test('uftpproxyd: --install-service with its options, RUNNING once bound, sc stop, --remove-service of the stopped service', async () => {
      const t = lab();
      const services = servicesOn(t.host('sproxy'));
      const name = 'uftpts-proxy-installed';
      const installed = await services.install('uftpproxyd', name, ['-r', '-I', t.ifname('sproxy')]);
      expectSucceeded(installed);
      expect(installed.stdout).toMatch(new RegExp(`installed service ${name} .*--service ${name} -r -I ${t.ifname('sproxy')}\\s*$`));
      await expectStarted(services, name);
      expect((await t.host('sproxy').exec('ss', ['-Hlun', 'sport = :1044'])).stdout.trim()).not.toBe('');
      const pid = services.servicePid(name);
      await services.sc('stop', name);
      expect(await services.waitFor(name, 'STOPPED')).toMatchObject({ win32ExitCode: 0, serviceExitCode: 0 });
      if (pid !== undefined) await waitGone(pid);
      const removed = await services.remove('uftpproxyd', name);
      expectSucceeded(removed);
      expect(removed.stdout).toContain(`removed service ${name}`);
      await services.waitRemoved(name);
    }, WINE_TEST_MS);
  },
  [...windowsLaneNeeds, serviceControlUnbuildable, realProgramsMissing],
);
