// uftp_keymgt's command line and file handling: the man page's forms, and clear errors with
// exit status 1 for bad options, bad specs and bad files.
import { generateKeyPairSync } from 'crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../lib/cli/keymgt/main';
import { parseKeymgtArgs } from '../../lib/cli/keymgt/options';

function run(...args: string[]): { status: number; err: string } {
  let err = '';
  const status = main(args, (t) => (err += t));
  return { status, err };
}

describe('uftp_keymgt', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keymgt-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses the three forms, -m anywhere, bundled and attached option values', () => {
    expect(parseKeymgtArgs(['a', '-m', 'b'])).toEqual({ mode: 'list', files: ['a', 'b'], systemStore: true });
    expect(parseKeymgtArgs(['-mgec:secp256r1', 'k'])).toEqual({ mode: 'generate', spec: { type: 'ec', curve: 'secp256r1' }, file: 'k', systemStore: true });
    expect(parseKeymgtArgs(['-d', 'k'])).toEqual({ mode: 'delete', file: 'k', systemStore: false });
    expect(parseKeymgtArgs([])).toEqual({ mode: 'list', files: [], systemStore: false });
  });

  it('generates PKCS#1 RSA and SEC1 EC PEM files, mode 0600, and never overwrites', () => {
    const r = join(dir, 'r.pem');
    const e = join(dir, 'e.pem');
    expect(run('-g', 'rsa:1000', r)).toMatchObject({ status: 0, err: expect.stringMatching(/^.*r\.pem: RSA, 1000 bits, fingerprint: /) });
    expect(run('-g', 'ec:secp256r1', e)).toMatchObject({ status: 0, err: expect.stringContaining('ECDSA, curve prime256v1') });
    expect(readFileSync(r, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(readFileSync(e, 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(statSync(r).mode & 0o777).toBe(0o600);
    const before = readFileSync(r, 'utf8');
    expect(run('-g', 'rsa:512', r)).toEqual({ status: 1, err: expect.stringContaining('already exists') });
    expect(readFileSync(r, 'utf8')).toBe(before);
  });

  it('reads PKCS#8 keys and reports RSA sizes as whole bytes, like the real tool', () => {
    const p8 = join(dir, 'p8.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 513 });
    writeFileSync(p8, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(run(p8).err).toMatch(/p8\.pem: RSA, 520 bits, fingerprint: /);
  });

  it('bad key specifications name what is wrong and exit 1', () => {
    const k = join(dir, 'k');
    expect(run('-g', 'dsa:1024', k)).toEqual({ status: 1, err: expect.stringContaining("invalid key specification 'dsa:1024'") });
    expect(run('-g', 'rsa:abc', k)).toEqual({ status: 1, err: expect.stringContaining("invalid key size 'abc'") });
    expect(run('-g', 'rsa:511', k)).toEqual({ status: 1, err: expect.stringContaining('511 is outside 512-2048') });
    expect(run('-g', 'rsa:4096', k)).toMatchObject({ status: 1 });
    expect(run('-g', 'ec:brainpoolP256r1', k)).toEqual({ status: 1, err: expect.stringContaining("curve 'brainpoolP256r1'") });
    expect(run('-g', 'rsa:512')).toEqual({ status: 1, err: expect.stringContaining('no key_file') });
    expect(existsSync(k)).toBe(false);
  });

  it('bad options print the option and the usage, exit 1', () => {
    expect(run('-x')).toEqual({ status: 1, err: expect.stringMatching(/invalid option -- 'x'\nUsage: uftp_keymgt/) });
    expect(run('-g')).toEqual({ status: 1, err: expect.stringContaining("option requires an argument -- 'g'") });
    expect(run('-g', 'rsa:512', 'a', 'b')).toMatchObject({ status: 1 });
    expect(run('-d', 'a', '-g', 'rsa:512')).toMatchObject({ status: 1 });
  });

  it('bad files: missing, not PEM, not RSA/EC, encrypted; the good ones still list', () => {
    const good = join(dir, 'good.pem');
    run('-g', 'ec:prime256v1', good);
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'hello\n');
    const ed = join(dir, 'ed.pem');
    writeFileSync(ed, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const locked = join(dir, 'locked.pem');
    writeFileSync(
      locked,
      generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }),
    );
    const { status, err } = run(join(dir, 'missing'), junk, good, ed, locked);
    expect(status).toBe(1);
    const lines = err.trim().split('\n');
    expect(lines[0]).toMatch(/missing: cannot read key file: .*no such file/i);
    expect(lines[1]).toMatch(/junk: not a PEM private key file/);
    expect(lines[2]).toMatch(/good\.pem: ECDSA, curve prime256v1, fingerprint: /);
    expect(lines[3]).toMatch(/ed\.pem: it holds an ed25519 key, not an RSA or EC key/);
    expect(lines[4]).toMatch(/locked\.pem: cannot load private key: it is encrypted/);
  });

  it('-d deletes a key file, and refuses files that are not keys', () => {
    const k = join(dir, 'k.pem');
    run('-g', 'rsa:512', k);
    expect(run('-d', k)).toEqual({ status: 0, err: '' });
    expect(existsSync(k)).toBe(false);
    const notKey = join(dir, 'notes.txt');
    writeFileSync(notKey, 'keep me');
    expect(run('-d', notKey)).toEqual({ status: 1, err: expect.stringContaining('not deleted') });
    expect(existsSync(notKey)).toBe(true);
  });
});
