// -k / -K shared by uftpd and uftpproxyd: parsing -K, checking before start, loading, and which failures
// are KeyDataErrors (exit 3) rather than UsageErrors (exit 1).
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, generateKey, privateKeyPem } from '../../lib/crypto';
import { checkKeyOptions, describeLoadedKey, loadKeys, parseCurve, parseKeySpecs } from '../../lib/cli/common/keys';
import { failureOf } from '../../lib/cli/common/failure';
import { LogFileError } from '../../lib/cli/common/log-file';
import { NetworkError } from '../../lib/cli/common/socket';
import { ExitCode, KeyDataError, UsageError } from '../../lib/cli/exit';

let dir: string;
let rsaFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-keys-'));
  rsaFile = join(dir, 'rsa.pem');
  writeFileSync(rsaFile, privateKeyPem(generateKey({ type: 'rsa', bits: 512 })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseKeySpecs', () => {
  it('takes rsa:512-2048 and the curves UFTP names (aliases made canonical)', () => {
    expect(parseKeySpecs('K', 'rsa:512,rsa:2048,ec:secp256r1,ec:sect163k1')).toEqual([
      { type: 'rsa', bits: 512 }, { type: 'rsa', bits: 2048 }, { type: 'ec', curve: 'prime256v1' }, { type: 'ec', curve: 'sect163k1' },
    ]);
    expect(parseCurve('e', 'secp521r1')).toBe('secp521r1');
  });

  it.each([
    ['rsa:511', "-K: invalid RSA key size '511': must be 512-2048"],
    ['rsa:2049', "-K: invalid RSA key size '2049': must be 512-2048"],
    ['rsa:abc', "-K: invalid RSA key size 'abc': not an integer"],
    ['ec:foo', "-K: invalid EC curve 'foo'"],
    ['dsa:1024', "-K: invalid key specification 'dsa:1024': want rsa:key_length or ec:curve"],
    ['rsa:', "-K: invalid key specification 'rsa:'"],
    ['rsa:512,', "-K: empty item in list 'rsa:512,'"],
  ])('%s is a UsageError: %s', (text, message) => {
    expect(() => parseKeySpecs('K', text)).toThrow(UsageError);
    expect(() => parseKeySpecs('K', text)).toThrow(message);
  });
});

describe('checkKeyOptions', () => {
  it('passes readable key files, and new files to write', () => {
    expect(() => checkKeyOptions([rsaFile], [])).not.toThrow();
    expect(() => checkKeyOptions([join(dir, 'new.pem')], [{ type: 'rsa', bits: 512 }])).not.toThrow();
    expect(() => checkKeyOptions([], [])).not.toThrow();
    expect(existsSync(join(dir, 'new.pem'))).toBe(false);
  });

  it.each([
    ['unreadable', () => checkKeyOptions(['/nonexistent/k.pem'], []), '-k: /nonexistent/k.pem: cannot read key file'],
    ['a PEM file that holds no key', () => checkKeyOptions([garbage()], []), 'garbage.pem: cannot load private key'],
    ['a directory', () => checkKeyOptions([dir], []), 'cannot read key file: EISDIR'],
    ['-k and -K over an existing file', () => checkKeyOptions([rsaFile], [{ type: 'rsa', bits: 512 }]), 'key file already exists, will not overwrite it'],
  ])('%s is a KeyDataError', (_what, check, message) => {
    expect(check).toThrow(KeyDataError);
    expect(check).toThrow(message);
  });

  function garbage(): string {
    const path = join(dir, 'garbage.pem');
    writeFileSync(path, '-----BEGIN RSA PRIVATE KEY-----\nnot base64 at all\n-----END RSA PRIVATE KEY-----\n');
    return path;
  }
});

describe('loadKeys', () => {
  it('reads -k files; generates -K keys and writes them to -k files; neither gives one RSA-512 key', () => {
    expect(loadKeys([rsaFile], [])[0].fingerprint).toBe(fingerprint(createPrivateKey(readFileSync(rsaFile))));
    const out = join(dir, 'gen.pem');
    const [key] = loadKeys([out], [{ type: 'ec', curve: 'prime256v1' }]);
    expect(key).toMatchObject({ type: 'ec', curve: 'prime256v1' });
    expect(readFileSync(out, 'utf8')).toContain('BEGIN EC PRIVATE KEY');
    expect(loadKeys([], []).map((k) => [k.type, k.bits])).toEqual([['rsa', 512]]);
    expect(describeLoadedKey(key)).toBe(`Loaded ECDSA key with curve prime256v1 and fingerprint ${key.fingerprint}`);
  });

  it('a key that cannot be generated, or written, is a KeyDataError', () => {
    const broken = (): never => {
      throw new Error('no such curve here');
    };
    expect(() => loadKeys([], [{ type: 'ec', curve: 'sect571r1' }], broken)).toThrow(new KeyDataError('-K: cannot generate a ec:sect571r1 key: no such curve here'));
    expect(() => loadKeys(['/nonexistent/dir/k.pem'], [{ type: 'rsa', bits: 512 }])).toThrow(KeyDataError);
    expect(() => loadKeys(['/nonexistent/dir/k.pem'], [{ type: 'rsa', bits: 512 }])).toThrow('-k: /nonexistent/dir/k.pem: cannot create key file');
  });
});

describe('failureOf', () => {
  it('maps each error class to the pages\' exit status; usage text only for a bad command line', () => {
    expect(failureOf(new UsageError('u'))).toEqual({ message: 'u', code: ExitCode.USAGE, showUsage: true });
    expect(failureOf(new KeyDataError('k'))).toEqual({ message: 'k', code: ExitCode.CRYPTO, showUsage: false });
    expect(failureOf(new NetworkError('n'))).toEqual({ message: 'n', code: ExitCode.NETWORK, showUsage: false });
    expect(failureOf(new LogFileError('l'))).toEqual({ message: 'l', code: ExitCode.LOG, showUsage: false });
    expect(failureOf(new Error('bug')).code).toBe(ExitCode.INTERNAL);
  });
});
