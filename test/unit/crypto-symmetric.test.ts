// Ciphers and IVs: round trips for every UFTP cipher Node offers, tag and padding failures,
// and the three IV layouts of protocol.txt section 4 byte by byte.
import { createDecipheriv, getCiphers, randomBytes } from 'crypto';
import { assertCipherAvailable, buildIv, CipherName, cipherSpec, decryptBlock, encryptBlock } from '../../lib/crypto';

const ALL: CipherName[] = ['des-cbc', 'des-ede3-cbc', 'aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm', 'aes-128-ccm', 'aes-256-ccm'];
const AVAILABLE = ALL.filter((c) => getCiphers().includes(c));

describe('buildIv', () => {
  const salt = Buffer.from('a1b2c3d4', 'hex');
  it('128-bit: salt | source id | counter', () => {
    expect(buildIv(salt, 16, 0x0102030405060708n, 0x0a0b0c0d).toString('hex')).toBe('a1b2c3d40a0b0c0d0102030405060708');
  });
  it('96-bit: (salt xor source id) | counter', () => {
    expect(buildIv(salt, 12, 5n, 0xffffffff).toString('hex')).toBe('5e4d3c2b0000000000000005');
  });
  it('64-bit: (salt | source id) xor counter', () => {
    expect(buildIv(salt, 8, 0xff00000000000001n, 0x01020304).toString('hex')).toBe('5eb2c3d401020305');
  });
  it('rejects other lengths and salts', () => {
    expect(() => buildIv(salt, 10, 1n, 1)).toThrow(/10 bytes/);
    expect(() => buildIv(Buffer.alloc(3), 16, 1n, 1)).toThrow(/salt/);
  });
});

describe('encryptBlock / decryptBlock', () => {
  it('offers all AES and 3DES ciphers', () => {
    expect(AVAILABLE).toEqual(expect.arrayContaining(ALL.filter((c) => c !== 'des-cbc')));
  });

  for (const cipher of AVAILABLE) {
    const spec = cipherSpec(cipher);
    it(`${cipher}: round trips 0..70 bytes and detects tampering`, () => {
      const key = randomBytes(spec.keyLen);
      const iv = randomBytes(spec.ivLen);
      const aad = randomBytes(28);
      for (const len of spec.mode === 'ccm' ? [1, 15, 16, 17, 47, 70] : [0, 1, 15, 16, 17, 47, 70]) {
        const plain = randomBytes(len);
        const sealed = encryptBlock(cipher, key, iv, plain, aad);
        expect(decryptBlock(cipher, key, iv, sealed, aad)).toEqual(plain);
        if (spec.mode === 'cbc') {
          expect(sealed.length).toBe((Math.floor(len / spec.blockSize) + 1) * spec.blockSize);
        } else {
          expect(sealed.length).toBe(len + 16);
          const flipped = Buffer.from(sealed);
          flipped[flipped.length - 1 - (len % 7)] ^= 1;
          expect(() => decryptBlock(cipher, key, iv, flipped, aad)).toThrow();
          const otherAad = Buffer.from(aad);
          otherAad[3] ^= 0x80;
          expect(() => decryptBlock(cipher, key, iv, sealed, otherAad)).toThrow();
        }
      }
    });
  }

  it('CBC output is plain PKCS#7 CBC (what OpenSSL EVP gives the C programs)', () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const plain = Buffer.from('forty-seven bytes of group master, give or take');
    const sealed = encryptBlock('aes-128-cbc', key, iv, plain);
    const d = createDecipheriv('aes-128-cbc', key, iv);
    expect(Buffer.concat([d.update(sealed), d.final()])).toEqual(plain);
  });

  it('CCM refuses empty messages (OpenSSL 3.0 cannot seal them; UFTP never sends one)', () => {
    expect(() => encryptBlock('aes-128-ccm', randomBytes(16), randomBytes(12), Buffer.alloc(0))).toThrow(/empty/);
    expect(() => decryptBlock('aes-128-ccm', randomBytes(16), randomBytes(12), randomBytes(16))).toThrow(/empty/);
  });

  it('GCM authenticates the additional data without encrypting it', () => {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const sealed = encryptBlock('aes-128-gcm', key, iv, Buffer.from('x'), Buffer.alloc(28, 1));
    expect(() => decryptBlock('aes-128-gcm', key, iv, sealed)).toThrow();
  });

  it('single DES either works or says it needs the legacy provider', () => {
    if (getCiphers().includes('des-cbc')) {
      expect(() => assertCipherAvailable('des-cbc')).not.toThrow();
    } else {
      expect(() => encryptBlock('des-cbc', Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8))).toThrow(/legacy provider/);
    }
  });
});
