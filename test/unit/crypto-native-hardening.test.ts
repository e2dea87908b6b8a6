// The addon's cipher contexts take only the modes UFTP uses (key-wrap modes write past the output
// bound the context promises), and a message that fails to open leaves no unauthenticated plaintext
// behind, neither in a separate output buffer nor in place.
import { createCipheriv, randomBytes } from 'crypto';
import { nativeCrypto, NativeCryptoAddon } from '../../lib/crypto/native-cipher';
import { nodeSeal } from '../helpers/node-seal';
import { expectError } from '../helpers/realm-error';

const addon = nativeCrypto() as NativeCryptoAddon;

describe('only the protocol\'s ciphers', () => {
  it.each([
    ['aes-128-wrap-pad', 16],
    ['aes-256-wrap', 32],
    ['des3-wrap', 24],
    ['aes-128-ctr', 16],
    ['aes-128-ecb', 16],
    ['aes-128-ofb', 16],
    ['aes-128-cbc-cts', 16],
    ['chacha20', 32],
  ])('refuses %s with a clear TypeError', (name, keyLen) => {
    for (const decrypt of [false, true]) {
      expectError('TypeError', () => new addon.CipherContext(name, randomBytes(keyLen), decrypt), /not one UFTP uses/);
    }
  });

  it('takes every cipher UFTP uses, whatever the case of its name', () => {
    const names = ['aes-128-cbc', 'aes-256-cbc', 'des-ede3-cbc', 'aes-128-gcm', 'aes-256-gcm', 'aes-128-ccm', 'AES-256-CCM'];
    const keyLen = (n: string) => (n.includes('des') ? 24 : n.includes('128') ? 16 : 32);
    for (const name of names) expect(() => new addon.CipherContext(name, randomBytes(keyLen(name)), true)).not.toThrow();
  });
});

describe('a failed open leaves no plaintext', () => {
  const plain = Buffer.alloc(96, 'secret plaintext ');

  it.each(['aes-128-gcm', 'aes-256-ccm'])('%s: a bad tag leaves out (and an in-place range) without the plaintext', (name) => {
    const key = randomBytes(name.includes('128') ? 16 : 32);
    const iv = randomBytes(12);
    const sealed = nodeSeal(name, key, iv, plain, Buffer.alloc(0));
    sealed[sealed.length - 1] ^= 1;
    const ctx = new addon.CipherContext(name, key, true);
    const out = Buffer.alloc(plain.length, 0xaa);
    expect(ctx.open(iv, null, sealed, out)).toBe(-1);
    expect(out.includes(plain.subarray(0, 16))).toBe(false);
    const data = Buffer.from(sealed);
    expect(ctx.openRange(data, 0, 0, 0, data.length, iv)).toBe(-1);
    expect(data.includes(plain.subarray(0, 16))).toBe(false);
  });

  it('aes-256-cbc: bad padding leaves no decrypted block behind', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    // No padding at all: the last block's last byte is 0, which no PKCS#7 padding ends in.
    const raw = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    const sealed = Buffer.concat([raw.update(Buffer.concat([plain, Buffer.alloc(16)])), raw.final()]);
    const ctx = new addon.CipherContext('aes-256-cbc', key, true);
    const out = Buffer.alloc(sealed.length, 0xaa);
    expect(ctx.open(iv, null, sealed, out)).toBe(-1);
    expect(out.includes(plain.subarray(0, 16))).toBe(false);
    const data = Buffer.from(sealed);
    expect(ctx.openRange(data, 0, 0, 0, data.length, iv)).toBe(-1);
    expect(data.includes(plain.subarray(0, 16))).toBe(false);
  });
});
