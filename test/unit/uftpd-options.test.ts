// uftpd's command line: the page's defaults, every option's value and range edges, which options add
// up when repeated (as the real uftpd 4.10.2 does), the rules between options, and errors naming the option.
import { parseUftpdArgs, type UftpdOptions } from '../../lib/cli/uftpd/options';
import { infoRequest, USAGE } from '../../lib/cli/uftpd/usage';
import { UsageError } from '../../lib/cli/exit';

const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';

const DEFAULTS: UftpdOptions = {
  debug: false,
  port: 1044,
  bufferSize: 262144,
  encryptedOnly: false,
  dscp: 0,
  logLevel: 2,
  tempFiles: false,
  destDirs: ['/tmp'],
  backupDirs: [],
  logFile: '/tmp/uftpd.log',
  skipNameLookup: false,
  serverListFiles: [],
  cacheSize: 1048576,
  keyFiles: [],
  keySpecs: [],
  nice: 0,
  moveIndividually: false,
  maxLogCount: 5,
  heartbeats: [],
  heartbeatIntervalSec: 20,
  interfaces: [],
  publicGroups: ['230.4.4.1'],
};

function fails(args: string[]): string {
  try {
    parseUftpdArgs(args);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe('parseUftpdArgs', () => {
  it("has the page's defaults", () => {
    expect(parseUftpdArgs([])).toEqual(DEFAULTS);
  });

  it('reads every option of the page, attached or not', () => {
    const o = parseUftpdArgs([
      '-d', '-p2000', '-B', '8388608', '-E', '-Q', '0x2e', '-U', '0x11223344', '-x', '5', '-T', '/var/tmp/in',
      '-D', '/srv/files/', '-L', '/var/log/u.log', '-F', '@LOG', '-q', '-P', '/run/u.pid', '-S', '/etc/servers',
      '-R', `rproxy/${FP.toLowerCase()}`, '-c', '20971520', '-k', 'k1.pem', '-K', 'ec:secp256r1', '-m', '-N', '-5',
      '-i', '-s', '/usr/local/bin/got', '-g', '2', '-n', '3', '-H', 'hb1,hb2:7', '-h', '5', '-I', 'eth0,198.18.0.2',
      '-M', '232.1.1.1,ff35::1',
    ]);
    expect(o).toEqual({
      debug: true, port: 2000, bufferSize: 8388608, encryptedOnly: true, dscp: 46, uid: 0x11223344, logLevel: 5,
      tempFiles: false, tempDir: '/var/tmp/in', destDirs: ['/srv/files'], backupDirs: [], logFile: '/var/log/u.log',
      statusFile: '@LOG', skipNameLookup: true, pidFile: '/run/u.pid', serverListFiles: ['/etc/servers'],
      responseProxy: { host: 'rproxy', fingerprint: FP }, cacheSize: 20971520, keyFiles: ['k1.pem'],
      keySpecs: [{ type: 'ec', curve: 'prime256v1' }], nice: -5, moveIndividually: true,
      postReceiveScript: '/usr/local/bin/got', maxLogBytes: 2 * 1024 * 1024, maxLogCount: 3,
      heartbeats: [{ host: 'hb1', port: 1044 }, { host: 'hb2', port: 7 }], heartbeatIntervalSec: 5,
      interfaces: ['eth0', '198.18.0.2'], publicGroups: ['232.1.1.1', 'ff35::1'],
    });
  });

  it('flags cluster as getopt allows: -dtEqmi', () => {
    expect(parseUftpdArgs(['-dtEqmi'])).toMatchObject({ debug: true, tempFiles: true, encryptedOnly: true, skipNameLookup: true, moveIndividually: true });
  });
});

describe('numeric options: min, max, one past each', () => {
  it.each([
    ['p', 'port', 'port', '1', '65535', '0', '65536', '1-65535'],
    ['B', 'buffer size', 'bufferSize', '65536', '104857600', '65535', '104857601', '65536-104857600'],
    ['c', 'cache size', 'cacheSize', '10240', '20971520', '10239', '20971521', '10240-20971520'],
    ['x', 'log level', 'logLevel', '0', '5', '-1', '6', '0-5'],
    ['Q', 'dscp', 'dscp', '0', '63', '-1', '64', '0-63'],
    ['N', 'priority', 'nice', '-20', '19', '-21', '20', '-20-19'],
    ['n', 'max log count', 'maxLogCount', '1', '1000', '0', '1001', '1-1000'],
    ['h', 'heartbeat interval', 'heartbeatIntervalSec', '1', '3600', '0', '3601', '1-3600'],
  ] as const)('-%s %s', (opt, what, key, min, max, below, above, shown) => {
    expect(parseUftpdArgs([`-${opt}`, min])[key]).toBe(Number(min));
    expect(parseUftpdArgs([`-${opt}`, max])[key]).toBe(Number(max));
    expect(fails([`-${opt}`, below])).toBe(`-${opt}: invalid ${what} '${below}': must be ${shown}`);
    expect(fails([`-${opt}`, above])).toBe(`-${opt}: invalid ${what} '${above}': must be ${shown}`);
  });

  it('-g is 1-1024 MB, kept in bytes', () => {
    expect(parseUftpdArgs(['-g', '1']).maxLogBytes).toBe(1048576);
    expect(parseUftpdArgs(['-g', '1024']).maxLogBytes).toBe(1024 * 1048576);
    expect(fails(['-g', '0'])).toBe("-g: invalid max log size '0': must be 1-1024");
    expect(fails(['-g', '1025'])).toBe("-g: invalid max log size '1025': must be 1-1024");
  });

  it('-Q as the real uftpd reads it: decimal, 0x hex, and a leading 0 for octal', () => {
    expect(parseUftpdArgs(['-Q', '0x3F']).dscp).toBe(63);
    expect(parseUftpdArgs(['-Q', '077']).dscp).toBe(63);
    expect(parseUftpdArgs(['-Q', '010']).dscp).toBe(8);
    expect(parseUftpdArgs(['-Q', '0']).dscp).toBe(0);
    expect(fails(['-Q', '0x40'])).toContain('must be 0-63');
    expect(fails(['-Q', '0100'])).toContain('must be 0-63');
    expect(fails(['-Q', '08'])).toBe("-Q: invalid dscp '08': not a decimal, 0 octal or 0x hexadecimal integer");
  });

  it.each(['abc', '12x', '1.5', '', '0x10', ' 5'])('junk the real one reads with atoi is refused: -p %j', (text) => {
    expect(fails(['-p', text])).toContain(`-p: invalid port '${text}'`);
    expect(fails(['-c', `${text}`])).toContain('-c: invalid cache size');
  });
});

describe('-U', () => {
  it.each([
    ['0x11223344', 0x11223344],
    ['1234', 0x1234], // hex without 0x, as the real uftpd (checked on the wire)
    ['0X0a0b0c0d', 0x0a0b0c0d],
    ['fffffffe', 0xfffffffe],
    ['1', 1],
  ])('-U %s is 0x%s', (text, uid) => {
    expect(parseUftpdArgs(['-U', text]).uid).toBe(uid);
  });

  it.each([
    ['0', 'reserved'],
    ['0x00000000', 'reserved'],
    ['0xFFFFFFFF', 'reserved'],
    ['198.18.250.5', 'want 1-8 hex digits'], // the real one reads 0x198 from it
    ['0x123456789', 'want 1-8 hex digits'], // the real one keeps the low 32 bits
    ['zz', 'want 1-8 hex digits'], // the real one falls back to the default
    ['-5', 'want 1-8 hex digits'],
    ['0x1234zz', 'want 1-8 hex digits'],
  ])('-U %s is refused (%s)', (text, why) => {
    expect(fails(['-U', text])).toMatch(new RegExp(`^-U: invalid unique ID '${text}': .*${why}`));
  });
});

describe('repeated options', () => {
  it('-D, -A, -k, -K, -I, -M, -H and -S add up, as the real uftpd; commas and repeats mix', () => {
    const o = parseUftpdArgs([
      '-D', '/a', '-D', '/b,/c', '-A', '/x,/y', '-A', '/z', '-k', 'k1', '-k', 'k2,k3', '-K', 'rsa:512', '-K', 'ec:prime256v1,rsa:1024',
      '-I', 'eth0', '-I', 'eth1', '-M', '230.4.4.2', '-M', '230.4.4.3', '-H', 'a', '-H', 'b:5', '-S', '/s1', '-S', '/s2',
    ]);
    expect(o.destDirs).toEqual(['/a', '/b', '/c']);
    expect(o.backupDirs).toEqual(['/x', '/y', '/z']);
    expect(o.keyFiles).toEqual(['k1', 'k2', 'k3']);
    expect(o.keySpecs).toEqual([{ type: 'rsa', bits: 512 }, { type: 'ec', curve: 'prime256v1' }, { type: 'rsa', bits: 1024 }]);
    expect(o.interfaces).toEqual(['eth0', 'eth1']);
    expect(o.publicGroups).toEqual(['230.4.4.2', '230.4.4.3']); // the default is replaced, not added to
    expect(o.heartbeats).toEqual([{ host: 'a', port: 1044 }, { host: 'b', port: 5 }]);
    expect(o.serverListFiles).toEqual(['/s1', '/s2']);
  });

  it('-D /a -D /b is -D /a,/b', () => {
    expect(parseUftpdArgs(['-D', '/a', '-D', '/b'])).toEqual(parseUftpdArgs(['-D', '/a,/b']));
  });

  it('the others keep the last value, as the real uftpd (-T, -R and -F checked)', () => {
    const o = parseUftpdArgs([
      '-T', '/t1', '-T', '/t2', '-R', 'p1', '-R', 'p2', '-F', '/f1', '-F', '/f2', '-U', '0x1', '-U', '0x2', '-p', '1', '-p', '2',
      '-L', '/l1', '-L', '/l2', '-P', '/p1', '-P', '/p2', '-s', '/s1', '-s', '/s2',
    ]);
    expect(o).toMatchObject({ tempDir: '/t2', responseProxy: { host: 'p2' }, statusFile: '/f2', uid: 2, port: 2, logFile: '/l2', pidFile: '/p2', postReceiveScript: '/s2' });
  });

  it('-T takes one directory: a comma is part of its name', () => {
    expect(parseUftpdArgs(['-T', '/t,u']).tempDir).toBe('/t,u');
  });
});

describe('paths', () => {
  it('directories are normalized: no trailing slash, no "..", "/" stays', () => {
    expect(parseUftpdArgs(['-D', '/srv//in/', '-T', '/var/tmp/../tmp/']).destDirs).toEqual(['/srv/in']);
    expect(parseUftpdArgs(['-T', '/var/tmp/../tmp/']).tempDir).toBe('/var/tmp');
    expect(parseUftpdArgs(['-D', '/']).destDirs).toEqual(['/']);
  });

  it.each([
    [['-D', 'relative'], "-D: destination directory 'relative' is not an absolute path"],
    [['-D', '/a,rel'], "-D: destination directory 'rel' is not an absolute path"],
    [['-T', 'tmp'], "-T: temp directory 'tmp' is not an absolute path"],
    [['-A', './b'], "-A: backup directory './b' is not an absolute path"],
    [['-s', 'script.sh'], "-s: post-receive script 'script.sh' is not an absolute path"],
    [['-D', '/a,'], "-D: empty item in list '/a,'"],
    [['-D', ''], "-D: empty item in list ''"],
    [['-L', ''], '-L: empty value'],
    [['-F', ''], '-F: empty value'],
    [['-S', ''], '-S: empty value'],
  ])('%j -> %s', (args, message) => {
    expect(fails(args)).toBe(message);
  });
});

describe('-R proxy[/fingerprint]', () => {
  it('a name or address, with an optional fingerprint (upper-cased)', () => {
    expect(parseUftpdArgs(['-R', '198.18.250.9']).responseProxy).toEqual({ host: '198.18.250.9' });
    expect(parseUftpdArgs(['-R', `fd00::9/${FP.toLowerCase()}`]).responseProxy).toEqual({ host: 'fd00::9', fingerprint: FP });
  });

  it.each([
    ['', "-R: missing proxy name or address in ''"],
    [`/${FP}`, '-R: missing proxy name or address'],
    ['p/12:34', "-R: invalid fingerprint '12:34'"], // the real one accepts any text here
    ['p/', "-R: invalid fingerprint ''"],
  ])('-R %j -> %s', (text, message) => {
    expect(fails(['-R', text])).toContain(message);
  });
});

describe('rules between options', () => {
  const dirs = (n: number): string => Array.from({ length: n }, (_, i) => `/d${i}`).join(',');

  it('accepts what the page allows', () => {
    expect(parseUftpdArgs(['-D', dirs(10)]).destDirs).toHaveLength(10);
    expect(parseUftpdArgs(['-D', '/a,/b', '-A', '/x,/y']).backupDirs).toEqual(['/x', '/y']);
    expect(parseUftpdArgs(['-A', '/x']).backupDirs).toEqual(['/x']); // the default -D /tmp counts as one
    expect(parseUftpdArgs(['-T', '/t', '-D', '/a', '-i']).tempDir).toBe('/t');
    expect(parseUftpdArgs(['-k', 'a,b', '-K', 'rsa:512,ec:secp384r1']).keyFiles).toEqual(['a', 'b']);
    expect(parseUftpdArgs(['-t', '-A', '/x']).tempFiles).toBe(true);
  });

  it.each([
    [['-t', '-T', '/t'], '-t and -T cannot be used together'],
    [['-T', '/t', '-t'], '-t and -T cannot be used together'],
    [['-T', '/t', '-A', '/b'], '-T and -A cannot be used together'],
    [['-T', '/t', '-D', '/a,/b'], '-T cannot be used with several destination directories (-D lists 2)'],
    [['-T', '/t', '-D', '/a', '-D', '/b'], '-T cannot be used with several destination directories (-D lists 2)'],
    [['-T', '/tmp'], '-T: the temp directory must differ from the destination directory (/tmp)'],
    [['-T', '/a/', '-D', '/a'], '-T: the temp directory must differ from the destination directory (/a)'],
    [['-D', '/a,/b', '-A', '/x'], '-A must list as many backup directories as -D lists destination directories (1 and 2)'],
    [['-D', '/a', '-A', '/x', '-A', '/y'], '-A must list as many backup directories as -D lists destination directories (2 and 1)'],
    [['-A', '/x,/y'], '-A must list as many backup directories as -D lists destination directories (2 and 1)'],
    [['-A', '/tmp'], '-A: backup directory /tmp is its destination directory'],
    [['-D', dirs(11)], '-D: 11 destination directories: at most 10'],
    [['-D', '/a,/b/', '-D', '/a'], '-D: destination directory /a listed twice'],
    [['-k', 'a,b', '-K', 'rsa:512'], '-k and -K must list the same number of items (2 and 1)'],
    [['-k', 'a', '-K', 'rsa:512', '-K', 'rsa:512'], '-k and -K must list the same number of items (1 and 2)'],
    [['-M', '230.4.4.1,230.4.4.1'], '-M: 230.4.4.1 listed twice'],
  ])('%j -> %s', (args, message) => {
    expect(fails(args)).toBe(message);
  });
});

describe('other bad command lines', () => {
  it.each([
    [['-z'], "invalid option -- 'z'"],
    [['-p'], "option requires an argument -- 'p'"],
    [['extra'], "unexpected argument 'extra'"], // the real one ignores it
    [['-d', '--', '-x'], "unexpected argument '-x'"],
    [['-K', 'rsa:511'], "-K: invalid RSA key size '511': must be 512-2048"],
    [['-K', 'rsa:2049'], "-K: invalid RSA key size '2049': must be 512-2048"],
    [['-K', 'ec:foo'], "-K: invalid EC curve 'foo'"],
    [['-K', 'dsa:1'], "-K: invalid key specification 'dsa:1': want rsa:key_length or ec:curve"],
    [['-K', ''], "-K: empty item in list ''"],
    [['-k', 'a,,b'], "-k: empty item in list 'a,,b'"],
    [['-H', 'a:b'], "-H: invalid port 'b' in 'a:b': must be 1-65535"],
    [['-H', 'a:0'], "-H: invalid port '0' in 'a:0': must be 1-65535"],
    [['-H', 'a:65536'], "-H: invalid port '65536' in 'a:65536': must be 1-65535"],
    [['-H', 'a,'], "-H: empty item in list 'a,'"],
    [['-I', ''], "-I: empty item in list ''"],
    [['-M', '230.4.4.1,'], "-M: empty item in list '230.4.4.1,'"],
  ])('%j -> %s', (args, message) => {
    expect(fails(args)).toBe(message);
  });

  it('-H takes IPv6 heartbeat hosts bare or bracketed (the real one cannot)', () => {
    expect(parseUftpdArgs(['-H', 'fd00::1,[fd00::2]:7']).heartbeats).toEqual([{ host: 'fd00::1', port: 1044 }, { host: 'fd00::2', port: 7 }]);
  });

  it('-H without a port is 1044 whatever -p says (observed)', () => {
    expect(parseUftpdArgs(['-p', '2000', '-H', 'a']).heartbeats).toEqual([{ host: 'a', port: 1044 }]);
  });
});

describe('--max-sessions (ours)', () => {
  it('anywhere among the options, as N or =N; else the machine\'s default', () => {
    expect(parseUftpdArgs(['-d']).maxSessions).toBeUndefined();
    expect(parseUftpdArgs(['-d', '--max-sessions', '50', '-x', '3'])).toMatchObject({ maxSessions: 50, debug: true, logLevel: 3 });
    // An option's argument is not taken for it: "-L --max-sessions" names a log file.
    expect(parseUftpdArgs(['--max-sessions=7', '-L', '--max-sessions'])).toMatchObject({ maxSessions: 7, logFile: '--max-sessions' });
  });

  it.each([
    [['--max-sessions', '0'], "--max-sessions: invalid number of sessions '0': must be 1-1000000"],
    [['--max-sessions', '1000001'], "--max-sessions: invalid number of sessions '1000001': must be 1-1000000"],
    [['--max-sessions', 'ten'], "--max-sessions: invalid number of sessions 'ten': not an integer"],
    [['-d', '--max-sessions'], '--max-sessions needs an argument: a number of sessions'],
    [['--max-sessions', '5', '--max-sessions=6'], '--max-sessions given twice'],
  ])('%j -> %s', (args, message) => {
    expect(fails(args)).toBe(message);
  });
});

describe('usage', () => {
  it('is the SYNOPSIS of the page', () => {
    expect(USAGE.split('\n')[0]).toBe('uftpd [ -d ] [ -p port ] [ -B buf_size ]');
    for (const opt of 'dpBEQUxtTDALFqPSRckKmNisgnHhIM') expect(USAGE).toContain(`-${opt}`);
  });

  it('--help and --version only as the sole argument; otherwise they are bad options, as getopt says', () => {
    expect(infoRequest(['--help'])).toBe('help');
    expect(infoRequest(['--version'])).toBe('version');
    expect(infoRequest(['-d', '--help'])).toBeUndefined();
    expect(infoRequest([])).toBeUndefined();
    expect(fails(['-d', '--help'])).toBe("invalid option -- '-'");
  });
});
