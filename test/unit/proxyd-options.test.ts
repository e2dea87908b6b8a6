// uftpproxyd's command line: the page's defaults, every option's value, and every kind of bad input
// answered with a message naming the option, the usage text, exit status 1 and nothing started.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateKey, privateKeyPem } from '../../lib/crypto';
import { main } from '../../lib/cli/proxyd/main';
import { parseProxydArgs } from '../../lib/cli/proxyd/options';

const BIN = resolve(__dirname, '../../bin/uftpproxyd');
const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'proxyd-options-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(args, { stderr: (t) => (err += t) });
  return { code, err };
}

describe('parseProxydArgs', () => {
  it('has the page\'s defaults', () => {
    expect(parseProxydArgs(['-c'])).toEqual({
      mode: 'client',
      debug: false,
      port: 1044,
      destPort: 1044,
      ttl: 1,
      dscp: 0,
      nice: 0,
      logLevel: 2,
      heartbeats: [],
      heartbeatIntervalSec: 20,
      maxLogCount: 5,
      bufferSize: 262144,
      logFile: '/tmp/uftpproxyd.log',
      clientListFiles: [],
      serverListFiles: [],
      keyFiles: [],
      keySpecs: [],
      interfaces: [],
      publicGroups: ['230.4.4.1'],
      publicGroupsGiven: false,
    });
  });

  it('reads every option of the page, attached or not', () => {
    const o = parseProxydArgs([
      '-s', 'cproxy', '-d', '-p2000', '-t', '16', '-Q', '0x2e', '-N', '-5', '-O', 'eth1', '-U', '0x11223344',
      '-q', '3000', '-m', '-x', '5', '-H', 'a,b:7', '-h', '5', '-g', '2', '-n', '3', '-B', '8388608',
      '-L', '/x.log', '-P', '/x.pid', '-C', '/c', '-S', '/s', '-k', 'k1,k2', '-K', 'rsa:1024,ec:secp256r1',
      '-e', 'secp384r1', '-I', 'eth0,198.18.250.1', '-M', '230.4.4.1,232.1.1.1', '-T', '50',
    ]);
    expect(o).toEqual({
      mode: 'server', downstream: { host: 'cproxy', port: 3000 }, debug: true, port: 2000, destPort: 3000,
      ttl: 16, dscp: 46, nice: -5, egressInterface: 'eth1', uid: 0x11223344, logLevel: 5,
      heartbeats: [{ host: 'a', port: 1044 }, { host: 'b', port: 7 }], heartbeatIntervalSec: 5,
      maxLogBytes: 2_000_000, maxLogCount: 3, bufferSize: 8388608, logFile: '/x.log', pidFile: '/x.pid',
      clientListFiles: ['/c'], serverListFiles: ['/s'], keyFiles: ['k1', 'k2'],
      keySpecs: [{ type: 'rsa', bits: 1024 }, { type: 'ec', curve: 'prime256v1' }],
      interfaces: ['eth0', '198.18.250.1'], publicGroups: ['230.4.4.1', '232.1.1.1'], publicGroupsGiven: true,
      aggregationPct: 50,
    });
  });

  // The real proxy sends to its clients (client proxy), its downstream (server proxy) and PROXY_KEY (response
  // proxy, checked: -r -p 1999 answered a KEY_REQ on 230.4.4.1:1044) at 1044 unless -q says otherwise.
  it.each([['-c'], ['-r'], ['-s', 'cproxy']])('-q defaults to 1044 whatever -p is (%s)', (...mode) => {
    const o = parseProxydArgs([...mode, '-p', '1999']);
    expect(o.port).toBe(1999);
    expect(o.destPort).toBe(1044);
    if (o.mode === 'server') expect(o.downstream).toEqual({ host: 'cproxy', port: 1044 });
  });

  it('repeated -M, -k, -K, -I, -H, -C and -S add up, as the real proxy\'s do', () => {
    const o = parseProxydArgs([
      '-s', 'cproxy', '-M', '232.1.1.1', '-M', '232.2.2.2,232.3.3.3', '-k', 'a', '-k', 'b,c', '-K', 'rsa:512', '-K', 'ec:prime256v1,rsa:1024',
      '-I', 'eth0', '-I', 'eth1', '-H', 'h1', '-H', 'h2:7,h3', '-C', '/c1', '-C', '/c2', '-S', '/s1', '-S', '/s2',
    ]);
    expect(o).toMatchObject({
      publicGroups: ['232.1.1.1', '232.2.2.2', '232.3.3.3'],
      keyFiles: ['a', 'b', 'c'],
      keySpecs: [{ type: 'rsa', bits: 512 }, { type: 'ec', curve: 'prime256v1' }, { type: 'rsa', bits: 1024 }],
      interfaces: ['eth0', 'eth1'],
      heartbeats: [{ host: 'h1', port: 1044 }, { host: 'h2', port: 7 }, { host: 'h3', port: 1044 }],
      clientListFiles: ['/c1', '/c2'],
      serverListFiles: ['/s1', '/s2'],
    });
  });

  it('flags run together as getopt reads them: -rd, -rdx5, -dr (-r takes only a ":curve" attached)', () => {
    expect(parseProxydArgs(['-rd'])).toMatchObject({ mode: 'response', debug: true });
    expect(parseProxydArgs(['-rdx5'])).toMatchObject({ mode: 'response', debug: true, logLevel: 5 });
    expect(parseProxydArgs(['-dr'])).toMatchObject({ mode: 'response', debug: true });
    expect(parseProxydArgs(['-r:prime256v1'])).toMatchObject({ mode: 'response', ecdhCurve: 'prime256v1' });
  });

  it('-U takes hex without 0x as the real proxy (-U 1234 sent HB_REQ with source ID 0x00001234)', () => {
    expect(parseProxydArgs(['-c', '-U', '1234']).uid).toBe(0x1234);
    expect(parseProxydArgs(['-c', '-U', 'C6121502']).uid).toBe(0xc6121502);
    expect(parseProxydArgs(['-c', '-U', '0x1234']).uid).toBe(0x1234);
    expect(parseProxydArgs(['-c', '-U', '198.18.21.2']).uid).toBe(0xc6121502);
  });

  it('--max-sessions (ours) anywhere among the options, else the machine\'s default', () => {
    expect(parseProxydArgs(['-c']).maxSessions).toBeUndefined();
    expect(parseProxydArgs(['-c', '--max-sessions', '50', '-d'])).toMatchObject({ maxSessions: 50, debug: true });
    expect(parseProxydArgs(['--max-sessions=7', '-L', '--max-sessions', '-r'])).toMatchObject({ maxSessions: 7, logFile: '--max-sessions' });
  });

  it('-g counts megabytes of 10^6 bytes', () => {
    expect(parseProxydArgs(['-c', '-g', '1']).maxLogBytes).toBe(1_000_000);
  });

  it('modes: -s fp=..., -r and -r:curve (or -r with -e)', () => {
    expect(parseProxydArgs(['-s', `fp=${FP.toLowerCase()}`])).toMatchObject({ mode: 'server', downstreamFingerprint: FP });
    expect(parseProxydArgs(['-r']).ecdhCurve).toBeUndefined();
    expect(parseProxydArgs(['-r:secp256r1'])).toMatchObject({ mode: 'response', ecdhCurve: 'prime256v1' });
    expect(parseProxydArgs(['-r', '-e', 'secp521r1'])).toMatchObject({ mode: 'response', ecdhCurve: 'secp521r1' });
    expect(parseProxydArgs(['-c', '-e', 'secp521r1']).ecdhCurve).toBeUndefined(); // ignored without -r
  });
});

describe('uftpproxyd bad command lines', () => {
  const keyFile = (): string => {
    const path = join(dir, 'rsa.pem');
    if (!existsSync(path)) writeFileSync(path, privateKeyPem(generateKey({ type: 'rsa', bits: 512 })));
    return path;
  };
  const notAKey = (): string => {
    const path = join(dir, 'notakey.pem');
    writeFileSync(path, 'hello\n');
    return path;
  };

  it.each([
    [[], 'Either -s, -c, or -r must be specified'],
    [['-c', '-s', 'x'], 'Only one of -s, -c, -r may be specified (got -c and -s)'],
    [['-c', '-r'], 'Only one of -s, -c, -r'],
    [['-c', '-z'], "invalid option -- 'z'"],
    [['-c', '-p'], "option requires an argument -- 'p'"],
    [['-c', 'extra'], "unexpected argument 'extra'"],
    [['-c', '-p', 'abc'], "-p: invalid port 'abc'"],
    [['-c', '-p', '0'], "-p: invalid port '0': must be 1-65535"],
    [['-c', '-q', '65536'], "-q: invalid port '65536'"],
    [['-c', '-t', '300'], "-t: invalid ttl '300': must be 1-255"],
    [['-c', '-t', '0'], "-t: invalid ttl '0': must be 1-255"], // the real proxy: "Invalid ttl"
    [['-rx'], "option requires an argument -- 'x'"],
    [['-c', '-Q', '64'], "-Q: invalid dscp '64': must be 0-63"],
    [['-c', '-N', '20'], "-N: invalid priority '20': must be -20-19"],
    [['-c', '-U', 'zz'], "-U: invalid unique ID 'zz'"],
    [['-c', '-x', '9'], "-x: invalid log level '9': must be 0-5"],
    // Stricter than the real proxy on purpose (docs/proxy-notes.md): it takes -x 6, and -p 70000 as port 4464.
    [['-c', '-x', '6'], "-x: invalid log level '6': must be 0-5"],
    [['-c', '-p', '70000'], "-p: invalid port '70000': must be 1-65535"],
    [['-c', '-h', '0'], "-h: invalid heartbeat interval '0'"],
    [['-c', '-g', '0'], "-g: invalid max log size '0': must be 1-1024"],
    [['-c', '-n', '1001'], "-n: invalid max log count '1001': must be 1-1000"],
    [['-c', '-B', '100'], "-B: invalid buffer size '100': must be 65536-104857600"],
    [['-c', '-T', '5'], "-T: invalid interval percentage '5': must be 10-99"],
    [['-c', '-H', 'a:b'], "-H: invalid port 'b' in 'a:b'"],
    [['-c', '-H', 'a,,b'], '-H: empty item'],
    [['-c', '-H', 'no-such-host.invalid'], "-H: invalid name/address 'no-such-host.invalid'"],
    [['-s', 'no-such-host.invalid'], "-s: invalid name/address 'no-such-host.invalid'"],
    [['-s', 'fp=12:34'], "-s: invalid fingerprint '12:34'"],
    [['-r:'], "-r: invalid argument ':'"],
    [['-r:nocurve'], "-r: invalid EC curve 'nocurve'"],
    [['-r:secp256r1', '-e', 'secp384r1'], '-r:prime256v1 and -e secp384r1 name different curves'],
    [['-c', '-e', 'nocurve'], "-e: invalid EC curve 'nocurve'"],
    [['-c', '-K', 'rsa:100'], "-K: invalid RSA key size '100': must be 512-2048"],
    [['-c', '-K', 'ec:foo'], "-K: invalid EC curve 'foo'"],
    [['-c', '-K', 'dsa:1024'], "-K: invalid key specification 'dsa:1024'"],
    [['-c', '-k', 'a,b', '-K', 'rsa:512'], '-k and -K must list the same number of items (2 and 1)'],
    [['-c', '-C', '/nonexistent/list'], "-C: couldn't open list /nonexistent/list"],
    [['-c', '-S', '/nonexistent/list'], "-S: couldn't open list /nonexistent/list"],
    [['-c', '-I', 'no-such-if0'], "-I: no interface named 'no-such-if0'"],
    [['-c', '-I', '203.0.113.77'], "-I: no interface has the address '203.0.113.77'"],
    [['-c', '-O', 'no-such-if0'], "-O: no interface named 'no-such-if0'"],
    [['-c', '-M', '198.18.250.1'], "-M: '198.18.250.1' is not a multicast address"],
    [['-c', '-M', '230.4.4.1,ff15::1'], '-M: \'ff15::1\' and \'230.4.4.1\' are of different address families'],
    [['-c', '-L', ''], '-L: empty value'],
    [['-c', '--max-sessions', '0'], "--max-sessions: invalid number of sessions '0': must be 1-1000000"],
    [['-c', '--max-sessions'], '--max-sessions needs an argument'],
  ])('%j -> %s', async (args, message) => {
    const pid = join(dir, 'never.pid');
    const log = join(dir, 'never.log');
    const { code, err } = await run('-P', pid, '-L', log, ...args);
    expect(code).toBe(1);
    expect(err).toContain(`uftpproxyd: ${message}`);
    expect(err).toContain('uftpproxyd { -s { dest | fp=fingerprint } | -c | -r[:curve] }');
    expect(existsSync(pid)).toBe(false);
    expect(existsSync(log)).toBe(false);
  });

  // Key data that cannot be read or written exits 3, as the page's EXIT STATUS and the real proxy say,
  // with the message alone (no usage text: the command line was fine).
  it.each([
    ['an unreadable key file', () => ['-k', '/nonexistent/key.pem'], () => '-k: /nonexistent/key.pem: cannot read key file'],
    ['a key file that is not a key', () => ['-k', notAKey()], () => `-k: ${notAKey()}: not a PEM private key file`],
    ['-k with -K over an existing key file', () => ['-k', keyFile(), '-K', 'rsa:512'], () => `-k: ${keyFile()}: key file already exists, will not overwrite it`],
    ['a missing key file before a good one (-k accumulates)', () => ['-k', '/nonexistent/key.pem', '-k', keyFile()], () => '-k: /nonexistent/key.pem: cannot read key file'],
  ])('%s exits 3 before anything starts', async (_what, args, message) => {
    const log = join(dir, 'never.log');
    const { code, err } = await run('-c', '-L', log, ...args());
    expect(code).toBe(3);
    expect(err.startsWith(`uftpproxyd: ${message()}`)).toBe(true);
    expect(err.trimEnd().split('\n')).toHaveLength(1); // no usage text: the command line was fine
    expect(existsSync(log)).toBe(false);
  });

  it('the built bin exits 1 with the message and usage on stderr', async () => {
    const r = await promisify(execFile)(process.execPath, [BIN, '-c', '-Q', '99']).catch((e) => e);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^uftpproxyd: -Q: invalid dscp '99': must be 0-63\nuftpproxyd \{ -s/);
    expect(r.stdout).toBe('');
  });
});
