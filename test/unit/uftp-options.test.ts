// uftp's command line: the page's defaults, every option's value and range edges (as the real uftp 4.10.2
// takes them), which options add up when repeated, the rules between options, and errors naming the option.
import { parseUftpArgs, type UftpOptions } from '../../lib/cli/uftp/options';
import { infoRequest, PROGRAM, USAGE, VERSION_LINE } from '../../lib/cli/uftp/usage';
import { UsageError } from '../../lib/cli/exit';

const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';

const DEFAULTS: UftpOptions = {
  rateKbps: 1000,
  bufferSize: 262144,
  maxLogCount: 5,
  keyType: 'none',
  hashType: 'sha1',
  sigType: 'hmac',
  keyExchange: 'rsa',
  clientAuth: false,
  maxNakCount: 1,
  followLinks: false,
  timestamps: false,
  blockSize: 1300,
  ttl: 1,
  dscp: 0,
  syncMode: false,
  syncPreview: false,
  port: 1044,
  sourcePort: 0,
  quitOnError: false,
  restartable: false,
  maxPasses: 65535,
  logLevel: 2,
  hosts: [],
  hostListFiles: [],
  excludeFiles: [],
  publicAddress: '230.4.4.1',
  maxNakPct: 100,
  cc: { type: 'none' },
  destAsDir: false,
  baseDirs: [],
  grtt: { init: 0.5, min: 0.01, max: 15 },
  robust: 20,
  files: ['f'],
};

function parse(args: string[]): UftpOptions {
  return parseUftpArgs([...args, 'f']);
}

function fails(args: string[], withFile = true): string {
  try {
    parseUftpArgs(withFile ? [...args, 'f'] : args);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe('parseUftpArgs', () => {
  it("has the page's defaults", () => {
    expect(parse([])).toEqual(DEFAULTS);
  });

  it('reads every option of the page, attached or not', () => {
    const o = parseUftpArgs([
      '-R', '50000', '-L/var/log/uftp.log', '-B', '4194304', '-g', '2', '-n', '3', '-Y', 'aes256-gcm', '-h', 'sha256',
      '-w', 'keyex', '-e', 'ecdh_ecdsa:secp384r1', '-c', '-m', '5', '-k', '/etc/uftp/key.pem', '-K', 'secp521r1', '-l',
      '-T', '-b', '8800', '-t', '16', '-Q', '0x2e', '-I', 'eth0', '-p', '2000', '-u', '3000', '-j', '/etc/proxies',
      '-q', '-f', '-y', '-U', '0x11223344', '-a', '10', '-x', '5', '-W', '200', '-H', '0x1,198.18.0.7,client.lab',
      '-X', '/etc/excl', '-M', '232.1.1.1', '-P', '232.2.x.x', '-N', '50', '-C', 'tfmcc:max=900:min=10',
      '-o', '-D', 'dest/dir/', '-E', '/srv/a,/srv/b/', '-S', '@LOG', '-r', '0.1:0.01:2', '-s', '50', 'a', 'b',
    ]);
    expect(o).toEqual({
      rateKbps: 50000, logFile: '/var/log/uftp.log', bufferSize: 4194304, maxLogBytes: 2 * 1024 * 1024, maxLogCount: 3,
      keyType: 'aes256-gcm', hashType: 'sha256', sigType: 'keyex', keyExchange: 'ecdh_ecdsa', ecdhCurve: 'secp384r1',
      clientAuth: true, maxNakCount: 5, keyFile: '/etc/uftp/key.pem', keySpec: { type: 'ec', curve: 'secp521r1' },
      followLinks: true, timestamps: true, blockSize: 8800, ttl: 16, dscp: 46, syncMode: false, syncPreview: false,
      interface: 'eth0', port: 2000, sourcePort: 3000, proxyListFile: '/etc/proxies', quitOnError: true, restartable: true,
      uid: 0x11223344, maxPasses: 10, logLevel: 5, txWeightPct: 200,
      hosts: [{ id: 1, text: '0x1' }, { id: 0xc6120007, text: '198.18.0.7' }, { host: 'client.lab' }], hostListFiles: [], excludeFiles: ['/etc/excl'],
      publicAddress: '232.1.1.1', privateAddress: { text: '232.2.x.x', family: 4 }, maxNakPct: 50,
      cc: { type: 'tfmcc', minKbps: 10, maxKbps: 900 }, destAsDir: true, destName: 'dest/dir', baseDirs: ['/srv/a', '/srv/b'],
      statusFile: '@LOG', grtt: { init: 0.1, min: 0.01, max: 2 }, robust: 50, files: ['a', 'b'],
    });
  });

  it('flags cluster as getopt allows, and operands may stand among options', () => {
    const o = parseUftpArgs(['a', '-cqfylTo', 'b', '-x', '1']);
    expect(o).toMatchObject({ clientAuth: true, quitOnError: true, restartable: true, followLinks: true, timestamps: true, destAsDir: true, logLevel: 1, files: ['a', 'b'] });
    expect(parseUftpArgs(['-zc', 'a'])).toMatchObject({ syncMode: true, clientAuth: true });
    expect(parseUftpArgs(['-Z', 'a'])).toMatchObject({ syncPreview: true, syncMode: false });
  });

  it("'--' ends the options: a file may be named like one", () => {
    expect(parseUftpArgs(['-x', '3', '--', '-R', 'f']).files).toEqual(['-R', 'f']);
  });

  it('-L implies -T (the page)', () => {
    expect(parse(['-L', '/tmp/l']).timestamps).toBe(true);
    expect(parse([]).timestamps).toBe(false);
  });

  it('getopt errors are worded as glibc words them', () => {
    expect(fails(['-d'])).toBe("invalid option -- 'd'");
    expect(fails(['-v'])).toBe("invalid option -- 'v'");
    expect(fails(['--help'])).toBe("invalid option -- '-'");
    expect(fails(['-R'], false)).toBe("option requires an argument -- 'R'");
  });
});

describe('--max-clients (ours)', () => {
  it('anywhere among the options, as --max-clients N or =N; absent: the server\'s default', () => {
    expect(parse([]).maxClients).toBeUndefined();
    expect(parse(['-R', '100', '--max-clients', '50', '-q'])).toMatchObject({ maxClients: 50, rateKbps: 100, quitOnError: true });
    expect(parse(['--max-clients=1000000', '-L', '--max-clients'])).toMatchObject({ maxClients: 1_000_000, logFile: '--max-clients' });
  });

  it('1 to 1000000, given once', () => {
    expect(fails(['--max-clients', '0'])).toBe("--max-clients: invalid number of clients '0': must be 1-1000000");
    expect(fails(['--max-clients', '1000001'])).toBe("--max-clients: invalid number of clients '1000001': must be 1-1000000");
    expect(fails(['--max-clients', 'many'])).toBe("--max-clients: invalid number of clients 'many': not an integer");
    expect(fails(['--max-clients', '5', '--max-clients=6'])).toBe('--max-clients given twice');
    expect(fails(['f', '--max-clients'], false)).toBe('--max-clients needs an argument: a number of clients');
  });
});

describe('numeric options: min, max, one past each', () => {
  it.each([
    ['B', 'bufferSize', '65536', '104857600', '65535', '104857601', '65536-104857600'],
    ['b', 'blockSize', '512', '8800', '511', '8801', '512-8800'],
    ['t', 'ttl', '1', '255', '0', '256', '1-255'],
    ['Q', 'dscp', '0', '63', '-1', '64', '0-63'],
    ['p', 'port', '1', '65535', '0', '65536', '1-65535'],
    ['u', 'sourcePort', '0', '65535', '-1', '65536', '0-65535'],
    ['m', 'maxNakCount', '1', '10', '0', '11', '1-10'],
    ['a', 'maxPasses', '1', '65535', '0', '65536', '1-65535'],
    ['x', 'logLevel', '0', '5', '-1', '6', '0-5'],
    ['W', 'txWeightPct', '110', '10000', '109', '10001', '110-10000'],
    ['N', 'maxNakPct', '0', '100', '-1', '101', '0-100'],
    ['s', 'robust', '10', '50', '9', '51', '10-50'],
    ['n', 'maxLogCount', '1', '1000', '0', '1001', '1-1000'],
  ])('-%s', (opt, key, min, max, below, above, range) => {
    expect(parse([`-${opt}`, min])[key as keyof UftpOptions]).toBe(Number(min));
    expect(parse([`-${opt}`, max])[key as keyof UftpOptions]).toBe(Number(max));
    expect(fails([`-${opt}`, below])).toMatch(new RegExp(`^-${opt}: invalid .* '${below}': must be ${range}$`));
    expect(fails([`-${opt}`, above])).toMatch(new RegExp(`must be ${range}$`));
  });

  it('-g is in MB, 1-1024', () => {
    expect(parse(['-g', '1024']).maxLogBytes).toBe(1024 * 1024 * 1024);
    expect(fails(['-g', '0'])).toMatch(/must be 1-1024/);
  });

  it("refuses the junk the real uftp's atoi lets through", () => {
    for (const [opt, text] of [['b', '1300x'], ['t', '1x'], ['m', '5x'], ['N', 'abc'], ['x', 'abc'], ['B', '100000x'], ['b', '0x500'], ['N', '0x10']]) {
      expect(fails([`-${opt}`, text])).toMatch(new RegExp(`^-${opt}: invalid .*'${text}': not `));
    }
  });

  it('-Q: decimal, 0x hex and leading-0 octal, as strtol base 0 reads them (the real uftp: 010 is TOS 0x20)', () => {
    expect(parse(['-Q', '0x3f']).dscp).toBe(63);
    expect(parse(['-Q', '077']).dscp).toBe(63);
    expect(parse(['-Q', '010']).dscp).toBe(8);
    expect(fails(['-Q', '08'])).toMatch(/not a decimal, 0 octal or 0x hexadecimal integer/);
    expect(fails(['-Q', 'abc'])).toMatch(/^-Q: invalid dscp 'abc'/);
  });
});

describe('-R and -C rates', () => {
  it('-R: Kbps 1 to 2^30, or -1; read as strtol base 0', () => {
    expect(parse(['-R', '-1']).rateKbps).toBe(-1);
    expect(parse(['-R', '1']).rateKbps).toBe(1);
    expect(parse(['-R', '1073741824']).rateKbps).toBe(1073741824);
    expect(parse(['-R', '0x100']).rateKbps).toBe(256);
    expect(parse(['-R', '010']).rateKbps).toBe(8);
    expect(parse(['-R', '+5']).rateKbps).toBe(5);
    expect(fails(['-R', '0'])).toBe("-R: invalid rate (Kbps, or -1) '0': must be 1-1073741824");
    expect(fails(['-R', '-2'])).toMatch(/must be 1-1073741824/);
    expect(fails(['-R', '1073741825'])).toMatch(/must be 1-1073741824/);
    expect(fails(['-R', '10x'])).toMatch(/^-R: invalid rate .*'10x': not /);
  });

  it('-C none, tfmcc, and tfmcc with min/init/max in any order', () => {
    expect(parse(['-C', 'none']).cc).toEqual({ type: 'none' });
    expect(parse(['-C', 'tfmcc']).cc).toEqual({ type: 'tfmcc' });
    expect(parse(['-C', 'tfmcc:min=100:init=200:max=300']).cc).toEqual({ type: 'tfmcc', minKbps: 100, initKbps: 200, maxKbps: 300 });
    expect(parse(['-C', 'tfmcc:max=300:min=0x10']).cc).toEqual({ type: 'tfmcc', minKbps: 16, maxKbps: 300 });
    expect(parse(['-C', 'tfmcc:init=100:min=100:max=100']).cc).toEqual({ type: 'tfmcc', minKbps: 100, initKbps: 100, maxKbps: 100 });
  });

  it('-C: what the real uftp refuses, and the sloppy forms it accepts', () => {
    expect(fails(['-C', 'TFMCC'])).toMatch(/^-C: invalid congestion control type 'TFMCC'/);
    expect(fails(['-C', 'foo'])).toMatch(/invalid congestion control type/);
    expect(fails(['-C', 'tfmcc:foo=1'])).toMatch(/invalid item 'foo=1'/);
    expect(fails(['-C', 'tfmcc:min=0'])).toMatch(/must be 1-1073741824/);
    expect(fails(['-C', 'tfmcc:min=1073741825'])).toMatch(/must be 1-1073741824/);
    expect(fails(['-C', 'tfmcc:min=300:max=100'])).toBe('-C: min rate 300 is above max rate 100');
    expect(fails(['-C', 'tfmcc:init=50:min=100'])).toBe('-C: init rate 50 is below min rate 100');
    expect(fails(['-C', 'tfmcc:init=500:max=300'])).toBe('-C: init rate 500 is above max rate 300');
    // accepted by the real uftp:
    expect(fails(['-C', 'tfmcc:'])).toMatch(/invalid item ''/);
    expect(fails(['-C', 'tfmcc:min=100,max=200'])).toMatch(/invalid min rate '100,max=200'/);
    expect(fails(['-C', 'none:min=5'])).toMatch(/invalid congestion control type/);
    expect(fails(['-C', 'tfmcc:min=1:min=2'])).toBe("-C: min given twice in 'tfmcc:min=1:min=2'");
  });
});

describe('-r GRTT', () => {
  it('init alone keeps the default min and max, and may lie outside them (as the real uftp)', () => {
    expect(parse(['-r', '0.1']).grtt).toEqual({ init: 0.1, min: 0.01, max: 15 });
    expect(parse(['-r', '20']).grtt).toEqual({ init: 20, min: 0.01, max: 15 });
    expect(parse(['-r', '.5']).grtt.init).toBe(0.5);
    expect(parse(['-r', '0.001']).grtt.init).toBe(0.001);
    expect(parse(['-r', '1000']).grtt.init).toBe(1000);
  });

  it('init:min:max, min <= init <= max', () => {
    expect(parse(['-r', '2:0.001:1000']).grtt).toEqual({ init: 2, min: 0.001, max: 1000 });
    expect(fails(['-r', '0.5:0.6:15'])).toBe('-r: init_grtt 0.5 is outside min_grtt..max_grtt (0.6-15)');
    expect(fails(['-r', '0.5:0.01:0.4'])).toMatch(/outside/);
    expect(fails(['-r', '1:2:0.5'])).toBe('-r: min_grtt 2 is above max_grtt 0.5');
  });

  it('ranges and forms', () => {
    expect(fails(['-r', '0.0009'])).toBe("-r: invalid init_grtt '0.0009': must be 0.001-1000");
    expect(fails(['-r', '1000.1'])).toMatch(/must be 0.001-1000/);
    expect(fails(['-r', '0'])).toMatch(/must be 0.001-1000/);
    expect(fails(['-r', '2:0.0001:1000'])).toMatch(/^-r: invalid min_grtt/);
    expect(fails(['-r', '2:0.01:1001'])).toMatch(/^-r: invalid max_grtt/);
    expect(fails(['-r', '0.5:0.01'])).toMatch(/^-r: missing max_grtt/);
    expect(fails(['-r', '1:2:3:4'])).toMatch(/too many values/);
    // atof forms the real uftp accepts:
    for (const text of ['1x', '1e-2', '0x10', 'abc', '0.5:', '0.5::', '-1']) expect(fails(['-r', text])).toMatch(/^-r: /);
  });
});

describe('encryption keywords', () => {
  it('-Y takes the page\'s names, lower case only', () => {
    for (const k of ['none', 'des', '3des', 'aes128-cbc', 'aes256-cbc', 'aes128-gcm', 'aes256-gcm', 'aes128-ccm', 'aes256-ccm']) {
      expect(parse(['-Y', k]).keyType).toBe(k);
    }
    expect(fails(['-Y', 'AES128-CBC'])).toMatch(/^-Y: invalid key type 'AES128-CBC': want none, des, 3des/);
    expect(fails(['-Y', 'aes192-cbc'])).toMatch(/invalid key type/);
  });

  it('-h: sha1 sha256 sha384 sha512 (md5 refused, with -Y none too, as the real uftp)', () => {
    expect(parse(['-h', 'sha512']).hashType).toBe('sha512');
    expect(fails(['-Y', 'none', '-h', 'md5'])).toBe("-h: invalid hash type 'md5': want sha1, sha256, sha384, sha512");
    expect(fails(['-h', 'SHA256'])).toMatch(/invalid hash type/);
  });

  it('-w: hmac or keyex', () => {
    expect(parse(['-w', 'keyex']).sigType).toBe('keyex');
    expect(fails(['-w', 'rsa'])).toMatch(/^-w: invalid signature type/);
  });

  it('-e with an optional curve for the ECDH schemes', () => {
    expect(parse(['-e', 'ecdh_rsa'])).toMatchObject({ keyExchange: 'ecdh_rsa' });
    expect(parse(['-e', 'ecdh_rsa']).ecdhCurve).toBeUndefined();
    expect(parse(['-e', 'ecdh_rsa:secp256r1'])).toMatchObject({ keyExchange: 'ecdh_rsa', ecdhCurve: 'prime256v1' });
    expect(parse(['-e', 'ecdh_ecdsa:sect163k1']).ecdhCurve).toBe('sect163k1');
    expect(fails(['-e', 'ECDH_RSA'])).toMatch(/^-e: invalid key exchange type/);
    expect(fails(['-e', 'ecdh_rsa:foo'])).toBe("-e: invalid EC curve 'foo'");
    // accepted by the real uftp: a curve with rsa (ignored), an empty curve (the default)
    expect(fails(['-e', 'rsa:prime256v1'])).toMatch(/a curve goes only with ecdh_rsa or ecdh_ecdsa/);
    expect(fails(['-e', 'ecdh_rsa:'])).toMatch(/empty curve name/);
  });

  it('-K is a key length with rsa / ecdh_rsa and a curve with ecdh_ecdsa, wherever -e stands', () => {
    expect(parse(['-K', '1000']).keySpec).toEqual({ type: 'rsa', bits: 1000 });
    expect(parse(['-K', '2048', '-e', 'ecdh_rsa']).keySpec).toEqual({ type: 'rsa', bits: 2048 });
    expect(parse(['-K', 'secp256r1', '-e', 'ecdh_ecdsa']).keySpec).toEqual({ type: 'ec', curve: 'prime256v1' });
    expect(fails(['-K', '511'])).toBe("-K: invalid RSA key length '511': must be 512-2048");
    expect(fails(['-K', '4096'])).toMatch(/must be 512-2048/);
    expect(fails(['-K', 'prime256v1'])).toMatch(/with -e rsa, -K is a key length in bits/);
    expect(fails(['-e', 'ecdh_ecdsa', '-K', '1024'])).toBe("-K: invalid EC curve '1024'");
    // the real uftp checks -K only when -Y is not none; ours always
    expect(fails(['-Y', 'none', '-K', '100'])).toMatch(/must be 512-2048/);
  });

  it('-k and -K: one key, the last one given wins (a comma is part of the file name)', () => {
    expect(parse(['-k', 'a.pem', '-k', 'b,c.pem']).keyFile).toBe('b,c.pem');
    expect(parse(['-K', '512', '-K', '1024']).keySpec).toEqual({ type: 'rsa', bits: 1024 });
    expect(fails(['-k', ''])).toBe('-k: empty value');
  });
});

describe('-U and -H', () => {
  it('-U: hex with or without 0x, as uftpd reads it', () => {
    expect(parse(['-U', '0x1234']).uid).toBe(0x1234);
    expect(parse(['-U', '1234']).uid).toBe(0x1234);
    expect(fails(['-U', '0'])).toMatch(/reserved/);
    expect(fails(['-U', '0xffffffff'])).toMatch(/reserved/);
    expect(fails(['-U', '198.18.99.5'])).toMatch(/^-U: invalid unique ID/);
    expect(fails(['-U', '0x123456789'])).toMatch(/1-8 hex digits/);
  });

  it('-H: 0x IDs, IPv4 addresses (the address as ID) and host names; repeats add up', () => {
    expect(parse(['-H', '0x1,0xAbC', '-H', '198.18.99.7', '-H', 'client1']).hosts).toEqual([
      { id: 1, text: '0x1' }, { id: 0xabc, text: '0xAbC' }, { id: 0xc6126307, text: '198.18.99.7' }, { host: 'client1' },
    ]);
    expect(parse(['-H', '@/etc/a', '-H', '@b']).hostListFiles).toEqual(['/etc/a', 'b']);
  });

  it('-H: bare numbers are ambiguous (the real uftp reads 1234 as the address 0.0.4.210); reserved, IPv6, junk', () => {
    expect(fails(['-H', '1234'])).toBe("-H: ambiguous ID '1234': write 0x1234 for a hex ID, or a dotted IPv4 address (the real uftp reads bare digits as an IPv4 address)");
    expect(fails(['-H', 'abc'])).toMatch(/ambiguous ID 'abc'/);
    expect(fails(['-H', '0x0'])).toMatch(/reserved/);
    expect(fails(['-H', '0xFFFFFFFF'])).toMatch(/reserved/);
    expect(fails(['-H', '0x123456789'])).toMatch(/want 0x and 1-8 hex digits/);
    expect(fails(['-H', 'fd00::1'])).toMatch(/an IPv6 address is not an ID/);
    expect(fails(['-H', 'a b'])).toMatch(/invalid ID 'a b'/);
    expect(fails(['-H', '0x1,,0x2'])).toMatch(/empty item/);
    expect(fails(['-H', ''])).toMatch(/empty item/);
    expect(fails(['-H', '@'])).toBe('-H: empty value');
  });
});

describe('addresses and names', () => {
  it('-M and -P: the last one wins; -P is checked here and drawn at set-up', () => {
    const o = parse(['-M', '230.1.1.1', '-M', 'ff15::1', '-P', '230.9.x.x', '-P', 'ff15::x:6']);
    expect(o.publicAddress).toBe('ff15::1');
    expect(o.privateAddress).toEqual({ text: 'ff15::x:6', family: 6 });
  });

  it('-P: x parts but not the first, a full address', () => {
    expect(parse(['-P', '230.x.x.x']).privateAddress).toEqual({ text: '230.x.x.x', family: 4 });
    expect(fails(['-P', 'x.5.5.5'])).toMatch(/the first part cannot be 'x'/);
    expect(fails(['-P', 'x::1'])).toMatch(/the first part cannot be 'x'/);
    expect(fails(['-P', '230.5.x'])).toMatch(/want a dotted IPv4 address/);
    expect(fails(['-P', '230.5.5.x5'])).toMatch(/want a dotted IPv4 address/);
    expect(fails(['-P', '230.5.5.300'])).toMatch(/a part is above 255/);
    expect(fails(['-P', 'ff15::5:6:x:x:x:x:x'])).toMatch(/not an IPv6 address/);
    expect(fails(['-P', 'mcast.example'])).toMatch(/want a dotted IPv4 address/);
  });

  it('-D: trailing / dropped, absolute allowed, no ".." and not empty', () => {
    expect(parse(['-D', 'newdir/']).destName).toBe('newdir');
    expect(parse(['-D', '/remote/dir']).destName).toBe('/remote/dir');
    expect(parse(['-D', 'a/b/c', '-D', 'd']).destName).toBe('d');
    expect(fails(['-D', ''])).toBe('-D: empty value');
    expect(fails(['-D', 'a/../b'])).toMatch(/'\.\.' element/);
    expect(fails(['-D', '..\\x'])).toMatch(/'\.\.' element/);
  });

  it('-E: comma lists add up; trailing / dropped; / stays', () => {
    expect(parse(['-E', '/a/,/b', '-E', '/', '-E', 'rel']).baseDirs).toEqual(['/a', '/b', '/', 'rel']);
    expect(fails(['-E', '/a,,/b'])).toMatch(/empty item/);
    expect(fails(['-E', ''])).toMatch(/empty item/);
  });

  it('-X adds up (the real uftp excludes the names of every file); -S, -i, -F, -j kept as given', () => {
    expect(parse(['-X', 'a', '-X', 'b']).excludeFiles).toEqual(['a', 'b']);
    expect(parse(['-S', '/var/s', '-i', '-', '-j', 'p']).statusFile).toBe('/var/s');
    expect(parseUftpArgs(['-i', '-']).fileList).toBe('-');
    expect(parseUftpArgs(['-F', '_group_1_restart']).restartFile).toBe('_group_1_restart');
  });
});

describe('rules between options', () => {
  it('-z and -Z exclude each other (the real uftp takes both)', () => {
    expect(fails(['-z', '-Z'])).toBe('-z and -Z cannot be used together');
  });

  it('restart mode (-f, -F) and sync mode (-z, -Z) exclude each other, as the real uftp', () => {
    expect(fails(['-f', '-z'])).toBe('restart mode (-f) and sync mode (-z) cannot be used together');
    expect(fails(['-Z', '-f'])).toBe('restart mode (-f) and sync mode (-Z) cannot be used together');
    expect(fails(['-F', 'r', '-Z'])).toBe('restart mode (-F) and sync mode (-Z) cannot be used together');
    expect(parseUftpArgs(['-F', 'r', '-f'])).toMatchObject({ restartFile: 'r', restartable: true });
  });

  it('-F excludes -H and -i, in either order (the real uftp takes "-i l -F r")', () => {
    expect(fails(['-i', 'list', '-F', 'r'])).toMatch(/^-i and -F cannot be used together/);
    expect(fails(['-F', 'r', '-H', '0x5'])).toMatch(/^-H and -F cannot be used together/);
    expect(fails(['-H', '0x5', '-F', 'r'])).toMatch(/^-H and -F cannot be used together/);
    expect(fails(['-F', 'r', '-H', '@hosts'])).toMatch(/^-H and -F/);
    expect(fails(['-F', 'r', '-i', 'list'])).toMatch(/^-i and -F cannot be used together/);
  });

  it('something to send: files, -i or -F', () => {
    expect(fails([], false)).toBe('no files to send: give files, -i list_file or -F restart_file');
    expect(fails(['-x', '3'], false)).toMatch(/^no files to send/);
    expect(parseUftpArgs(['-i', 'list']).files).toEqual([]);
    expect(parseUftpArgs(['-F', 'r', 'ignored']).files).toEqual(['ignored']);
  });
});

describe('usage', () => {
  it('names every option of the page', () => {
    for (const letter of 'RLBgnYhwecmkKlTbtQzZIpujqfyUaxWHFXMPNCoDESrsi') expect(USAGE).toContain(`-${letter}`);
    expect(USAGE.startsWith(`${PROGRAM} [ -R txrate ]`)).toBe(true);
  });

  it('--help and --version only as the sole argument', () => {
    expect(infoRequest(['--help'])).toBe('help');
    expect(infoRequest(['--version'])).toBe('version');
    expect(infoRequest(['--help', 'f'])).toBeUndefined();
    expect(infoRequest(['f'])).toBeUndefined();
    expect(VERSION_LINE).toMatch(/4\.10\.2/);
  });
});
