// npm run package:deb, installed beside Debian's uftp package: no path of one is a path of the other,
// both sets of programs run, the units verify clean where they are installed, the user exists and runs
// the addon with the units' one capability; `dpkg -r` keeps the configuration, `dpkg -P` removes it with
// the user. Whatever happens, the package is purged at the end.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeLab, programs, uftpPrograms, type Need } from './helpers/gate';
import { exposureOf, verifyUnits } from './helpers/systemd-analyze';

const ROOT = resolve(__dirname, '../..');
const PACKAGE = 'uftp-ts';
const OURS = ['uftp-ts', 'uftpd-ts', 'uftpproxyd-ts', 'uftp_keymgt-ts', 'uftp_diag'];
const UNITS = ['/lib/systemd/system/uftpd.service', '/lib/systemd/system/uftpproxyd@.service'];

function run(cmd: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT });
}

function ok(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** dpkg's state of a package ("install ok installed", "deinstall ok config-files"), or undefined. */
function dpkgStatus(name: string): string | undefined {
  const r = run('dpkg-query', ['-W', '-f=${Status}', name]);
  return r.status === 0 && r.stdout !== 'unknown ok not-installed' ? r.stdout : undefined;
}

function userExists(name: string): boolean {
  return run('getent', ['passwd', name]).status === 0;
}

function groupExists(name: string): boolean {
  return run('getent', ['group', name]).status === 0;
}

/** Files (not directories) a package or .deb holds. */
function filesOf(paths: string[]): Set<string> {
  return new Set(paths.filter((p) => existsSync(p) && !statSync(p).isDirectory()));
}

const notInstalledYet: Need = () =>
  dpkgStatus(PACKAGE) === undefined ? undefined : `${PACKAGE} is already installed here; this test installs and purges its own`;

describeLab(
  'Debian package beside Debian uftp',
  () => {
    let out: string;
    let deb: string;
    beforeAll(() => {
      out = mkdtempSync(join(tmpdir(), 'uftp-ts-deb-'));
      const lines = ok('bash', ['scripts/package-deb.sh', out]).trim().split('\n');
      deb = lines[lines.length - 1];
    });
    afterAll(() => {
      if (dpkgStatus(PACKAGE) !== undefined) run('dpkg', ['--purge', PACKAGE]);
      rmSync(out, { recursive: true, force: true });
    });

    test('the control file: name, architecture, nodejs >= 20', () => {
      const field = (name: string) => ok('dpkg-deb', ['-f', deb, name]).trim();
      expect(field('Package')).toBe(PACKAGE);
      expect(field('Architecture')).toBe(ok('dpkg', ['--print-architecture']).trim());
      expect(field('Depends')).toContain('nodejs (>= 20)');
    });

    test('no file of the package is a file of Debian uftp', () => {
      // dpkg-deb -c: mode, owner, size, date, time, ./path [-> target]
      const ours = ok('dpkg-deb', ['-c', deb]).trim().split('\n').map((line) => line.split(/\s+/)[5].replace(/^\./, ''));
      const theirs = filesOf(ok('dpkg', ['-L', 'uftp']).trim().split('\n'));
      expect(theirs.has('/usr/bin/uftpd')).toBe(true);
      expect(ours.filter((path) => theirs.has(path))).toEqual([]);
      expect(ours).toContain('/usr/lib/uftp-ts/build/Release/uftp_native.node');
      expect(ours).toContain('/usr/bin/uftpd-ts');
    });

    test('installs: programs, units, default files, user, key directory', () => {
      ok('dpkg', ['-i', deb]);
      expect(dpkgStatus(PACKAGE)).toBe('install ok installed');
      const listed = ok('dpkg', ['-L', PACKAGE]).trim().split('\n');
      for (const path of [
        ...OURS.map((p) => `/usr/bin/${p}`), ...UNITS, '/etc/default/uftpd', '/etc/default/uftpproxyd-example',
        '/etc/logrotate.d/uftp-ts', '/usr/lib/uftp-ts/bin/uftpd',
      ]) expect(listed).toContain(path);
      const user = ok('getent', ['passwd', 'uftp-ts']).trim().split(':');
      expect(Number(user[2])).toBeLessThan(1000);
      expect(user[6]).toBe('/usr/sbin/nologin');
      expect(groupExists('uftp-ts')).toBe(true);
      expect(ok('stat', ['-c', '%U:%G %a', '/etc/uftp-ts']).trim()).toBe('root:uftp-ts 750');
    });

    test.each(OURS)('/usr/bin/%s --help prints its manual and exits 0', (program) => {
      const r = run(`/usr/bin/${program}`, ['--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^NAME\n/);
      expect(r.stdout).toContain('\nOPTIONS\n');
    });

    test("Debian's programs keep their names and work beside ours", () => {
      for (const p of ['uftp', 'uftpd', 'uftpproxyd', 'uftp_keymgt']) expect(ok('dpkg', ['-S', `/usr/bin/${p}`])).toMatch(/^uftp: /);
      // A key made by ours is read by Debian's uftp_keymgt, with the same fingerprint.
      const key = join(out, 'check.key');
      ok('/usr/bin/uftp_keymgt-ts', ['-g', 'ec:prime256v1', key]);
      const fingerprint = (text: string) => /fingerprint: ([0-9A-F:]+)/.exec(text)?.[1];
      const theirs = run('/usr/bin/uftp_keymgt', [key]);
      const ours = run('/usr/bin/uftp_keymgt-ts', [key]);
      expect(fingerprint(theirs.stdout + theirs.stderr)).toBeDefined();
      expect(fingerprint(theirs.stdout + theirs.stderr)).toBe(fingerprint(ours.stdout + ours.stderr));
    });

    test('as the user uftp-ts with only CAP_NET_ADMIN, the installed addon forces a large buffer', () => {
      const r = run('setpriv', [
        '--reuid=uftp-ts', '--regid=uftp-ts', '--init-groups', '--inh-caps=-all,+net_admin', '--ambient-caps=-all,+net_admin',
        '--bounding-set=-all,+net_admin', '/usr/bin/uftp_diag', 'socket', '--rcvbuf', '8388608', '--json',
      ]);
      expect(r.stderr).toBe('');
      const granted = JSON.parse(r.stdout) as { rcvbuf: number; forced: boolean; rmemMax: number };
      expect(granted.rmemMax).toBeLessThan(8388608);
      expect(granted.forced).toBe(true);
      expect(granted.rcvbuf).toBeGreaterThanOrEqual(8388608);
    });

    test('the installed units verify clean and keep the exposure goal', () => {
      expect(verifyUnits(...UNITS, 'uftpproxyd@example.service')).toEqual({ status: 0, output: '' });
      for (const unit of UNITS) expect(exposureOf(unit).exposure).toBeLessThanOrEqual(2.0);
    });

    test('the logrotate file parses', () => {
      const r = run('logrotate', ['--debug', '/etc/logrotate.d/uftp-ts']);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/error/i);
      expect(r.status).toBe(0);
    });

    test('installing again over itself (an upgrade) works', () => {
      ok('dpkg', ['-i', deb]);
      expect(dpkgStatus(PACKAGE)).toBe('install ok installed');
      expect(userExists('uftp-ts')).toBe(true);
    });

    test('dpkg -r: programs gone, configuration and user kept, Debian uftp untouched', () => {
      ok('dpkg', ['-r', PACKAGE]);
      expect(dpkgStatus(PACKAGE)).toBe('deinstall ok config-files');
      for (const p of OURS) expect(existsSync(`/usr/bin/${p}`)).toBe(false);
      expect(existsSync('/usr/lib/uftp-ts')).toBe(false);
      expect(existsSync('/etc/default/uftpd')).toBe(true);
      expect(existsSync('/etc/uftp-ts')).toBe(true);
      expect(userExists('uftp-ts')).toBe(true);
      expect(existsSync('/usr/bin/uftpd')).toBe(true);
    });

    test('dpkg -P: user, group and configuration gone', () => {
      ok('dpkg', ['-P', PACKAGE]);
      expect(dpkgStatus(PACKAGE)).toBeUndefined();
      expect(userExists('uftp-ts')).toBe(false);
      expect(groupExists('uftp-ts')).toBe(false);
      for (const p of ['/etc/default/uftpd', '/etc/default/uftpproxyd-example', '/etc/logrotate.d/uftp-ts', '/etc/uftp-ts']) {
        expect(existsSync(p)).toBe(false);
      }
      expect(dpkgStatus('uftp')).toBe('install ok installed');
    });
  },
  [uftpPrograms('uftp', 'uftpd', 'uftp_keymgt'), programs('systemd dpkg logrotate util-linux', 'systemd-analyze', 'dpkg-deb', 'logrotate', 'setpriv'), notInstalledYet],
);
