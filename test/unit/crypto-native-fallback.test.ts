// Without the addon's contexts (UFTP_NATIVE_CRYPTO=0 stands in for an addon that is missing or too old)
// block encryption and ENCRYPTED wrap/unwrap fall back to node:crypto, and both paths give the same bytes.
import { randomBytes } from 'crypto';
import * as nativeSymmetric from '../../lib/crypto/symmetric';
import * as nativeEncrypted from '../../lib/protocol/encrypted';
import { nativeCryptoStatus } from '../../lib/crypto/native-cipher';
import { CipherName, cipherSpec, groupKeys, HashName, ReplayWindow } from '../../lib/crypto';
import { MessageType, SigType, UFTP_VERSION } from '../../lib/protocol/constants';
import { loadWithoutAddon } from '../helpers/without-addon';

type Symmetric = typeof nativeSymmetric;
type Encrypted = typeof nativeEncrypted;
type NativeCipherModule = typeof import('../../lib/crypto/native-cipher');

const fallback = loadWithoutAddon(() => ({
  symmetric: require('../../lib/crypto/symmetric') as Symmetric,
  encrypted: require('../../lib/protocol/encrypted') as Encrypted,
  nativeCipher: require('../../lib/crypto/native-cipher') as NativeCipherModule,
}));
const CIPHERS: CipherName[] = ['des-ede3-cbc', 'aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm', 'aes-128-ccm', 'aes-256-ccm'];

it('says which path each module set uses', () => {
  expect(nativeCryptoStatus()).toBe('native OpenSSL contexts');
  expect(fallback.nativeCipher.nativeCryptoStatus()).toBe('node:crypto (UFTP_NATIVE_CRYPTO=0)');
  expect(fallback.nativeCipher.nativeCrypto()).toBeUndefined();
  expect(fallback.nativeCipher.cipherContext('aes-128-gcm', randomBytes(16), true)).toBeUndefined();
  expect(fallback.nativeCipher.hmacContext('sha256', randomBytes(16))).toBeUndefined();
});

it.each(CIPHERS)('%s: both paths seal the same bytes and open each other', (cipher) => {
  const spec = cipherSpec(cipher);
  const key = randomBytes(spec.keyLen);
  for (const len of [1, 16, 100, 1308]) {
    const iv = randomBytes(spec.ivLen);
    const aad = randomBytes(28);
    const plain = randomBytes(len);
    const sealed = nativeSymmetric.encryptBlock(cipher, key, iv, plain, aad);
    expect(fallback.symmetric.encryptBlock(cipher, key, iv, plain, aad)).toEqual(sealed);
    expect(fallback.symmetric.decryptBlock(cipher, key, iv, sealed, aad)).toEqual(plain);
    expect(nativeSymmetric.decryptBlock(cipher, key, iv, sealed, aad)).toEqual(plain);
    if (spec.mode !== 'cbc') {
      const bad = Buffer.from(sealed);
      bad[0] ^= 1;
      expect(() => fallback.symmetric.decryptBlock(cipher, key, iv, bad, aad)).toThrow();
      expect(() => nativeSymmetric.decryptBlock(cipher, key, iv, bad, aad)).toThrow();
    }
  }
});

const SETUPS: { cipher: CipherName; hash: HashName; sig: SigType }[] = [
  { cipher: 'aes-128-gcm', hash: 'sha256', sig: SigType.AUTHENC },
  { cipher: 'aes-256-ccm', hash: 'sha384', sig: SigType.AUTHENC },
  { cipher: 'aes-256-cbc', hash: 'sha256', sig: SigType.HMAC },
  { cipher: 'aes-128-cbc', hash: 'sha1', sig: SigType.HMAC },
];

it.each(SETUPS)('ENCRYPTED $cipher/$hash: both paths wrap the same packet and unwrap each other', ({ cipher, hash, sig }) => {
  const keys = groupKeys(hash, cipher, randomBytes(48), randomBytes(32));
  const header = { version: UFTP_VERSION, func: MessageType.FILESEG, seq: 3, srcId: 0x1234abcd, groupId: 9, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 };
  for (let counter = 1n; counter < 20n; counter++) {
    const inner = randomBytes(Number(counter) * 67);
    const packet = nativeEncrypted.wrap(header, inner, keys, counter, sig);
    expect(fallback.encrypted.wrap(header, inner, keys, counter, sig)).toEqual(packet);
    for (const side of [nativeEncrypted, fallback.encrypted]) {
      const opened = side.unwrap(packet, keys, new ReplayWindow(), sig);
      expect(opened.ok && opened.value).toEqual(inner);
      const bad = Buffer.from(packet);
      bad[bad.length - 5] ^= 4;
      const refused = side.unwrap(bad, keys, new ReplayWindow(), sig);
      expect(refused.ok ? 'ok' : refused.error.kind).toBe('crypto');
    }
  }
});
