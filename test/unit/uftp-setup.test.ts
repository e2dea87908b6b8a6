// From uftp's options to what the server runs with: -M / -P / -I and the unique ID (with the real programs'
// IPv6 byte order), the closed group and proxies, the sources (operands, -i, stdin, -F), -X / -E / -D,
// -S / -L / -f paths, encryption settings, and the key (failures are KeyDataErrors: exit 3).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { getCiphers } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, privateKeyPem } from '../../lib/crypto';
import type { NetInterface } from '../../lib/net';
import { HashType, KeyExchangeType, KeyType, SigType } from '../../lib/protocol';
import { KeyDataError, UsageError } from '../../lib/cli/exit';
import { LogFileError } from '../../lib/cli/common/log-file';
import { parseUftpArgs } from '../../lib/cli/uftp/options';
import { writeRestartFile } from '../../lib/cli/uftp/restart-file';
import { loadUftpKey, prepareUftp, restartDataOf, type UftpSetupIo } from '../../lib/cli/uftp/setup';

const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';

// Interfaces as the kernel would list them in a lab host: lo, two Ethernet links (one dual-stack, with a
// link-local IPv6 address listed first), a tunnel without multicast, and a link that is down.
const LO: NetInterface = { name: 'lo', index: 1, up: true, loopback: true, multicast: false, addresses: [{ family: 4, address: '127.0.0.1', prefixLength: 8 }, { family: 6, address: '::1', prefixLength: 128 }] };
const ETH0: NetInterface = {
  name: 'eth0', index: 2, up: true, loopback: false, multicast: true,
  addresses: [{ family: 6, address: 'fe80::1', prefixLength: 64 }, { family: 6, address: 'fd00:198:18::a:b0c', prefixLength: 64 }, { family: 4, address: '198.18.0.2', prefixLength: 24 }],
};
const ETH1: NetInterface = { name: 'eth1', index: 3, up: true, loopback: false, multicast: true, addresses: [{ family: 4, address: '198.18.1.7', prefixLength: 24 }] };
const TUN0: NetInterface = { name: 'tun0', index: 4, up: true, loopback: false, multicast: false, addresses: [{ family: 4, address: '198.18.9.1', prefixLength: 32 }] };
const DOWN: NetInterface = { name: 'eth2', index: 5, up: false, loopback: false, multicast: true, addresses: [{ family: 4, address: '198.18.2.1', prefixLength: 24 }] };
const IFACES = [LO, ETH0, ETH1, TUN0, DOWN];

/** Draws 7 for every 'x' part. */
const IO: UftpSetupIo = { draw: () => 7 };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'uftp-setup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function prepare(args: string[], ifaces: NetInterface[] = IFACES, io: UftpSetupIo = IO) {
  return prepareUftp(parseUftpArgs(args), ifaces, io);
}

async function failure(args: string[], ifaces?: NetInterface[], io?: UftpSetupIo): Promise<Error> {
  const err = await prepare(args, ifaces, io).then(() => undefined, (e: unknown) => e);
  if (err === undefined) throw new Error(`accepted: ${args.join(' ')}`);
  return err as Error;
}

async function usageError(args: string[], ifaces?: NetInterface[], io?: UftpSetupIo): Promise<string> {
  const err = await failure(args, ifaces, io);
  expect(err).toBeInstanceOf(UsageError);
  return err.message;
}

describe('addresses, interface and unique ID', () => {
  it('defaults: 230.4.4.1, private 230.5.5.x drawn, the system interface, UID of the first multicast IPv4 address', async () => {
    const s = await prepare(['f']);
    expect(s).toMatchObject({ family: 4, publicAddress: '230.4.4.1', unicast: false, privateAddress: '230.5.5.7', uid: 0xc6120002, uidSource: '198.18.0.2', groupInst: 0 });
    expect(s.interface).toBeUndefined();
    expect(s.sourceAddress).toBeUndefined();
    expect(s.groupId).not.toBe(0);
    expect(s.warnings).toEqual([]);
  });

  it('draws each x of -P (crypto random by default: the result is still in the pattern)', async () => {
    expect((await prepare(['-P', '239.x.9.x', 'f'])).privateAddress).toBe('239.7.9.7');
    expect((await prepare(['-P', '239.x.x.x', 'f'], IFACES, {})).privateAddress).toMatch(/^239\.\d+\.\d+\.\d+$/);
    expect(await usageError(['-P', '240.x.1.1', 'f'])).toBe('-P: 240.x.1.1 gives 240.7.1.1, which is not a multicast address');
  });

  it('-I by name, address or host name gives the interface, the source address and the UID', async () => {
    const byName = await prepare(['-I', 'eth1', 'f']);
    expect(byName).toMatchObject({ sourceAddress: '198.18.1.7', uid: 0xc6120107, uidSource: '198.18.1.7' });
    expect(byName.interface?.name).toBe('eth1');
    expect((await prepare(['-I', '198.18.0.2', 'f'])).interface?.name).toBe('eth0');
    const unicastLo = await prepare(['-M', '198.18.5.5', '-I', 'localhost', 'f']);
    expect(unicastLo).toMatchObject({ unicast: true, sourceAddress: '127.0.0.1', uid: 0x7f000001 });
  });

  it('-U wins over the interface', async () => {
    const s = await prepare(['-U', '0x42', '-I', 'eth1', 'f']);
    expect(s.uid).toBe(0x42);
    expect(s.uidSource).toBeUndefined();
  });

  it('-I: missing, down or not multicast-capable interfaces are refused', async () => {
    expect(await usageError(['-I', '10.9.9.9', 'f'])).toBe('-I: no interface has the address 10.9.9.9');
    expect(await usageError(['-I', 'eth2', 'f'])).toBe('-I: eth2: interface eth2 is down');
    expect(await usageError(['-I', 'tun0', 'f'])).toBe('-I: tun0: interface tun0 is not multicast-capable');
    expect((await prepare(['-M', '198.18.5.5', '-I', 'tun0', 'f'])).interface?.name).toBe('tun0');
  });

  it('IPv6: -P required, same family; -I by name takes its global address; the UID is the last 4 bytes reversed', async () => {
    const s = await prepare(['-M', 'ff15::1:2', '-P', 'ff15::x:6', '-I', 'eth0', 'f']);
    expect(s).toMatchObject({ family: 6, publicAddress: 'ff15::1:2', privateAddress: 'ff15::7:6', sourceAddress: 'fd00:198:18::a:b0c', uid: 0x0c0b0a00 });
    expect((await prepare(['-M', 'ff15::1', '-P', 'ff15::2', 'f'])).uidSource).toBe('fd00:198:18::a:b0c');
    expect(await usageError(['-M', 'ff15::1:2', 'f'])).toBe('-M ff15::1:2 is IPv6 multicast: give -P (the default 230.5.5.x is IPv4)');
    expect(await usageError(['-M', 'ff15::1:2', '-P', '230.5.5.1', 'f'])).toBe('-P 230.5.5.1 and -M ff15::1:2 are of different IP versions');
    expect(await usageError(['-M', '230.4.4.9', '-P', 'ff15::5:6', 'f'])).toMatch(/different IP versions/);
    expect(await usageError(['-M', 'ff15::1', '-P', 'ff15::2', '-I', '198.18.0.2', 'f'])).toBe('-I: 198.18.0.2 (198.18.0.2) is not an IPv6 address, as -M is');
    expect(await usageError(['-M', 'ff15::1', '-P', 'ff15::2', '-I', 'eth1', 'f'])).toBe('-I: interface eth1 has no IPv6 address (-M is IPv6)');
  });

  it('a unicast -M: everything goes there, -P is ignored (with a warning), names are looked up', async () => {
    const s = await prepare(['-M', 'localhost', '-P', '230.9.9.x', 'f']);
    expect(s).toMatchObject({ unicast: true, publicAddress: '127.0.0.1', privateAddress: '127.0.0.1', uid: 0xc6120002 });
    expect(s.warnings).toEqual(['-P 230.9.9.x is ignored: -M localhost is a unicast address']);
    expect((await prepare(['-M', 'fd00::9', 'f'])).privateAddress).toBe('fd00::9');
  });

  it('the unspecified address is neither a group nor a receiver', async () => {
    expect(await usageError(['-M', '0.0.0.0', 'f'])).toMatch(/^-M: 0.0.0.0 is the unspecified address/);
    expect(await usageError(['-M', '::', 'f'])).toMatch(/unspecified/);
  });

  it('no interface to take the UID from: give -U or -I; a unicast -M may fall back to loopback', async () => {
    expect(await usageError(['f'], [LO, TUN0])).toBe('-U: no interface with an IPv4 address to take a unique ID from; give -U or -I');
    expect((await prepare(['-U', '5', 'f'], [LO])).uid).toBe(5);
    expect((await prepare(['-M', '127.0.0.1', 'f'], [LO])).uid).toBe(0x7f000001);
  });
});

describe('closed group and proxies', () => {
  it('-H items and files add up; IPv4 addresses and names become IDs; fingerprints kept', async () => {
    const hosts = file('hosts', `# clients\n0x00001111|${FP.toLowerCase()}\n 0x2222 \n198.18.0.9\n`);
    const s = await prepare(['-H', '0x1,198.18.0.7', '-H', 'localhost', '-H', `@${hosts}`, 'f']);
    expect(s.clients).toEqual([
      { id: 1, name: '0x1' }, { id: 0xc6120007, name: '198.18.0.7' }, { id: 0x7f000001, name: 'localhost' }, { id: 0x1111, fingerprint: FP, name: '0x00001111' },
      { id: 0x2222, name: '0x2222' }, { id: 0xc6120009, name: '198.18.0.9' },
    ]);
  });

  it('no -H: an open group', async () => {
    expect((await prepare(['f'])).clients).toBeUndefined();
  });

  it('refuses repeats, an empty list, bad lines and unknown names, naming the file and line', async () => {
    const empty = file('hosts-empty', '# none\n\n');
    const badFp = file('hosts-badfp', '0x1|12:34\n');
    const bare = file('hosts-bare', '1234\n');
    const three = file('hosts-3', '0x1|x|y\n');
    expect(await usageError(['-H', '0x1,0x2', '-H', '0x1', 'f'])).toBe('-H: client 0x00000001 listed twice');
    expect(await usageError(['-H', `@${empty}`, 'f'])).toBe(`-H: ${empty}: no clients listed`);
    expect(await usageError(['-H', `@${badFp}`, 'f'])).toMatch(new RegExp(`^-H ${badFp} line 1: invalid fingerprint '12:34'`));
    expect(await usageError(['-H', `@${bare}`, 'f'])).toMatch(new RegExp(`^-H ${bare} line 1: ambiguous ID '1234'`));
    expect(await usageError(['-H', `@${three}`, 'f'])).toBe(`-H ${three} line 1: want ID[|fingerprint]`);
    expect(await usageError(['-H', `@${join(dir, 'nope')}`, 'f'])).toMatch(/^-H: couldn't open list/);
    expect(await usageError(['-H', 'nosuch.invalid', 'f'])).toMatch(/^-H: invalid name\/address 'nosuch.invalid'/);
  });

  it('-j: the proxies; warnings where fingerprints or -j have no effect', async () => {
    const proxies = file('proxies', `0x00001111|${FP}\n0x00002222\n`);
    const s = await prepare(['-j', proxies, '-H', '0x5', 'f']);
    expect(s.proxies).toEqual([{ id: 0x1111, fingerprint: FP, name: '0x00001111' }, { id: 0x2222, name: '0x00002222' }]);
    expect(s.warnings).toEqual(['Warning: key fingerprints of listed clients and proxies are not checked: -Y is none']);
    const enc = await prepare(['-Y', 'aes128-cbc', '-j', proxies, 'f']);
    expect(enc.warnings).toEqual([
      'Warning: -j without -H: an open group takes any client, proxies are not needed for that',
      'Warning: key fingerprints of listed clients and proxies are not checked without -c',
    ]);
    expect((await prepare(['-Y', 'aes128-cbc', '-c', '-H', '0x5', '-j', proxies, 'f'])).warnings).toEqual([]);
    expect(await usageError(['-j', file('proxies-empty', ''), 'f'])).toMatch(/no proxies listed/);
  });

  it('-H and -j list at most --max-clients hosts together (default 100000, as the real uftp)', async () => {
    const hosts = file('hosts-3', '0x1\n0x2\n0x3\n');
    const proxies = file('proxies-2', '0x3\n0x4\n');
    expect((await prepare(['--max-clients', '4', '-H', `@${hosts}`, '-j', proxies, 'f'])).clients).toHaveLength(3); // 0x3 counted once
    expect(await usageError(['--max-clients', '3', '-H', `@${hosts}`, '-j', proxies, 'f'])).toBe(
      'Exceeded maximum destination count: 4 clients and proxies listed, at most 3 (--max-clients)',
    );
    const many = file('hosts-100001', Array.from({ length: 100_001 }, (_, i) => `0x${(i + 1).toString(16)}`).join('\n'));
    expect(await usageError(['-H', `@${many}`, 'f'])).toMatch(/^Exceeded maximum destination count: 100001 clients and proxies listed, at most 100000/);
  });
});

describe('the file list', () => {
  it('operands become the sources; -E resolved, -D, -o, -X, -l carried', async () => {
    const x = file('excl', 'tree/sub\r\n');
    const s = await prepare(['-E', 'rel,/abs/', '-D', 'nd', '-o', '-X', x, '-l', 'a', '/b']);
    expect(s.sendList).toEqual({
      sources: [Buffer.from('a'), Buffer.from('/b')],
      baseDirs: [Buffer.from(join(process.cwd(), 'rel')), Buffer.from('/abs')],
      destName: Buffer.from('nd'),
      destAsDir: true,
      excludes: [Buffer.from('tree/sub')],
      followLinks: true,
      cwd: process.cwd(),
    });
    expect(await usageError(['-X', join(dir, 'nope'), 'f'])).toMatch(/^-X: couldn't read exclude list/);
  });

  it('-i: the list replaces the operands (with a warning); "-" reads stdin', async () => {
    const list = file('list', 'a\n\nb c\r\n');
    const s = await prepare(['-i', list, 'ignored']);
    expect(s.sendList.sources.map(String)).toEqual(['a', 'b c']);
    expect(s.warnings).toEqual(['Warning: ignoring the 1 path(s) given on the command line: -i names the files']);
    const fromStdin = await prepare(['-i', '-'], IFACES, { ...IO, readStdin: async () => Buffer.from('x\ny\n') });
    expect(fromStdin.sendList.sources.map(String)).toEqual(['x', 'y']);
    expect(await usageError(['-i', file('list-empty', '\n')])).toMatch(/no file names listed/);
  });
});

describe('-F restart', () => {
  const restart = (name: string, groupInst = 4): string => {
    const sub = join(dir, name);
    mkdirSync(sub);
    return writeRestartFile({ groupId: 0x5aaa6942, groupInst, cwd: '/srv/data', sources: [Buffer.from('b1'), Buffer.from('tree')], clients: [{ id: 0x0a0b4702, fingerprint: FP }, { id: 0x0a0b47ff }] }, sub);
  };

  it('same group, next instance; its clients are the closed group, its sources the list (from its directory)', async () => {
    const path = restart('r1');
    const s = await prepare(['-F', path, 'ignored.txt']);
    expect(s).toMatchObject({ groupId: 0x5aaa6942, groupInst: 5, clients: [{ id: 0x0a0b4702, fingerprint: FP }, { id: 0x0a0b47ff }] });
    expect(s.sendList.sources.map(String)).toEqual(['b1', 'tree']);
    expect(s.sendList.cwd).toBe('/srv/data');
    expect(s.restart?.path).toBe(path);
    expect(s.warnings).toEqual([
      'Warning: ignoring the 1 path(s) given on the command line: the restart file names the files',
      'Warning: key fingerprints of listed clients and proxies are not checked: -Y is none',
    ]);
  });

  it('instance 255 cannot be restarted again', async () => {
    expect(await usageError(['-F', restart('r2', 255)])).toMatch(/group instance 255 reached/);
  });

  it('restartDataOf: this session, its sources and directory, the failed clients with their known fingerprints', async () => {
    const s = await prepare(['-H', `0x1,0x2`, 'a', 'b']);
    s.clients![1].fingerprint = FP;
    expect(restartDataOf(s, [2, 1])).toEqual({ groupId: s.groupId, groupInst: 0, cwd: process.cwd(), sources: [Buffer.from('a'), Buffer.from('b')], clients: [{ id: 2, fingerprint: FP, name: '0x2' }, { id: 1, name: '0x1' }] });
    const again = await prepare(['-F', restart('r3', 1)]);
    expect(restartDataOf(again, [0x0a0b47ff])).toMatchObject({ groupId: 0x5aaa6942, groupInst: 2, cwd: '/srv/data', clients: [{ id: 0x0a0b47ff }] });
  });
});

describe('-S, -L and -f paths', () => {
  it('-S: @LOG, or a file that can be written', async () => {
    expect((await prepare(['-S', '@LOG', 'f'])).statusFile).toEqual({ kind: 'log' });
    expect((await prepare(['-S', join(dir, 'status'), 'f'])).statusFile).toEqual({ kind: 'file', path: join(dir, 'status') });
    expect(await usageError(['-S', '/nonexistent/status', 'f'])).toBe('-S: directory of status file /nonexistent: no such directory');
    expect(await usageError(['-S', dir, 'f'])).toBe(`-S: status file ${dir}: is a directory`);
  });

  it('-L: a log file that cannot be opened is exit 4 (LogFileError), as the real uftp', async () => {
    const err = await failure(['-L', '/nonexistent/log', 'f']);
    expect(err).toBeInstanceOf(LogFileError);
    expect(err.message).toBe('-L: directory of log file /nonexistent: no such directory');
  });

  it('-f: the restart file will go into the current directory, checked now', async () => {
    expect((await prepare(['-f', 'f'])).restartDir).toBe(process.cwd());
    expect((await prepare(['f'])).restartDir).toBeUndefined();
  });
});

describe('encryption and the key', () => {
  const rsaFile = (): string => file('rsa.pem', privateKeyPem(generateKey({ type: 'rsa', bits: 512 })));
  const ecFile = (): string => file('ec.pem', privateKeyPem(generateKey({ type: 'ec', curve: 'secp384r1' })));

  it('-Y none: no encryption, -k not even read, no key', async () => {
    const s = await prepare(['-k', join(dir, 'nope.pem'), '-c', 'f']);
    expect(s.encryption).toBeUndefined();
    expect(loadUftpKey(s)).toBeUndefined();
  });

  it('the protocol numbers: CBC with HMAC or KEYEX, GCM/CCM authenticated (-w ignored)', async () => {
    const cbc = await prepare(['-Y', 'aes256-cbc', '-h', 'sha384', '-w', 'keyex', '-c', 'f']);
    expect(cbc.encryption).toEqual({
      keyType: KeyType.AES256_CBC, hashType: HashType.SHA384, sigType: SigType.KEYEX, keyexType: KeyExchangeType.RSA,
      clientAuth: true, cipher: 'aes-256-cbc', hash: 'sha384', keyAlgorithm: 'rsa', keySpec: { type: 'rsa', bits: 512 },
    });
    const gcm = await prepare(['-Y', 'aes128-gcm', '-w', 'keyex', '-e', 'ecdh_rsa', 'f']);
    expect(gcm.encryption).toMatchObject({ keyType: KeyType.AES128_GCM, sigType: SigType.AUTHENC, keyexType: KeyExchangeType.ECDH_RSA, curve: 'prime256v1', hashType: HashType.SHA1 });
    const ccm = await prepare(['-Y', 'aes256-ccm', '-e', 'ecdh_ecdsa:secp521r1', 'f']);
    expect(ccm.encryption).toMatchObject({ keyType: KeyType.AES256_CCM, keyexType: KeyExchangeType.ECDH_ECDSA, curve: 'secp521r1', keyAlgorithm: 'ec', keySpec: { type: 'ec', curve: 'prime256v1' } });
  });

  it('DES needs what this OpenSSL offers', async () => {
    if (getCiphers().includes('des-cbc')) expect((await prepare(['-Y', 'des', 'f'])).encryption?.keyType).toBe(KeyType.DES);
    else expect(await usageError(['-Y', 'des', 'f'])).toMatch(/^-Y des: cipher des-cbc is not available/);
    expect((await prepare(['-Y', '3des', 'f'])).encryption?.cipher).toBe('des-ede3-cbc');
  });

  it('generates RSA-512 by default, or an EC key on prime256v1 with ecdh_ecdsa (the page)', async () => {
    const rsa = loadUftpKey(await prepare(['-Y', 'aes128-cbc', 'f']));
    expect(rsa).toMatchObject({ type: 'rsa', bits: 512 });
    const ec = loadUftpKey(await prepare(['-Y', 'aes128-cbc', '-e', 'ecdh_ecdsa', 'f']));
    expect(ec).toMatchObject({ type: 'ec', curve: 'prime256v1' });
    expect(loadUftpKey(await prepare(['-Y', 'aes128-cbc', '-K', '1024', 'f']))).toMatchObject({ type: 'rsa', bits: 1024 });
  });

  it('-k reads the key; -k with -K writes a new one, never over an existing file', async () => {
    const path = rsaFile();
    const read = loadUftpKey(await prepare(['-Y', 'aes128-cbc', '-k', path, 'f']));
    expect(read).toMatchObject({ type: 'rsa', bits: 512 });
    const fresh = join(dir, 'new-ec.pem');
    const written = loadUftpKey(await prepare(['-Y', 'aes128-cbc', '-e', 'ecdh_ecdsa', '-K', 'secp384r1', '-k', fresh, 'f']));
    expect(written).toMatchObject({ type: 'ec', curve: 'secp384r1' });
    expect(loadUftpKey(await prepare(['-Y', 'aes128-cbc', '-e', 'ecdh_ecdsa', '-k', fresh, 'f']))?.fingerprint).toBe(written?.fingerprint);
    const exists = await failure(['-Y', 'aes128-cbc', '-K', '512', '-k', path, 'f']);
    expect(exists).toBeInstanceOf(KeyDataError);
    expect(exists.message).toBe(`-k: ${path}: key file already exists, will not overwrite it`);
  });

  it('key data problems are KeyDataErrors (exit 3): missing, not a key, the wrong type for -e', async () => {
    const missing = await failure(['-Y', 'aes128-cbc', '-k', join(dir, 'nope.pem'), 'f']);
    expect(missing).toBeInstanceOf(KeyDataError);
    expect(missing.message).toMatch(/^-k: .*nope\.pem: cannot read key file/);
    const garbage = await failure(['-Y', 'aes128-cbc', '-k', file('garbage.pem', 'garbage'), 'f']);
    expect(garbage).toBeInstanceOf(KeyDataError);
    const ec = ecFile();
    const wrong = await failure(['-Y', 'aes128-cbc', '-k', ec, 'f']);
    expect(wrong).toBeInstanceOf(KeyDataError);
    expect(wrong.message).toBe(`-k: ${ec}: holds an EC key, but the server needs an RSA key (-e rsa or ecdh_rsa)`);
    const wrongEc = await failure(['-Y', 'aes128-cbc', '-e', 'ecdh_ecdsa', '-k', rsaFile(), 'f']);
    expect(wrongEc.message).toMatch(/holds an RSA key, but the server needs an EC key \(-e ecdh_ecdsa\)/);
  });

  it('a bad command line is reported before a bad key file', async () => {
    expect(await usageError(['-Y', 'aes128-cbc', '-k', join(dir, 'nope.pem'), '-S', '/nonexistent/s', 'f'])).toMatch(/^-S: /);
  });

  it('a key that cannot be generated is a KeyDataError', async () => {
    const s = await prepare(['-Y', 'aes128-cbc', 'f']);
    expect(() => loadUftpKey(s, () => { throw new Error('no entropy'); })).toThrow(new KeyDataError('-K: cannot generate a rsa:512 key: no entropy'));
  });
});
