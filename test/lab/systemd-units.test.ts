// The systemd units of packaging/: the offline security score of each stays at or under 2.0, and the
// directives the issue asks for are there (the daemons' only capability is CAP_NET_ADMIN, and so on).
// `systemd-analyze verify` needs the programs installed: test/lab/deb-package.test.ts runs it.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeLab, programs } from './helpers/gate';
import { exposureOf } from './helpers/systemd-analyze';

const UNITS = resolve(__dirname, '../../packaging/systemd');
const MAX_EXPOSURE = 2.0;

/** The [Service] settings of a unit file: each key with every value it is given, in order. */
function serviceSettings(file: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) section = line;
    else if (section === '[Service]') {
      const eq = line.indexOf('=');
      const key = line.slice(0, eq);
      settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
    }
  }
  return settings;
}

describeLab(
  'systemd units',
  () => {
    const files = readdirSync(UNITS).filter((f) => f.endsWith('.service'));

    test('both units are there', () => {
      expect(files.sort()).toEqual(['uftpd.service', 'uftpproxyd@.service']);
    });

    test.each(files)('%s: exposure at most 2.0', (file) => {
      const { exposure, report } = exposureOf(join(UNITS, file));
      if (exposure > MAX_EXPOSURE) console.log(report);
      expect(exposure).toBeLessThanOrEqual(MAX_EXPOSURE);
    });

    test.each(files)('%s: foreground, notify, a user of its own, CAP_NET_ADMIN only', (file) => {
      const s = serviceSettings(join(UNITS, file));
      const one = (key: string) => s.get(key)?.join(' ');
      expect(one('Type')).toBe('notify');
      expect(one('NotifyAccess')).toBe('main');
      expect(one('ExecStart')).toMatch(/^\/usr\/lib\/uftp-ts\/bin\/uftp(d|proxyd) -d \$ARGS$/);
      expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
      expect(one('Restart')).toBe('on-failure');
      expect(one('User')).toBe('uftp-ts');
      expect(one('Group')).toBe('uftp-ts');
      expect(one('CapabilityBoundingSet')).toBe('CAP_NET_ADMIN');
      expect(one('AmbientCapabilities')).toBe('CAP_NET_ADMIN');
      expect(one('ProtectSystem')).toBe('strict');
      expect(one('UMask')).toBe('0027');
      expect(one('RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX AF_NETLINK');
      expect(s.get('SystemCallFilter')?.[0]).toBe('@system-service');
      // V8 writes the code it runs: this one would kill node at start.
      expect(s.has('MemoryDenyWriteExecute')).toBe(false);
      // The proxies' arguments come from a file per instance.
      if (file.includes('@')) expect(one('EnvironmentFile')).toBe('/etc/default/uftpproxyd-%i');
      else expect(one('EnvironmentFile')).toBe('-/etc/default/uftpd');
    });
  },
  [programs('systemd', 'systemd-analyze')],
);
