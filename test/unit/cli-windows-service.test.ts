// The daemons' Windows service glue that runs anywhere: the service options taken out of argv, the
// command line the SCM keeps, the life cycle under a supervisor (no detaching, RUNNING once the socket
// is bound, STOP as clean as SIGTERM), and on Linux a clear refusal. The SCM itself: test/lab/windows-service.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteWindowsArgument, windowsCommandLine } from '../../lib/cli/common/windows-service/command-line';
import { connectEarly } from '../../lib/cli/common/windows-service/early';
import { takeServiceOptions } from '../../lib/cli/common/windows-service/options';
import { main as proxydMain } from '../../lib/cli/proxyd/main';
import { OPTSTRING as PROXYD_OPTSTRING } from '../../lib/cli/proxyd/options';
import { main as uftpdMain } from '../../lib/cli/uftpd/main';
import { OPTSTRING as UFTPD_OPTSTRING } from '../../lib/cli/uftpd/options';
import type { ProxyMachine } from '../../lib/proxy/types';
import { UdpSocket } from '../../lib/net';

describe('the Windows command line the SCM keeps', () => {
  test.each([
    ['plain', 'plain'],
    ['', '""'],
    ['C:\\Program Files\\uftp', '"C:\\Program Files\\uftp"'],
    ['C:\\dir with space\\', '"C:\\dir with space\\\\"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\\"b c', '"a\\\\\\"b c"'],
    ['C:\\no\\blanks\\', 'C:\\no\\blanks\\'],
    ['tab\there', '"tab\there"'],
  ])('%j is written %s', (arg, quoted) => {
    expect(quoteWindowsArgument(arg)).toBe(quoted);
  });

  test('the program path is always quoted, the arguments only when they must be', () => {
    expect(windowsCommandLine('C:\\node\\node.exe', ['C:\\app\\bin\\uftpd', '--service', 'u1', '-D', 'C:\\in box'])).toBe(
      '"C:\\node\\node.exe" C:\\app\\bin\\uftpd --service u1 -D "C:\\in box"',
    );
    expect(() => windowsCommandLine('C:\\a"b.exe', [])).toThrow(/double quote/);
  });
});

describe('takeServiceOptions', () => {
  const take = (argv: string[]) => takeServiceOptions(argv, UFTPD_OPTSTRING);

  test('each of the three, in both spellings, anywhere among the options', () => {
    expect(take(['-D', '/in', '--install-service', 'u1', '-x', '3'])).toEqual({ argv: ['-D', '/in', '-x', '3'], request: { action: 'install', name: 'u1' } });
    expect(take(['--service=u1', '-D', '/in'])).toEqual({ argv: ['-D', '/in'], request: { action: 'run', name: 'u1' } });
    expect(take(['--remove-service', 'u.1_x-2'])).toEqual({ argv: [], request: { action: 'remove', name: 'u.1_x-2' } });
    expect(take(['-D', '/in'])).toEqual({ argv: ['-D', '/in'] });
  });

  test('an option argument that looks like one is left to getopt', () => {
    expect(take(['-L', '--service', 'x'])).toEqual({ argv: ['-L', '--service', 'x'] });
    expect(takeServiceOptions(['-r', '--service', 's'], PROXYD_OPTSTRING)).toEqual({ argv: ['-r'], request: { action: 'run', name: 's' } });
  });

  test('bad use is a UsageError that says what is wrong', () => {
    expect(() => take(['--service'])).toThrow(/^--service needs an argument: a service name/);
    expect(() => take(['--service', 'a', '--service', 'b'])).toThrow(/^--service given twice/);
    expect(() => take(['--install-service', 'a', '--remove-service', 'a'])).toThrow(/^--install-service and --remove-service cannot go together/);
    expect(() => take(['--install-service', 'a/b'])).toThrow(/invalid service name 'a\/b'/);
    expect(() => take(['--install-service', 'x'.repeat(257)])).toThrow(/invalid service name/);
    expect(() => take(['--remove-service', 'a', '-D', '/in'])).toThrow(/^--remove-service takes no daemon options, got '-D'/);
  });
});

describe('the service commands off Windows', () => {
  function capture(): { text: () => string; write: (t: string) => void } {
    const out: string[] = [];
    return { text: () => out.join(''), write: (t) => void out.push(t) };
  }

  test('install, remove and run say that services are Windows-only, exit 1', async () => {
    for (const argv of [['--install-service', 'u1', '-D', '/tmp'], ['--remove-service', 'u1'], ['--service', 'u1']]) {
      const err = capture();
      expect(await uftpdMain(argv, { stderr: err.write, stdout: err.write })).toBe(1);
      expect(err.text()).toMatch(/^uftpd: .*ENOTSUP: Windows services exist only on Windows/);
    }
  });

  test('an early connection (--service NAME first, as the bins make it) fails the same way, once; a bad line after it too', async () => {
    connectEarly(['--service', 'u1', '-D', '/tmp']);
    const err = capture();
    expect(await uftpdMain(['--service', 'u1', '-D', '/tmp'], { stderr: err.write })).toBe(1);
    expect(err.text()).toMatch(/^uftpd: cannot connect to the Service Control Manager: StartServiceCtrlDispatcher ENOTSUP: .*\n$/);
    const bad = capture();
    expect(await uftpdMain(['--service', 'u1', '--remove-service', 'u1'], { stderr: bad.write })).toBe(1);
    expect(bad.text()).toMatch(/^uftpd: --service and --remove-service cannot go together\n/);
  });

  test('the daemon options are checked before anything is installed', async () => {
    const err = capture();
    expect(await uftpdMain(['--install-service', 'u1', '-D', 'relative'], { stderr: err.write })).toBe(1);
    expect(err.text()).toMatch(/^uftpd: -D: .*relative/);
    const debug = capture();
    expect(await proxydMain(['--install-service', 'p1', '-c', '-d'], { stderr: debug.write })).toBe(1);
    expect(debug.text()).toMatch(/^uftpproxyd: -d: a service has no terminal; it logs to its -L file/);
  });
});

describe('the life cycle under a supervisor (as the SCM runs a daemon)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-life-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('stays in front without -d, logs to -L, ready once running, stopped cleanly with exit 0', async () => {
    const log = join(dir, 'proxy.log');
    const machine = (): ProxyMachine => ({ start: () => [], handle: () => [], sessionCount: () => 0 });
    const events: string[] = [];
    let stop: (why: string) => void = () => undefined;
    const probe = UdpSocket.open({ family: 4 });
    probe.bind('127.0.0.1', 0);
    const { port } = probe.address();
    await probe.close();
    const code = await proxydMain(['-c', '-U', '0x0a0b0c0d', '-p', String(port), '-L', log], {
      stderr: (t) => events.push(`stderr ${t}`),
      createMachine: machine,
      supervisor: {
        onStop: (s) => {
          events.push('onStop');
          stop = s;
        },
        ready: () => {
          events.push(`ready after: ${readFileSync(log, 'utf8').match(/Loaded \d+ bit RSA key/)?.[0]}`);
          setImmediate(() => stop('service control STOP'));
        },
      },
    });
    expect({ code, events }).toMatchObject({ code: 0 });
    expect(events).toEqual(['onStop', 'ready after: Loaded 512 bit RSA key']);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ \S+: /, '')).slice(-2)).toEqual(['Exiting on service control STOP', 'Counters: none']);
  });
});
