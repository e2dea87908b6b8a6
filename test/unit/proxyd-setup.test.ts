// From options to the proxy's config: -C/-S list files (strict, with line numbers), interfaces,
// the default unique ID, names resolved, and the keys (-k, -K, or the default RSA-512).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetInterface } from '../../lib/net';
import { fingerprint, generateKey, privateKeyPem } from '../../lib/crypto';
import { describeLoadedKey } from '../../lib/cli/common/keys';
import { readClientLists, readServerLists } from '../../lib/cli/proxyd/lists';
import { parseProxydArgs } from '../../lib/cli/proxyd/options';
import { loadProxyKeys, prepare } from '../../lib/cli/proxyd/setup';

const FP = '66:1E:C9:1D:FC:99:DB:60:B0:1A:F0:8F:CA:F4:28:27:A6:BE:94:BC';

// Interfaces as the kernel would list them in a lab host: lo, then two Ethernet links.
const IFACES: NetInterface[] = [
  { name: 'lo', index: 1, up: true, loopback: true, multicast: false, addresses: [{ family: 4, address: '127.0.0.1', prefixLength: 8 }] },
  { name: 'eth0', index: 2, up: true, loopback: false, multicast: true, addresses: [{ family: 4, address: '198.18.0.2', prefixLength: 24 }, { family: 6, address: 'fd00:198:18::2', prefixLength: 64 }] },
  { name: 'eth1', index: 3, up: true, loopback: false, multicast: true, addresses: [{ family: 4, address: '198.18.1.7', prefixLength: 24 }] },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'proxyd-setup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('-C and -S list files', () => {
  it('reads the page\'s examples, with comments and blank lines', async () => {
    const c = file('clients', `# who may receive\n0x00001111|${FP.toLowerCase()}\n\n0x00002222\n198.18.1.9\n`);
    expect(readClientLists([c])).toEqual([{ id: 0x1111, fingerprint: FP }, { id: 0x2222 }, { id: 0xc6120109 }]);
    const s = file('servers', `0x11112222|192.168.1.101|${FP}\r\n0x11113333|fe80::213:72ff:fed6:69ca\r\n`);
    expect(await readServerLists([s], 'any')).toEqual([
      { id: 0x11112222, address: '192.168.1.101', fingerprint: FP },
      { id: 0x11113333, address: 'fe80::213:72ff:fed6:69ca' },
    ]);
  });

  // As the real proxy: IDs in hex without 0x, host names looked up, one server listed on IPv4 and IPv6, and
  // the entries of every -C / -S file adding up.
  it('reads what the real proxy reads: hex IDs without 0x, host names, one ID on two addresses, several files', async () => {
    const s1 = file('servers-a', '11112222|localhost\n0x11112222|fd00::1\n');
    const s2 = file('servers-b', '0x33334444|198.18.250.4\n');
    expect(await readServerLists([s1, s2], 'any')).toEqual([
      { id: 0x11112222, address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) },
      { id: 0x11112222, address: 'fd00::1' },
      { id: 0x33334444, address: '198.18.250.4' },
    ]);
    const c1 = file('clients-a', '1111\n');
    const c2 = file('clients-b', '0x2222\n');
    expect(readClientLists([c1, c2])).toEqual([{ id: 0x1111 }, { id: 0x2222 }]);
  });

  it.each([
    ['clients', '0x1\nbogus\n', "-C PATH line 2: invalid ID 'bogus'"],
    ['clients', '0x1|12:34\n', "-C PATH line 1: invalid fingerprint '12:34'"],
    ['clients', `0x1|${FP}|x\n`, '-C PATH line 1: too many fields'],
    ['clients', '0x1\n\n0x00000001\n', '-C PATH line 3: ID 0x00000001 listed twice'],
  ])('%s %j is refused: %s', (name, text, message) => {
    const path = file(name, text);
    expect(() => readClientLists([path])).toThrow(message.replace('PATH', path));
  });

  it.each([
    ['servers', '0x1\n', '-S PATH line 1: want ID|IP[|fingerprint]'],
    ['servers', '0x1|no-such-host.invalid\n', "-S PATH line 1: invalid name/address 'no-such-host.invalid'"],
    ['servers', '# c\n0x0|198.18.250.1\n', "-S PATH line 2: invalid ID '0x0'"],
    ['servers', '0x1|198.18.250.1\n1|198.18.250.1\n', '-S PATH line 2: server 0x00000001 at 198.18.250.1 listed twice'],
    ['servers', '# nobody\n', '-S: PATH: no servers listed'],
  ])('%s %j is refused: %s', async (name, text, message) => {
    const path = file(name, text);
    await expect(readServerLists([path], 4)).rejects.toThrow(message.replace('PATH', path));
  });
});

describe('prepare', () => {
  it('a client proxy: UID from the first multicast interface, joins on all of them', async () => {
    const setup = await prepare(parseProxydArgs(['-c']), IFACES);
    expect(setup.family).toBe(4);
    expect(setup.config).toEqual({
      mode: 'client', port: 1044, destPort: 1044, publicGroups: ['230.4.4.1'], uid: 0xc6120002,
      heartbeats: [], heartbeatIntervalSec: 20,
    });
    expect(setup.interfaces.map((i) => i.name)).toEqual(['eth0', 'eth1']);
  });

  // strace of the real proxy: IP_MULTICAST_IF is set to the first multicast interface's address in every
  // mode, -I or not, unless -O names another.
  it('without -O the egress is the first multicast interface, as the real proxy sets it, -I or not', async () => {
    expect((await prepare(parseProxydArgs(['-c']), IFACES)).egress?.name).toBe('eth0');
    expect((await prepare(parseProxydArgs(['-s', '198.18.250.9', '-I', 'eth1']), IFACES)).egress?.name).toBe('eth0');
    expect((await prepare(parseProxydArgs(['-r', '-M', 'ff15::4:4:1']), IFACES)).egress?.name).toBe('eth0');
    expect((await prepare(parseProxydArgs(['-c', '-U', '0x1']), [IFACES[0]])).egress).toBeUndefined();
  });

  // strace of the real proxy: -s fd00::2 and -c -O fd00::1 with the default IPv4 -M open AF_INET6 with
  // IPV6_V6ONLY 0 and join the IPv4 groups on it; IPv6 groups stay IPv6-only.
  it('an IPv6 downstream, heartbeat target or -O with IPv4 groups makes a dual-stack IPv6 socket', async () => {
    const pick = async (args: string[]) => {
      const s = await prepare(parseProxydArgs(args), IFACES);
      return { family: s.family, dualStack: s.dualStack };
    };
    expect(await pick(['-s', 'fd00:198:18::9'])).toEqual({ family: 6, dualStack: true });
    expect(await pick(['-c', '-O', 'fd00:198:18::2'])).toEqual({ family: 6, dualStack: true });
    expect(await pick(['-c', '-H', 'fd00:198:18::9'])).toEqual({ family: 6, dualStack: true });
    expect(await pick(['-s', '198.18.250.9'])).toEqual({ family: 4, dualStack: false });
    expect(await pick(['-r', '-M', 'ff15::4:4:1'])).toEqual({ family: 6, dualStack: false });
    const s = await prepare(parseProxydArgs(['-s', 'fd00:198:18::9']), IFACES);
    expect(s.config.downstream).toEqual({ address: 'fd00:198:18::9', port: 1044 });
    expect(s.config.uid).toBe(0xc6120002); // from the IPv4 address, the groups' family
    expect(s.interfaces.map((i) => i.name)).toEqual(['eth0', 'eth1']);
  });

  it('an -I address of the other family names its interface; the proxy stays of the -M family', async () => {
    const setup = await prepare(parseProxydArgs(['-c', '-I', 'fd00:198:18::2']), IFACES);
    expect(setup.family).toBe(4);
    expect(setup.interfaces.map((i) => i.name)).toEqual(['eth0']);
    expect(setup.config.uid).toBe(0xc6120002);
  });

  it('-I picks the interfaces (by name or address) and the UID; -O the egress; -U wins', async () => {
    const setup = await prepare(parseProxydArgs(['-c', '-I', '198.18.1.7', '-O', 'eth0']), IFACES);
    expect(setup.interfaces.map((i) => i.name)).toEqual(['eth1']);
    expect(setup.egress?.name).toBe('eth0');
    expect(setup.config.uid).toBe(0xc6120107);
    expect((await prepare(parseProxydArgs(['-c', '-I', 'eth1', '-U', '0x42']), IFACES)).config.uid).toBe(0x42);
  });

  it('IPv6 public groups make an IPv6 proxy; the UID is the last 4 bytes of the address', async () => {
    const setup = await prepare(parseProxydArgs(['-r', '-M', 'ff15::4:4:1']), IFACES);
    expect(setup.family).toBe(6);
    expect(setup.config.uid).toBe(0x00000002);
    expect(setup.interfaces.map((i) => i.name)).toEqual(['eth0']);
  });

  it('a server proxy: downstream with -q port, heartbeats, lists, -T and the ECDH curve', async () => {
    const c = file('c2', `0x1|${FP}\n`);
    const s = file('s2', '0x2|198.18.250.2\n');
    const setup = await prepare(
      parseProxydArgs(['-s', '198.18.250.9', '-q', '2000', '-H', '198.18.250.11,198.18.250.12:9', '-C', c, '-S', s, '-M', '232.4.4.1', '-T', '30']),
      IFACES,
    );
    expect(setup.config).toMatchObject({
      mode: 'server',
      downstream: { address: '198.18.250.9', port: 2000 },
      destPort: 2000,
      heartbeats: [{ address: '198.18.250.11', port: 1044 }, { address: '198.18.250.12', port: 9 }],
      clientList: [{ id: 1, fingerprint: FP }],
      serverList: [{ id: 2, address: '198.18.250.2' }],
      aggregationPct: 30,
    });
    expect((await prepare(parseProxydArgs(['-r:prime256v1']), IFACES)).config.ecdhCurve).toBe('prime256v1');
  });

  // The real proxy: "Default multicast address 230.4.4.1 invalid for source specific multicast" and
  // "Invalid source specific multicast address: 230.1.1.1" (exit 1); a client proxy does not join -M.
  it('with -S a server or response proxy wants SSM public groups; a client proxy does not', async () => {
    const s = file('s-ssm', '0x2|198.18.250.2\n');
    await expect(prepare(parseProxydArgs(['-s', '198.18.250.9', '-S', s]), IFACES)).rejects.toThrow(
      'Default multicast address 230.4.4.1 invalid for source specific multicast',
    );
    await expect(prepare(parseProxydArgs(['-r', '-S', s, '-M', '232.1.1.1,230.1.1.1']), IFACES)).rejects.toThrow(
      '-M: Invalid source specific multicast address: 230.1.1.1',
    );
    expect((await prepare(parseProxydArgs(['-r', '-S', s, '-M', '232.1.1.1']), IFACES)).config.publicGroups).toEqual(['232.1.1.1']);
    expect((await prepare(parseProxydArgs(['-c', '-S', s]), IFACES)).config.serverList).toEqual([{ id: 2, address: '198.18.250.2' }]);
  });

  it('no multicast interface and no -U is an error naming -U', async () => {
    await expect(prepare(parseProxydArgs(['-c']), [IFACES[0]])).rejects.toThrow('-U: no multicast interface');
  });
});

describe('keys', () => {
  it('neither -k nor -K: one RSA-512 key, logged as the real proxy does', async () => {
    const { config, keys } = loadProxyKeys(await prepare(parseProxydArgs(['-c']), IFACES));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ type: 'rsa', bits: 512 });
    expect(config.keys).toBe(keys);
    expect(describeLoadedKey(keys[0])).toMatch(/^Loaded 512 bit RSA key with fingerprint ([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  });

  it('-k reads the files in order; the fingerprint is that of the file\'s key', async () => {
    const ec = generateKey({ type: 'ec', curve: 'prime256v1' });
    const path = file('ec.pem', privateKeyPem(ec));
    const { keys } = loadProxyKeys(await prepare(parseProxydArgs(['-c', '-k', path]), IFACES));
    expect(keys.map((k) => [k.type, k.curve, k.fingerprint])).toEqual([['ec', 'prime256v1', fingerprint(ec)]]);
    expect(describeLoadedKey(keys[0])).toBe(`Loaded ECDSA key with curve prime256v1 and fingerprint ${fingerprint(ec)}`);
  });

  it('-k with -K writes each new key to its file; -K alone keeps nothing', async () => {
    const out = join(dir, 'new-ec.pem');
    const { keys } = loadProxyKeys(await prepare(parseProxydArgs(['-c', '-k', out, '-K', 'ec:secp384r1']), IFACES));
    expect(keys[0].curve).toBe('secp384r1');
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    const twoKeys = loadProxyKeys(await prepare(parseProxydArgs(['-c', '-K', 'rsa:1024,ec:prime256v1']), IFACES)).keys;
    expect(twoKeys.map((k) => k.bits ?? k.curve)).toEqual([1024, 'prime256v1']);
  });
});
