// The addon's reusable cipher and HMAC contexts against node:crypto: the same bytes for every cipher,
// a new IV per message on one keyed context, -1 (never a throw) for what does not authenticate,
// TypeError for arguments that do not fit, and contexts that are safe to close and to collect.
import { createCipheriv, createHmac, randomBytes } from 'crypto';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { nativeCrypto, nativeCryptoStatus, NativeCryptoAddon } from '../../lib/crypto/native-cipher';
import { nodeSeal } from '../helpers/node-seal';
import { expectError } from '../helpers/realm-error';

const addon = nativeCrypto() as NativeCryptoAddon;

interface Case {
  name: string;
  keyLen: number;
  ivLen: number;
  aead: boolean;
  ccm?: boolean;
}

const CASES: Case[] = [
  { name: 'aes-128-gcm', keyLen: 16, ivLen: 12, aead: true },
  { name: 'aes-256-gcm', keyLen: 32, ivLen: 12, aead: true },
  { name: 'aes-128-ccm', keyLen: 16, ivLen: 12, aead: true, ccm: true },
  { name: 'aes-256-ccm', keyLen: 32, ivLen: 12, aead: true, ccm: true },
  { name: 'aes-128-cbc', keyLen: 16, ivLen: 16, aead: false },
  { name: 'aes-256-cbc', keyLen: 32, ivLen: 16, aead: false },
  { name: 'des-ede3-cbc', keyLen: 24, ivLen: 8, aead: false },
];

function sealNative(ctx: InstanceType<NativeCryptoAddon['CipherContext']>, iv: Buffer, aad: Buffer | null, plain: Buffer): Buffer {
  const out = Buffer.alloc(ctx.outputLength(plain.length));
  return out.subarray(0, ctx.seal(iv, aad, plain, out));
}

it('the addon offers the contexts', () => {
  expect(nativeCryptoStatus()).toBe('native OpenSSL contexts');
  expect(typeof addon.CipherContext).toBe('function');
});

describe.each(CASES)('$name', (c) => {
  const key = randomBytes(c.keyLen);
  const lengths = c.ccm ? [1, 15, 16, 17, 100, 1308] : [0, 1, 15, 16, 17, 100, 1308];

  it('seals what node:crypto seals and opens it again, one keyed context for many IVs', () => {
    const seal = new addon.CipherContext(c.name, key, false);
    const open = new addon.CipherContext(c.name, key, true);
    for (let round = 0; round < 3; round++) {
      for (const len of lengths) {
        const iv = randomBytes(c.ivLen);
        const aad = c.aead ? randomBytes(len % 3 === 0 ? 0 : 28) : Buffer.alloc(0);
        const plain = randomBytes(len);
        const sealed = sealNative(seal, iv, c.aead ? aad : null, plain);
        expect(sealed).toEqual(nodeSeal(c.name, key, iv, plain, aad));
        const back = Buffer.alloc(open.outputLength(sealed.length));
        const n = open.open(iv, c.aead ? aad : null, sealed, back);
        expect(back.subarray(0, n)).toEqual(plain);
      }
    }
  });

  it('opens in place', () => {
    const iv = randomBytes(c.ivLen);
    const plain = randomBytes(100);
    const sealed = nodeSeal(c.name, key, iv, plain, Buffer.alloc(0));
    const open = new addon.CipherContext(c.name, key, true);
    const n = open.open(iv, null, sealed, sealed);
    expect(sealed.subarray(0, n)).toEqual(plain);
  });

  if (c.aead) {
    it('answers -1 for a changed tag, ciphertext, AAD or IV, and opens the next good message', () => {
      const open = new addon.CipherContext(c.name, key, true);
      const iv = randomBytes(c.ivLen);
      const aad = randomBytes(28);
      const plain = randomBytes(64);
      const sealed = nodeSeal(c.name, key, iv, plain, aad);
      const out = Buffer.alloc(64);
      for (const at of [0, 40, sealed.length - 1]) {
        const bad = Buffer.from(sealed);
        bad[at] ^= 0x10;
        expect(open.open(iv, aad, bad, out)).toBe(-1);
        expect(open.open(iv, aad, sealed, out)).toBe(64);
      }
      const otherAad = Buffer.from(aad);
      otherAad[27] ^= 1;
      expect(open.open(iv, otherAad, sealed, out)).toBe(-1);
      expect(open.open(randomBytes(c.ivLen), aad, sealed, out)).toBe(-1);
      expect(open.open(iv, aad, sealed.subarray(0, 15), out)).toBe(-1); // shorter than the tag
      expect(open.open(iv, aad, sealed, out)).toBe(64);
      expect(out).toEqual(plain);
    });

    it('follows IV length changes on one context', () => {
      const seal = new addon.CipherContext(c.name, key, false);
      for (const ivLen of c.ccm ? [12, 8, 13, 12] : [12, 16, 1, 12]) {
        const iv = randomBytes(ivLen);
        const plain = randomBytes(40);
        expect(sealNative(seal, iv, null, plain)).toEqual(nodeSeal(c.name, key, iv, plain, Buffer.alloc(0)));
      }
    });
  } else if (c.name.endsWith('cbc')) {
    it('answers -1 for bad padding and for a partial block', () => {
      const open = new addon.CipherContext(c.name, key, true);
      const iv = randomBytes(c.ivLen);
      const raw = createCipheriv(c.name, key, iv).setAutoPadding(false);
      const block = c.ivLen;
      const badPad = Buffer.concat([raw.update(Buffer.alloc(block * 2, 0)), raw.final()]); // last byte 0: no padding
      const out = Buffer.alloc(badPad.length);
      expect(open.open(iv, null, badPad, out)).toBe(-1);
      expect(open.open(iv, null, badPad.subarray(0, block + 1), out)).toBe(-1);
      expect(open.open(iv, null, Buffer.alloc(0), out)).toBe(-1);
      const good = nodeSeal(c.name, key, iv, Buffer.from('still works'), Buffer.alloc(0));
      expect(out.subarray(0, open.open(iv, null, good, out)).toString()).toBe('still works');
    });
  }
});

describe('CipherContext arguments', () => {
  const key = randomBytes(16);
  const gcmOpen = new addon.CipherContext('aes-128-gcm', key, true);
  const gcmSeal = new addon.CipherContext('aes-128-gcm', key, false);
  const cbcSeal = new addon.CipherContext('aes-128-cbc', key, false);
  const iv = randomBytes(12);

  it('refuses unknown ciphers, wrong key and tag lengths, unsupported modes', () => {
    expectError('TypeError', () => new addon.CipherContext('aes-128-nope', key, true));
    expectError('TypeError', () => new addon.CipherContext('aes-128-gcm', randomBytes(15), true), /16-byte key/);
    expectError('TypeError', () => new addon.CipherContext('aes-128-gcm', key, true, 3));
    expectError('TypeError', () => new addon.CipherContext('aes-128-ccm', key, true, 15));
    expectError('TypeError', () => new addon.CipherContext('aes-128-ocb', key, true));
    expectError('TypeError', () => new addon.CipherContext('aes-128-gcm', 'key' as unknown as Uint8Array, true));
    expectError('TypeError', () => new addon.CipherContext('aes-128-gcm', key, 1 as unknown as boolean));
  });

  it('refuses IVs, outputs and inputs that do not fit', () => {
    const plain = randomBytes(32);
    expectError('TypeError', () => gcmSeal.seal(iv, null, plain, Buffer.alloc(47)), /needs 48/);
    expectError('TypeError', () => cbcSeal.seal(randomBytes(12), null, plain, Buffer.alloc(48)));
    expectError('TypeError', () => cbcSeal.seal(randomBytes(16), null, plain, Buffer.alloc(47)), /needs 48/);
    expectError('TypeError', () => cbcSeal.seal(randomBytes(16), Buffer.alloc(4), plain, Buffer.alloc(48)), /AEAD/);
    expectError('TypeError', () => gcmSeal.seal(Buffer.alloc(0), null, plain, Buffer.alloc(48)));
    expectError('TypeError', () => gcmOpen.open(iv, null, randomBytes(48), Buffer.alloc(31)), /needs 32/);
    expectError('TypeError', () => gcmSeal.seal(iv, null, 'text' as unknown as Uint8Array, Buffer.alloc(48)));
    expectError('TypeError', () => gcmSeal.seal(iv, null, new Uint16Array(16) as unknown as Uint8Array, Buffer.alloc(48)));
    expectError('TypeError', () => gcmSeal.seal(iv, 5 as unknown as Uint8Array, plain, Buffer.alloc(48)));
    const shared = Buffer.alloc(100);
    expectError('TypeError', () => gcmSeal.seal(iv, null, shared.subarray(0, 32), shared.subarray(8, 56)), /overlaps/);
  });

  it('keeps directions apart', () => {
    expectError('TypeError', () => gcmOpen.seal(iv, null, randomBytes(4), Buffer.alloc(20)), /cannot seal/);
    expectError('TypeError', () => gcmSeal.open(iv, null, randomBytes(20), Buffer.alloc(4)), /cannot open/);
  });
});

describe('HmacContext', () => {
  for (const hash of ['sha1', 'sha256', 'sha384', 'sha512']) {
    it(`${hash}: the MAC node:crypto gives, with a field read as zeros`, () => {
      const key = randomBytes(hash === 'sha1' ? 20 : 32);
      const mac = new addon.HmacContext(hash, key);
      expect(mac.size).toBe(createHmac(hash, key).digest().length);
      for (const len of [0, 1, 64, 1372]) {
        const data = randomBytes(len);
        const zeroStart = Math.min(len, 28);
        const zeroEnd = Math.min(len, 28 + mac.size);
        const zeroed = Buffer.from(data);
        zeroed.fill(0, zeroStart, zeroEnd);
        const want = createHmac(hash, key).update(zeroed).digest();
        const out = Buffer.alloc(mac.size);
        expect(mac.digest(data, out, zeroStart, zeroEnd)).toBe(mac.size);
        expect(out).toEqual(want);
        expect(mac.verify(data, want, zeroStart, zeroEnd)).toBe(true);
        const wrong = Buffer.from(want);
        wrong[0] ^= 1;
        expect(mac.verify(data, wrong, zeroStart, zeroEnd)).toBe(false);
        expect(mac.verify(data, want.subarray(1), zeroStart, zeroEnd)).toBe(false);
        mac.digest(zeroed, out);
        expect(out).toEqual(want);
      }
    });
  }

  it('writes its MAC into the zeroed field of the data it covers', () => {
    const key = randomBytes(32);
    const packet = randomBytes(200);
    packet.fill(0, 28, 60);
    const want = createHmac('sha256', key).update(packet).digest();
    const mac = new addon.HmacContext('sha256', key);
    packet.fill(0xee, 28, 60);
    mac.digest(packet, packet.subarray(28, 60), 28, 60);
    expect(packet.subarray(28, 60)).toEqual(want);
  });

  it('refuses unknown hashes, small outputs and ranges outside the data', () => {
    expectError('TypeError', () => new addon.HmacContext('sha999', randomBytes(8)));
    const mac = new addon.HmacContext('sha256', Buffer.alloc(0));
    expectError('TypeError', () => mac.digest(randomBytes(10), Buffer.alloc(31)), /needs 32/);
    expectError('RangeError', () => mac.digest(randomBytes(10), Buffer.alloc(32), 5, 11));
    expectError('RangeError', () => mac.digest(randomBytes(10), Buffer.alloc(32), 6, 5));
    expectError('TypeError', () => mac.verify('x' as unknown as Uint8Array, Buffer.alloc(32)));
  });
});

describe('closing and collecting', () => {
  it('close() is idempotent and later calls throw ERR_CONTEXT_CLOSED', () => {
    const ctx = new addon.CipherContext('aes-128-gcm', randomBytes(16), false);
    const mac = new addon.HmacContext('sha256', randomBytes(16));
    ctx.close();
    ctx.close();
    mac.close();
    mac.close();
    expect(() => ctx.seal(randomBytes(12), null, randomBytes(4), Buffer.alloc(20))).toThrow(
      expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }),
    );
    expect(() => ctx.outputLength(4)).toThrow(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
    expect(() => mac.digest(randomBytes(4), Buffer.alloc(32))).toThrow(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
  });

  it('contexts left to the garbage collector are freed without harm', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let collected = 0;
    const registry = new FinalizationRegistry(() => collected++);
    const key = randomBytes(16);
    (() => {
      for (let i = 0; i < 2000; i++) {
        const ctx = new addon.CipherContext(i % 2 ? 'aes-128-gcm' : 'aes-128-ccm', key, i % 3 === 0);
        registry.register(ctx, i);
        registry.register(new addon.HmacContext('sha256', key), i);
      }
    })();
    for (let i = 0; i < 10 && collected < 4000; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(collected).toBeGreaterThan(3000);
    // The OpenSSL state of Node and of the survivors is intact.
    const iv = randomBytes(12);
    const plain = randomBytes(50);
    const sealed = sealNative(new addon.CipherContext('aes-128-gcm', key, false), iv, null, plain);
    expect(sealed).toEqual(nodeSeal(CASES[0].name, key, iv, plain, Buffer.alloc(0)));
  });
});
