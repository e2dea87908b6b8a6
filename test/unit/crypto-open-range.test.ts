// The per-packet open over ranges of one array: the addon's CipherContext.openRange against node:crypto
// (AAD and sealed bytes anywhere in the array, the plaintext left over the ciphertext), -1 for what does
// not authenticate, RangeError for ranges that do not fit; decryptRangeInPlace through the addon and
// through node:crypto; openInPlace against unwrapInPlace; and the cached context following a key
// rewritten in place.
import { createCipheriv, randomBytes } from 'crypto';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { CipherName, cipherSpec, groupKeys, ReplayWindow } from '../../lib/crypto';
import { cipherContext, nativeCrypto, NativeCryptoAddon } from '../../lib/crypto/native-cipher';
import * as nativeSymmetric from '../../lib/crypto/symmetric';
import { MessageType, SigType, UFTP_VERSION } from '../../lib/protocol/constants';
import { innerStart, openFailure, openInPlace, unwrapInPlace, wrap } from '../../lib/protocol/encrypted';
import { UftpHeader } from '../../lib/protocol/header';
import { nodeSeal } from '../helpers/node-seal';
import { expectError } from '../helpers/realm-error';
import { loadWithoutAddon } from '../helpers/without-addon';

const addon = nativeCrypto() as NativeCryptoAddon;
const CIPHERS: CipherName[] = ['aes-128-gcm', 'aes-256-gcm', 'aes-128-ccm', 'aes-256-ccm', 'aes-128-cbc', 'aes-256-cbc', 'des-ede3-cbc'];

/** pad | aad | pad | sealed | pad, or with the sealed range first: where each landed. */
function layout(aad: Buffer, sealed: Buffer, aadFirst: boolean, pad: number) {
  const parts = aadFirst ? [aad, sealed] : [sealed, aad];
  const data = Buffer.concat([randomBytes(pad), parts[0], randomBytes(pad), parts[1], randomBytes(pad)]);
  const firstAt = pad;
  const secondAt = 2 * pad + parts[0].length;
  const aadStart = aadFirst ? firstAt : secondAt;
  const sealedStart = aadFirst ? secondAt : firstAt;
  return { data, aadStart, aadEnd: aadStart + aad.length, sealedStart, sealedEnd: sealedStart + sealed.length };
}

describe.each(CIPHERS)('%s openRange', (cipher) => {
  const spec = cipherSpec(cipher);
  const aead = spec.mode !== 'cbc';
  const key = randomBytes(spec.keyLen);
  const ctx = new addon.CipherContext(cipher, key, true);

  it('opens what node:crypto sealed, in place, wherever the ranges lie', () => {
    for (const len of [1, 15, 16, 17, 100, 1292]) {
      for (const aadFirst of [true, false]) {
        for (const pad of [0, 3]) {
          const iv = randomBytes(spec.ivLen);
          const aad = aead ? randomBytes(len % 2 === 0 ? 28 : 5) : Buffer.alloc(0);
          const plain = randomBytes(len);
          const sealed = nodeSeal(cipher, key, iv, plain, aad);
          const r = layout(aad, sealed, aadFirst, pad);
          const before = Buffer.from(r.data);
          const n = ctx.openRange(r.data, r.aadStart, r.aadEnd, r.sealedStart, r.sealedEnd, iv);
          expect(n).toBe(len);
          expect(r.data.subarray(r.sealedStart, r.sealedStart + n)).toEqual(plain);
          // Nothing outside the sealed range changes.
          expect(r.data.subarray(0, r.sealedStart)).toEqual(before.subarray(0, r.sealedStart));
          expect(r.data.subarray(r.sealedEnd)).toEqual(before.subarray(r.sealedEnd));
        }
      }
    }
  });

  it('works on a view with an offset into a larger ArrayBuffer', () => {
    const iv = randomBytes(spec.ivLen);
    const aad = aead ? randomBytes(28) : Buffer.alloc(0);
    const plain = randomBytes(300);
    const sealed = nodeSeal(cipher, key, iv, plain, aad);
    const backing = new Uint8Array(1000);
    const view = backing.subarray(37, 37 + aad.length + sealed.length);
    view.set(aad, 0);
    view.set(sealed, aad.length);
    expect(ctx.openRange(view, 0, aad.length, aad.length, view.length, iv)).toBe(300);
    expect(Buffer.from(view.subarray(aad.length, aad.length + 300))).toEqual(plain);
  });

  if (aead) {
    it('answers -1 for a changed tag, ciphertext, AAD or IV, and opens the next good message', () => {
      const iv = randomBytes(spec.ivLen);
      const aad = randomBytes(28);
      const plain = randomBytes(64);
      const good = Buffer.concat([aad, nodeSeal(cipher, key, iv, plain, aad)]);
      const open = (data: Buffer, withIv = iv) => ctx.openRange(data, 0, 28, 28, data.length, withIv);
      for (const at of [0, 27, 28, 60, good.length - 1]) {
        const bad = Buffer.from(good);
        bad[at] ^= 0x04;
        expect(open(bad)).toBe(-1);
      }
      expect(open(Buffer.from(good), randomBytes(spec.ivLen))).toBe(-1);
      expect(ctx.openRange(Buffer.from(good), 0, 28, 28, 28 + 15, iv)).toBe(-1); // shorter than the tag
      const copy = Buffer.from(good);
      expect(open(copy)).toBe(64);
      expect(copy.subarray(28, 92)).toEqual(plain);
    });

    it('follows IV length changes on one context', () => {
      const lengths = spec.mode === 'ccm' ? [12, 8, 13, 12] : [12, 16, 1, 12, 12];
      for (const ivLen of lengths) {
        const iv = randomBytes(ivLen);
        const aad = randomBytes(28);
        const plain = randomBytes(40);
        const data = Buffer.concat([aad, nodeSeal(cipher, key, iv, plain, aad)]);
        expect(ctx.openRange(data, 0, 28, 28, data.length, iv)).toBe(40);
        expect(data.subarray(28, 68)).toEqual(plain);
      }
    });
  } else {
    it('answers -1 for bad padding', () => {
      const iv = randomBytes(spec.ivLen);
      const raw = createCipheriv(cipher, key, iv).setAutoPadding(false);
      const badPad = Buffer.concat([raw.update(Buffer.alloc(spec.blockSize * 2)), raw.final()]);
      expect(ctx.openRange(badPad, 0, 0, 0, badPad.length, iv)).toBe(-1);
      expect(ctx.openRange(Buffer.alloc(0), 0, 0, 0, 0, iv)).toBe(-1);
    });
  }
});

describe('openRange arguments', () => {
  const key = randomBytes(16);
  const gcm = new addon.CipherContext('aes-128-gcm', key, true);
  const iv = randomBytes(12);
  const data = randomBytes(100);

  it('refuses indexes outside the data, fractions, negatives and non-numbers', () => {
    expectError('RangeError', () => gcm.openRange(data, 0, 28, 28, 101, iv), /sealedEnd/);
    expectError('RangeError', () => gcm.openRange(data, 0, 101, 28, 100, iv), /aadEnd/);
    expectError('RangeError', () => gcm.openRange(data, -1, 28, 28, 100, iv), /aadStart/);
    expectError('RangeError', () => gcm.openRange(data, 0, 28, 28.5, 100, iv), /sealedStart/);
    expectError('RangeError', () => gcm.openRange(data, 0, 28, NaN, 100, iv));
    expectError('RangeError', () => gcm.openRange(data, 0, 28, 28, Infinity, iv));
    expectError('TypeError', () => gcm.openRange(data, 0, '28' as unknown as number, 28, 100, iv), /aadEnd/);
  });

  it('refuses ranges out of order and a non-empty AAD range overlapping the sealed one', () => {
    expectError('RangeError', () => gcm.openRange(data, 28, 0, 28, 100, iv), /before it starts/);
    expectError('RangeError', () => gcm.openRange(data, 0, 28, 100, 28, iv), /before it starts/);
    expectError('RangeError', () => gcm.openRange(data, 0, 29, 28, 100, iv), /overlaps/);
    expectError('RangeError', () => gcm.openRange(data, 40, 50, 28, 100, iv), /overlaps/);
    expectError('RangeError', () => gcm.openRange(data, 20, 100, 28, 60, iv), /overlaps/);
    // Touching is not overlapping, and an empty AAD range may lie anywhere.
    expect(gcm.openRange(Buffer.from(data), 0, 28, 28, 100, iv)).toBe(-1);
    expect(gcm.openRange(Buffer.from(data), 50, 50, 28, 100, iv)).toBe(-1);
  });

  it('refuses what open() refuses: bad IVs, AAD without AEAD, sealing contexts, non-arrays', () => {
    expectError('TypeError', () => gcm.openRange(data, 0, 28, 28, 100, Buffer.alloc(0)));
    const cbc = new addon.CipherContext('aes-128-cbc', key, true);
    expectError('TypeError', () => cbc.openRange(data, 0, 16, 16, 96, randomBytes(16)), /AEAD/);
    expectError('TypeError', () => cbc.openRange(data, 0, 16, 16, 96, randomBytes(12)));
    const seal = new addon.CipherContext('aes-128-gcm', key, false);
    expectError('TypeError', () => seal.openRange(data, 0, 28, 28, 100, iv), /cannot open/);
    expectError('TypeError', () => gcm.openRange('x' as unknown as Uint8Array, 0, 0, 0, 0, iv), /data/);
    expectError('TypeError', () => gcm.openRange(new Uint16Array(50) as unknown as Uint8Array, 0, 0, 0, 0, iv));
  });

  it('after close(), also when taken off the context, throws ERR_CONTEXT_CLOSED', () => {
    const ctx = new addon.CipherContext('aes-128-gcm', key, true);
    const detached = ctx.openRange;
    ctx.close();
    expect(() => ctx.openRange(data, 0, 28, 28, 100, iv)).toThrow(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
    expect(() => detached(data, 0, 28, 28, 100, iv)).toThrow(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
  });

  it('a detached openRange keeps its context alive after the context object is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    const detached = (() => {
      const ctx = new addon.CipherContext('aes-128-gcm', key, true);
      registry.register(ctx, 0);
      return ctx.openRange;
    })();
    for (let i = 0; i < 10 && !collected; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(collected).toBe(true);
    const aad = randomBytes(28);
    const plain = randomBytes(50);
    const packet = Buffer.concat([aad, nodeSeal('aes-128-gcm', key, iv, plain, aad)]);
    expect(detached(packet, 0, 28, 28, packet.length, iv)).toBe(50);
    expect(packet.subarray(28, 78)).toEqual(plain);
  });
});

describe.each([
  ['addon', nativeSymmetric],
  ['node:crypto', loadWithoutAddon(() => require('../../lib/crypto/symmetric') as typeof nativeSymmetric)],
])('decryptRangeInPlace through %s', (_path, sym) => {
  it.each(CIPHERS)('%s: the plaintext decryptBlock gives, over the sealed range; its errors', (cipher) => {
    const spec = cipherSpec(cipher);
    const key = randomBytes(spec.keyLen);
    const iv = randomBytes(spec.ivLen);
    const aad = randomBytes(28);
    const plain = randomBytes(200);
    const sealed = nativeSymmetric.encryptBlock(cipher, key, iv, plain, aad);
    const data = Buffer.concat([aad, sealed]);
    expect(sym.decryptRangeInPlace(cipher, key, iv, data, 0, 28, 28, data.length)).toBe(200);
    expect(data.subarray(28, 228)).toEqual(plain);
    const bad = Buffer.concat([aad, sealed]);
    bad[bad.length - 1] ^= 1;
    if (spec.mode !== 'cbc') {
      expect(() => sym.decryptRangeInPlace(cipher, key, iv, bad, 0, 28, 28, bad.length)).toThrow('unable to authenticate data');
      expect(() => sym.decryptRangeInPlace(cipher, key, iv, bad, 0, 28, 28, 28 + 15)).toThrow(/cannot hold a 16-byte tag/);
    }
    // Both paths give the addon's errors (from Node's realm on the native path, so matched by name).
    expectError('RangeError', () => sym.decryptRangeInPlace(cipher, key, iv, data, 0, 28, 28, data.length + 1), /sealedEnd must be an integer from 0 to/);
    expectError('RangeError', () => sym.decryptRangeInPlace(cipher, key, iv, data, 0, 28, 28.5, data.length), /sealedStart must be an integer/);
    expectError('RangeError', () => sym.decryptRangeInPlace(cipher, key, iv, data, 0, 28, data.length, 28), /ends before it starts/);
    if (spec.mode !== 'cbc') {
      // CBC ignores the AAD range altogether.
      expectError('RangeError', () => sym.decryptRangeInPlace(cipher, key, iv, data, 28, 0, 28, data.length), /ends before it starts/);
      expectError('RangeError', () => sym.decryptRangeInPlace(cipher, key, iv, data, 0, 29, 28, data.length), /overlaps/);
    }
  });
});

describe('openInPlace', () => {
  const header: UftpHeader = {
    version: UFTP_VERSION, func: MessageType.FILESEG, seq: 7, srcId: 0x0a0b0c0d, groupId: 0x77,
    groupInst: 0, grtt: 3, gsize: 4, reserved: 0,
  };
  const inner = Buffer.concat([Buffer.from([MessageType.FILESEG, 2, 0, 1]), randomBytes(700)]);

  it.each([
    ['aes-128-gcm', SigType.AUTHENC],
    ['aes-256-ccm', SigType.AUTHENC],
    ['aes-128-cbc', SigType.HMAC],
  ] as [CipherName, SigType][])('%s with %s: the length and place unwrapInPlace gives, and its failures', (cipher, sigType) => {
    const keys = groupKeys('sha256', cipher, randomBytes(48), randomBytes(32));
    const lean = new ReplayWindow();
    const full = new ReplayWindow();
    for (const counter of [3n, 1n, 0x100000000n]) {
      const packet = wrap(header, inner, keys, counter, sigType);
      const a = Buffer.from(packet);
      const b = Buffer.from(packet);
      const n = openInPlace(a, keys, lean, sigType);
      const r = unwrapInPlace(b, keys, full, sigType);
      expect(r.ok && n === r.value.length && r.value.byteOffset === b.byteOffset + innerStart(b)).toBe(true);
      expect(a.subarray(innerStart(a), innerStart(a) + n)).toEqual(inner);
      // Replayed, then tampered: -1, and openFailure() says what unwrapInPlace says.
      for (const spoil of [(p: Buffer) => p, (p: Buffer) => { p[p.length - 1] ^= 1; return p; }]) {
        const again = spoil(Buffer.from(packet));
        const r2 = unwrapInPlace(Buffer.from(again), keys, full, sigType);
        expect(openInPlace(again, keys, lean, sigType)).toBe(-1);
        expect(r2.ok).toBe(false);
        if (!r2.ok) expect(openFailure()).toEqual(r2.error);
      }
    }
  });
});

it('the cached context follows a key rewritten in place', () => {
  const key = randomBytes(16);
  const first = cipherContext('aes-128-gcm', key, true);
  expect(cipherContext('aes-128-gcm', key, true)).toBe(first);
  key[15] ^= 1;
  const second = cipherContext('aes-128-gcm', key, true);
  expect(second).not.toBe(first);
  expect(cipherContext('aes-128-gcm', key, true)).toBe(second);
  // The new context opens under the new bytes.
  const iv = randomBytes(12);
  const plain = randomBytes(40);
  const data = nodeSeal('aes-128-gcm', key, iv, plain, Buffer.alloc(0));
  expect(second?.openRange(data, 0, 0, 0, data.length, iv)).toBe(40);
  expect(data.subarray(0, 40)).toEqual(plain);
  // One key object, both directions in turn.
  const seal = cipherContext('aes-128-gcm', key, false);
  expect(seal).not.toBe(second);
  expect(cipherContext('aes-128-gcm', key, true)).toBe(second);
  expect(cipherContext('aes-128-gcm', key, false)).toBe(seal);
});
