// From uftpd's options to what its daemon runs with: groups, interfaces and the default unique ID (with
// the real programs' IPv6 byte order), names resolved, -S lists (errors with file and line), directories,
// -F/-s/-P paths, and keys (failures are KeyDataErrors: exit 3).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, generateKey, privateKeyPem } from '../../lib/crypto';
import type { NetInterface } from '../../lib/net';
import { KeyDataError, UsageError } from '../../lib/cli/exit';
import { describeLoadedKey } from '../../lib/cli/common/keys';
import { readServerLists } from '../../lib/cli/uftpd/lists';
import { parseUftpdArgs } from '../../lib/cli/uftpd/options';
import { loadUftpdKeys, prepareUftpd } from '../../lib/cli/uftpd/setup';

const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';

// Interfaces as the kernel would list them in a lab host: lo, two Ethernet links (one dual-stack), a tunnel
// without multicast, and a link that is down.
const LO: NetInterface = { name: 'lo', index: 1, up: true, loopback: true, multicast: false, addresses: [{ family: 4, address: '127.0.0.1', prefixLength: 8 }, { family: 6, address: '::1', prefixLength: 128 }] };
const ETH0: NetInterface = { name: 'eth0', index: 2, up: true, loopback: false, multicast: true, addresses: [{ family: 6, address: 'fd00:198:18::a:b0c', prefixLength: 64 }, { family: 4, address: '198.18.0.2', prefixLength: 24 }] };
const ETH1: NetInterface = { name: 'eth1', index: 3, up: true, loopback: false, multicast: true, addresses: [{ family: 4, address: '198.18.1.7', prefixLength: 24 }] };
const TUN0: NetInterface = { name: 'tun0', index: 4, up: true, loopback: false, multicast: false, addresses: [{ family: 4, address: '198.18.9.1', prefixLength: 32 }] };
const DOWN: NetInterface = { name: 'eth2', index: 5, up: false, loopback: false, multicast: true, addresses: [{ family: 4, address: '198.18.2.1', prefixLength: 24 }] };
const IFACES = [LO, ETH0, ETH1, TUN0, DOWN];
const V6_ONLY: NetInterface = { name: 'eth6', index: 6, up: true, loopback: false, multicast: true, addresses: [{ family: 6, address: 'fd00::1:2:3:4', prefixLength: 64 }] };

let dir: string;
let dest: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'uftpd-setup-'));
  dest = join(dir, 'dest');
  mkdirSync(dest);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o644): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

function subdir(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** prepareUftpd with -D in the test directory (the default /tmp is fine too, but this keeps probes here). */
function prepare(args: string[], ifaces: NetInterface[] = IFACES) {
  const withDest = args.includes('-D') ? args : ['-D', dest, ...args];
  return prepareUftpd(parseUftpdArgs(withDest), ifaces);
}

async function usageError(args: string[], ifaces?: NetInterface[]): Promise<string> {
  const err = await prepare(args, ifaces).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  return (err as Error).message;
}

describe('groups, interfaces and the unique ID', () => {
  it('defaults: 230.4.4.1 on every up multicast non-loopback interface; UID of the first IPv4 address', async () => {
    const setup = await prepare([]);
    expect(setup.families).toEqual([4]);
    expect(setup.publicGroups).toEqual(['230.4.4.1']);
    expect(setup.interfaces.map((i) => i.name)).toEqual(['eth0', 'eth1']);
    expect(setup.uid).toBe(0xc6120002);
    expect(setup.uidSource).toBe('198.18.0.2');
    expect(setup.heartbeats).toEqual([]);
    expect(setup.serverList).toBeUndefined();
  });

  it('-U wins over every interface', async () => {
    const setup = await prepare(['-U', '42', '-I', 'eth1']);
    expect(setup.uid).toBe(0x42);
    expect(setup.uidSource).toBeUndefined();
  });

  it('-I picks interfaces by name, address or host name; the first entry gives the UID', async () => {
    const byAddress = await prepare(['-I', '198.18.1.7,eth0']);
    expect(byAddress.interfaces.map((i) => i.name)).toEqual(['eth1', 'eth0']);
    expect(byAddress.uid).toBe(0xc6120107);
    const byName = await prepare(['-I', 'eth0']);
    expect(byName.uid).toBe(0xc6120002); // a name stands for its first IPv4 address
    const lo = { ...LO, multicast: true };
    const byHost = await prepare(['-I', 'localhost'], [lo, ETH0]);
    expect(byHost.interfaces.map((i) => i.name)).toEqual(['lo']);
    expect(['127.0.0.1', '::1']).toContain(byHost.uidSource);
  });

  it('an IPv6 address gives its last 4 bytes in reverse order, as the real uftpd and uftpproxyd send it', async () => {
    // fd00:198:18::a:b0c ends 00 0a 0b 0c; the real programs put 0x0C0B0A00 on the wire.
    expect((await prepare(['-I', 'fd00:198:18::a:b0c'])).uid).toBe(0x0c0b0a00);
    const v6 = await prepare(['-M', 'ff15::1'], [LO, V6_ONLY]);
    expect(v6.uid).toBe(0x04000300);
    expect(v6.uidSource).toBe('fd00::1:2:3:4');
  });

  it('-I entries naming one interface twice are joined once; the order of first mention stays', async () => {
    const setup = await prepare(['-I', 'eth1,eth0,198.18.0.2', '-I', 'fd00:198:18::a:b0c']);
    expect(setup.interfaces.map((i) => i.name)).toEqual(['eth1', 'eth0']);
  });

  it('-M mixes IPv4 and IPv6 (a dual-stack client); names are looked up', async () => {
    const setup = await prepare(['-M', 'ff15::4:4:1,230.4.4.2']);
    expect(setup.families).toEqual([6, 4]);
    expect(setup.publicGroups).toEqual(['ff15::4:4:1', '230.4.4.2']);
  });

  it.each([
    [['-I', 'nosuch0'], "-I: no interface named 'nosuch0', nor a host name"],
    [['-I', '203.0.113.77'], "-I: no interface has the address 203.0.113.77"],
    [['-I', 'tun0'], '-I: tun0: interface tun0 is not multicast-capable'],
    [['-I', 'lo'], '-I: lo: interface lo is not multicast-capable'],
    [['-M', '198.18.0.9'], "-M: '198.18.0.9' is not a multicast address"],
    [['-M', 'localhost'], "-M: 'localhost' is not a multicast address"],
    [['-M', 'no-such-host.invalid'], "-M: invalid name/address 'no-such-host.invalid'"],
    [['-M', 'ff15::1', '-I', 'eth1'], '-M: ff15::1: no interface to join it on has an IPv6 address (eth1)'],
  ])('%j -> %s', async (args, message) => {
    expect(await usageError(args)).toContain(message);
  });

  it('no multicast interface: no UID to take (give -U), and with -U nothing to join on', async () => {
    expect(await usageError([], [LO, TUN0])).toBe('-M: 230.4.4.1: no interface to join it on has an IPv4 address (no multicast interface)');
    expect(await usageError(['-M', 'ff15::1'], [LO, ETH1])).toContain('-M: ff15::1: no interface to join it on has an IPv6 address');
    const noAddress: NetInterface = { ...ETH1, addresses: [] };
    expect(await usageError(['-I', 'eth1', '-M', 'ff15::1'], [noAddress, ETH0])).toContain('no interface to join it on');
  });

  it('an address whose ID would be reserved needs -U', async () => {
    const zero: NetInterface = { ...V6_ONLY, addresses: [{ family: 6, address: 'fd00::', prefixLength: 64 }] };
    expect(await usageError(['-M', 'ff15::1'], [zero])).toBe('-U: the unique ID taken from fd00:: would be reserved (0x0); give -U');
    expect((await prepare(['-M', 'ff15::1', '-U', '0x5'], [zero])).uid).toBe(5);
  });
});

describe('-H and -R', () => {
  it('are resolved; -H keeps its ports (default 1044), -R goes to -p\'s port with its fingerprint', async () => {
    const setup = await prepare(['-p', '2000', '-H', '198.18.250.11,localhost:9', '-R', `198.18.250.9/${FP}`]);
    expect(setup.heartbeats).toEqual([{ address: '198.18.250.11', port: 1044 }, { address: '127.0.0.1', port: 9 }]);
    expect(setup.responseProxy).toEqual({ address: '198.18.250.9', port: 2000, fingerprint: FP });
    expect((await prepare(['-R', 'localhost'])).responseProxy).toEqual({ address: '127.0.0.1', port: 1044 });
  });

  it('IPv6 peers need an IPv6 group (the socket is IPv4 otherwise); with one, both families are reachable', async () => {
    expect(await usageError(['-H', 'fd00::1'])).toBe("-H: 'fd00::1' is not an IPv4 address");
    expect(await usageError(['-R', 'fd00::9'])).toBe("-R: 'fd00::9' is not an IPv4 address");
    const dual = await prepare(['-M', '230.4.4.1,ff15::1', '-H', 'fd00::1,198.18.250.1', '-R', 'fd00::9']);
    expect(dual.heartbeats.map((h) => h.address)).toEqual(['fd00::1', '198.18.250.1']);
    expect(dual.responseProxy?.address).toBe('fd00::9');
  });

  it.each([
    [['-H', 'no-such-host.invalid'], "-H: invalid name/address 'no-such-host.invalid'"],
    [['-R', 'no-such-host.invalid'], "-R: invalid name/address 'no-such-host.invalid'"],
  ])('%j -> %s', async (args, message) => {
    expect(await usageError(args)).toContain(message);
  });
});

describe('-S server lists', () => {
  const SSM = ['-M', '232.4.4.1,ff35::4401'];

  it("reads the page's example, host names, comments, blank lines and CRLF", async () => {
    const path = file('servers', `# allowed servers\n0x11112222|192.168.1.101|${FP.toLowerCase()}\r\n\n  # indented\n11113333|fe80::213:72ff:fed6:69ca\n0x1|localhost\n`);
    const setup = await prepare(['-S', path, ...SSM]);
    expect(setup.serverList).toEqual([
      { id: 0x11112222, address: '192.168.1.101', fingerprint: FP },
      { id: 0x11113333, address: 'fe80::213:72ff:fed6:69ca' },
      { id: 1, address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) },
    ]);
  });

  it('one ID at two addresses (IPv4 and IPv6), and two IDs at one address (behind one proxy), are allowed', async () => {
    const path = file('dual', '0x1|198.18.250.9\n0x1|fd00::9\n0x2|198.18.250.9\n');
    expect(await readServerLists([path], 'any')).toEqual([
      { id: 1, address: '198.18.250.9' },
      { id: 1, address: 'fd00::9' },
      { id: 2, address: '198.18.250.9' },
    ]);
  });

  it('several -S files add up; a repeat across files names the second file and line', async () => {
    const a = file('a', '0x1|198.18.250.1\n');
    const b = file('b', '# b\n0x2|198.18.250.2\n0x1|198.18.250.1\n');
    expect(await readServerLists([a], 4)).toEqual([{ id: 1, address: '198.18.250.1' }]);
    await expect(readServerLists([a, b], 4)).rejects.toThrow(`-S ${b} line 3: server 0x00000001 at 198.18.250.1 listed twice`);
    const c = file('c', '0x3|198.18.250.3\n');
    expect((await readServerLists([a, c], 4)).map((e) => e.id)).toEqual([1, 3]);
  });

  it.each([
    ['zz|198.18.250.1', "line 1: invalid ID 'zz': want 1-8 hex digits"],
    ['0x0|198.18.250.1', "line 1: invalid ID '0x0'"],
    ['0xffffffff|198.18.250.1', "line 1: invalid ID '0xffffffff'"],
    ['0x123456789|198.18.250.1', "line 1: invalid ID '0x123456789'"],
    ['198.18.250.9|198.18.250.9', "line 1: invalid ID '198.18.250.9'"],
    ['0x1', 'line 1: want ID|IP[|fingerprint]'],
    [`0x1|198.18.250.1|${FP}|x`, 'line 1: want ID|IP[|fingerprint]'],
    ['0x1|', 'line 1: empty address'],
    ['0x1|198.18.250.1|12:34', "line 1: invalid fingerprint '12:34'"],
    ['0x1|198.18.250.1|', "line 1: invalid fingerprint ''"],
    ['0x1|no-such-host.invalid', "line 1: invalid name/address 'no-such-host.invalid'"],
    ['# c\n\n0x1|fd00::9', "line 3: 'fd00::9' is not an IPv4 address (every -M group is IPv4)"],
    ['0x1|198.18.250.1\n0x1|198.18.250.1', 'line 2: server 0x00000001 at 198.18.250.1 listed twice'],
  ])('%j is refused: %s', async (text, message) => {
    const path = file('bad', `${text}\n`);
    await expect(readServerLists([path], 4)).rejects.toThrow(`-S ${path} ${message}`);
    await expect(readServerLists([path], 4)).rejects.toBeInstanceOf(UsageError);
  });

  it('an unreadable or empty list is refused (the real uftpd takes an empty one as no list: every server)', async () => {
    await expect(readServerLists(['/nonexistent/list'], 4)).rejects.toThrow("-S: couldn't open list /nonexistent/list");
    const empty = file('empty', '# nothing\n\n');
    await expect(readServerLists([empty], 4)).rejects.toThrow(`-S: ${empty}: no servers listed`);
  });

  it('with -S every -M group must be source-specific (232/8, ff30::/96), the default 230.4.4.1 included', async () => {
    const path = file('ssm', '0x1|198.18.250.1\n');
    expect(await usageError(['-S', path])).toBe('-S: -M 230.4.4.1 is not a source-specific multicast address (232/8, ff30::/96), as a server list requires (230.4.4.1 is the default -M: give -M)');
    expect(await usageError(['-S', path, '-M', '232.1.1.1,230.4.4.2'])).toBe('-S: -M 230.4.4.2 is not a source-specific multicast address (232/8, ff30::/96), as a server list requires');
    expect(await usageError(['-S', path, '-M', 'ff35::1:4:4:1'])).toContain('-M ff35::1:4:4:1 is not a source-specific');
    expect((await prepare(['-S', path, '-M', '232.1.1.1'])).serverList).toEqual([{ id: 1, address: '198.18.250.1' }]);
  });
});

describe('directories', () => {
  it('-D, -T and -A that exist, are directories, are writable and share a file system pass; probes leave nothing', async () => {
    const d1 = subdir('ok/d1');
    const d2 = subdir('ok/d2');
    const b1 = subdir('ok/b1');
    const b2 = subdir('ok/b2');
    const t = subdir('ok/t');
    await prepare(['-D', `${d1},${d2}`, '-A', `${b1},${b2}`]);
    await prepare(['-D', d1, '-T', t]);
    for (const d of [d1, d2, b1, b2, t]) expect(readdirSync(d)).toEqual([]);
  });

  it.each([
    ['-D', 'destination directory'],
    ['-T', 'temp directory'],
    ['-A', 'backup directory'],
  ])('%s that is missing or a file is refused', async (opt, what) => {
    const missing = join(dir, 'missing');
    const plain = file('plain', 'x');
    expect(await usageError(opt === '-D' ? ['-D', missing] : [opt, missing])).toBe(`${opt}: ${what} ${missing}: no such directory`);
    expect(await usageError(opt === '-D' ? ['-D', plain] : [opt, plain])).toBe(`${opt}: ${what} ${plain}: not a directory`);
  });

  it('a temp or backup directory on another file system is refused before anything is created', async () => {
    const shm = '/dev/shm';
    if (!existsSync(shm) || statSync(shm).dev === statSync(dir).dev) return; // nothing to compare with here
    const other = mkdtempSync(join(shm, 'uftpd-setup-'));
    try {
      expect(await usageError(['-T', other])).toBe(`-T: cannot move files from ${other} to ${dest}: different file systems; they must be on the same file system`);
      expect(await usageError(['-A', other])).toBe(`-A: cannot move files from ${dest} to ${other}: different file systems; they must be on the same file system`);
      expect(readdirSync(other)).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('-F, -s and -P', () => {
  it('-F @LOG mixes status lines into the log; a file is checked, not created', async () => {
    expect((await prepare(['-F', '@LOG'])).statusFile).toEqual({ kind: 'log' });
    const path = join(dir, 'status.txt');
    expect((await prepare(['-F', path])).statusFile).toEqual({ kind: 'file', path });
    expect(existsSync(path)).toBe(false);
  });

  it('-s must be an executable regular file (the real one checks only that the path is absolute)', async () => {
    const script = file('got.sh', '#!/bin/sh\n', 0o755);
    expect((await prepare(['-s', script])).postReceiveScript).toBe(script);
  });

  it.each([
    [() => ['-F', '/nonexistent/status'], () => '-F: directory of status file /nonexistent: no such directory'],
    [() => ['-F', dir], () => `-F: status file ${dir}: is a directory`],
    [() => ['-P', '/nonexistent/uftpd.pid'], () => '-P: directory of pid file /nonexistent: no such directory'],
    [() => ['-s', '/nonexistent/script'], () => '-s: post-receive script /nonexistent/script: no such file'],
    [() => ['-s', dir], () => `-s: post-receive script ${dir}: not a regular file`],
    [() => ['-s', file('noexec.sh', '#!/bin/sh\n', 0o644)], () => `-s: post-receive script ${join(dir, 'noexec.sh')}: not executable (EACCES)`],
  ])('%p', async (args, message) => {
    expect(await usageError(args())).toBe(message());
  });
});

describe('keys', () => {
  it('neither -k nor -K: one RSA-512 key, logged as the real programs do', async () => {
    const keys = loadUftpdKeys(await prepare([]));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ type: 'rsa', bits: 512 });
    expect(describeLoadedKey(keys[0])).toMatch(/^Loaded 512 bit RSA key with fingerprint ([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  });

  it('-k reads the files (accumulated) in order', async () => {
    const ec = generateKey({ type: 'ec', curve: 'prime256v1' });
    const rsa = generateKey({ type: 'rsa', bits: 1024 });
    const a = file('ec.pem', privateKeyPem(ec));
    const b = file('rsa.pem', privateKeyPem(rsa));
    const keys = loadUftpdKeys(await prepare(['-k', a, '-k', b]));
    expect(keys.map((k) => [k.type, k.fingerprint])).toEqual([['ec', fingerprint(ec)], ['rsa', fingerprint(rsa)]]);
  });

  it('-k with -K writes each new key to its file; -K alone keeps nothing', async () => {
    const out = join(dir, 'new-ec.pem');
    const keys = loadUftpdKeys(await prepare(['-k', out, '-K', 'ec:secp384r1']));
    expect(keys[0].curve).toBe('secp384r1');
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(loadUftpdKeys(await prepare(['-K', 'rsa:512', '-K', 'ec:prime256v1'])).map((k) => k.bits ?? k.curve)).toEqual([512, 'prime256v1']);
  });

  it.each([
    ['an unreadable -k file', () => ['-k', '/nonexistent/key.pem'], '-k: /nonexistent/key.pem: cannot read key file'],
    ['a -k file that is not a key', () => ['-k', file('garbage.pem', 'hello\n')], 'not a PEM private key file'],
    ['-k with -K over an existing file', () => ['-k', file('exists.pem', 'x'), '-K', 'rsa:512'], 'key file already exists, will not overwrite it'],
  ])('%s is a KeyDataError (exit 3) at set-up', async (_what, args, message) => {
    const err = await prepare(args()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KeyDataError);
    expect((err as Error).message).toContain(message);
  });

  it('a key that cannot be generated is a KeyDataError naming the -K item', async () => {
    const setup = await prepare(['-K', 'ec:sect163k1']);
    const refuse = (): never => {
      throw new Error('unsupported curve');
    };
    expect(() => loadUftpdKeys(setup, refuse)).toThrow(KeyDataError);
    expect(() => loadUftpdKeys(setup, refuse)).toThrow('-K: cannot generate a ec:sect163k1 key: unsupported curve');
  });

  it('a bad command line is reported before a bad key file, as the real uftpd does', async () => {
    expect(await usageError(['-k', '/nonexistent/key.pem', '-I', 'nosuch0'])).toContain('-I: no interface named');
  });
});
