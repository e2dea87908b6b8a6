// Key blobs, fingerprints, signatures, key exchanges and handshake values on real keys.
import { constants, createHash, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'crypto';
import {
  decryptGroupMaster,
  decryptPremaster,
  ecdhPremaster,
  encryptGroupMaster,
  encryptPremaster,
  fingerprint,
  generateEcdhKey,
  groupKeys,
  importKeyBlob,
  keyBlob,
  keyinfoAckVerifyData,
  newGroupMaster,
  newPremaster,
  newRandom,
  prf,
  rsaPaddingFor,
  signatureLength,
  signClientKey,
  signMessage,
  verifyClientKey,
  verifyData,
  verifyMessage,
} from '../../lib/crypto';

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
const ec = (curve: string) => generateKeyPairSync('ec', { namedCurve: curve });

describe('key blobs and fingerprints', () => {
  it('RSA blob: 1 | 0 | modulus length | exponent | modulus', () => {
    const { privateKey } = rsa(1024);
    const blob = keyBlob(privateKey);
    expect(blob.subarray(0, 8).toString('hex')).toBe('0100008000010001');
    expect(blob.length).toBe(8 + 128);
    const back = importKeyBlob(Buffer.concat([blob, Buffer.from('trailer')]));
    expect(back.length).toBe(blob.length);
    expect(keyBlob(back.key)).toEqual(blob);
  });

  for (const [curve, id, keyLen, padded] of [
    ['prime256v1', 23, 64, 64],
    ['secp521r1', 25, 132, 132],
    ['sect163k1', 1, 42, 44],
    ['secp160k1', 15, 40, 40],
  ] as const) {
    it(`EC blob on ${curve}: curve ${id}, key length ${keyLen}, padded to ${padded}`, () => {
      const { privateKey } = ec(curve);
      const blob = keyBlob(privateKey);
      expect([blob[0], blob[1], blob.readUInt16BE(2), blob.length]).toEqual([2, id, keyLen, 4 + padded]);
      const back = importKeyBlob(blob);
      expect(keyBlob(back.key)).toEqual(blob);
      expect(fingerprint(privateKey)).toBe(createHash('sha1').update(blob).digest('hex').toUpperCase().match(/../g)!.join(':'));
    });
  }

  it('rejects malformed blobs with KeyBlobError', () => {
    const blob = keyBlob(ec('prime256v1').publicKey);
    const offCurve = Buffer.from(blob);
    offCurve[10] ^= 0xff;
    for (const bad of [Buffer.alloc(2), Buffer.from([3, 0, 0, 4, 0, 0, 0, 0]), blob.subarray(0, 40), offCurve, Buffer.from([2, 99, 0, 0])]) {
      expect(() => importKeyBlob(bad)).toThrow(expect.objectContaining({ name: 'KeyBlobError' }));
    }
  });
});

describe('signatures', () => {
  for (const [label, pair] of [
    ['RSA 512', rsa(512)],
    ['RSA 2048', rsa(2048)],
    ['ECDSA prime256v1', ec('prime256v1')],
    ['ECDSA secp521r1', ec('secp521r1')],
    ['ECDSA sect233k1', ec('sect233k1')],
  ] as const) {
    it(`${label}: fixed-size signatures that verify, and fail on any change`, () => {
      const data = randomBytes(300);
      // A 512-bit RSA key is too small for a SHA-384/512 DigestInfo (OpenSSL refuses, so does UFTP).
      const hashes = label === 'RSA 512' ? (['sha1', 'sha256'] as const) : (['sha1', 'sha256', 'sha512'] as const);
      for (const hash of hashes) {
        const sig = signMessage(hash, pair.privateKey, data);
        expect(sig.length).toBe(signatureLength(pair.publicKey));
        expect(verifyMessage(hash, pair.publicKey, data, sig)).toBe(true);
        const other = Buffer.from(data);
        other[7] ^= 4;
        expect(verifyMessage(hash, pair.publicKey, other, sig)).toBe(false);
        expect(verifyMessage(hash, pair.publicKey, data, sig.subarray(0, 3))).toBe(false);
      }
    });
  }

  it('ECDSA layout is rlen | slen | r | s', () => {
    const { privateKey, publicKey } = ec('prime256v1');
    const sig = signMessage('sha256', privateKey, Buffer.from('x'));
    const rLen = sig.readUInt16BE(0);
    const sLen = sig.readUInt16BE(2);
    expect(rLen).toBeLessThanOrEqual(32);
    expect(sLen).toBeLessThanOrEqual(32);
    expect(sig.subarray(4 + rLen + sLen).every((b) => b === 0)).toBe(true);
    expect(verifyMessage('sha256', publicKey, Buffer.from('x'), sig)).toBe(true);
  });
});

describe('key exchange', () => {
  it('RSA under 768 bits pads with PKCS#1 v1.5, from 768 bits with OAEP', () => {
    expect(rsaPaddingFor(rsa(512).publicKey)).toBe('pkcs1');
    expect(rsaPaddingFor(rsa(760).publicKey)).toBe('pkcs1');
    expect(rsaPaddingFor(rsa(768).publicKey)).toBe('oaep');
  });

  it('RSA 512: a premaster encrypted with plain OpenSSL PKCS#1 comes back', () => {
    const { privateKey, publicKey } = rsa(512);
    const premaster = newPremaster(0x40);
    const ct = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, premaster);
    expect(decryptPremaster(privateKey, ct)).toEqual(premaster);
    expect(decryptPremaster(privateKey, encryptPremaster(publicKey, premaster))).toEqual(premaster);
  });

  it('RSA 512: bad padding gives a random premaster, not an error', () => {
    const { privateKey, publicKey } = rsa(512);
    const premaster = newPremaster(0x40);
    const wrongLength = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, premaster.subarray(1));
    const a = decryptPremaster(privateKey, wrongLength);
    expect(a.length).toBe(48);
    expect(a).not.toEqual(decryptPremaster(privateKey, wrongLength));
  });

  it('RSA 1024: OAEP with SHA-1, readable by OpenSSL', () => {
    const { privateKey, publicKey } = rsa(1024);
    const premaster = newPremaster(0x40);
    const ct = encryptPremaster(publicKey, premaster);
    expect(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ct)).toEqual(premaster);
    expect(decryptPremaster(privateKey, ct)).toEqual(premaster);
  });

  for (const curve of ['prime256v1', 'secp384r1', 'sect283k1', 'secp160r1']) {
    it(`ECDH on ${curve}: both sides get the same 20-byte premaster`, () => {
      const server = generateEcdhKey(curve);
      const client = generateEcdhKey(curve);
      const viaBlob = importKeyBlob(keyBlob(client.publicKey)).key;
      const a = ecdhPremaster(server.privateKey, viaBlob);
      const b = ecdhPremaster(client.privateKey, server.publicKey);
      expect(a.length).toBe(20);
      expect(a).toEqual(b);
    });
  }
});

describe('handshake values', () => {
  const values = {
    groupId: 0x12345678,
    privateAddress: Buffer.from([230, 5, 5, 1]),
    serverRandom: newRandom(),
    clientRandom: newRandom(),
    premaster: newPremaster(0x40),
  };

  it('randoms start with the UNIX time', () => {
    expect(newRandom(1_700_000_000_123).readUInt32LE(0)).toBe(1_700_000_000);
  });

  it('verify data concatenates the values in spec order', () => {
    const v = verifyData(values);
    expect(v.length).toBe(4 + 4 + 32 + 32 + 48);
    expect(v.subarray(0, 8).toString('hex')).toBe('12345678e6050501');
    expect(() => verifyData({ ...values, privateAddress: Buffer.alloc(5) })).toThrow(/4 or 16/);
  });

  it('CLIENT_KEY signature verifies against the same values only', () => {
    const { privateKey, publicKey } = rsa(1024);
    const sig = signClientKey('sha256', privateKey, values);
    expect(verifyClientKey('sha256', publicKey, values, sig)).toBe(true);
    expect(verifyClientKey('sha256', publicKey, { ...values, groupId: 1 }, sig)).toBe(false);
  });

  for (const cipher of ['aes-128-gcm', 'aes-256-cbc', 'des-ede3-cbc'] as const) {
    it(`${cipher}: group master travels as 48 bytes and comes back`, () => {
      const clientKeys = groupKeys('sha256', cipher, randomBytes(48), randomBytes(32));
      const gm = newGroupMaster(0x40);
      const enc = encryptGroupMaster(clientKeys, gm, 77n, 0x0a0b0c01);
      expect(enc.length).toBe(48);
      expect(decryptGroupMaster(clientKeys, enc, 77n, 0x0a0b0c01, 0x40)).toEqual(gm);
      // Another IV changes the first block (CBC padding may still pass): never the same master.
      let other: Buffer | undefined;
      try {
        other = decryptGroupMaster(clientKeys, enc, 78n, 0x0a0b0c01, 0x40);
      } catch {
        other = undefined;
      }
      expect(other).not.toEqual(gm);
    });
  }

  it('KEYINFO_ACK verify data = PRF(group master, "client finished", Hash(values))[0..11]', () => {
    const gm = newGroupMaster(0x40);
    const full = { ...values, groupMaster: gm };
    const expected = prf('sha384', gm, 'client finished', createHash('sha384').update(verifyData(full)).digest(), 12);
    expect(keyinfoAckVerifyData('sha384', full)).toEqual(expected);
    expect(keyinfoAckVerifyData('sha384', { ...full, clientKeyBlob: Buffer.alloc(8) })).not.toEqual(expected);
  });
});
