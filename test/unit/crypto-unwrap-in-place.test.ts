// unwrapInPlace against unwrap: the same inner message and the same errors for every cipher and
// signature type, through the addon and through node:crypto; only the encrypted payload's bytes
// change; tampered and replayed packets are refused. Also the per-packet helpers it stands on:
// IVs written from uint32 halves, and the replay window's (hi, lo) methods, against their bigint forms.
import { generateKeyPairSync, getCiphers, randomBytes } from 'crypto';
import { buildIv, CipherName, groupKeys, ReplayWindow, scratchIv, writeIv } from '../../lib/crypto';
import { MessageType, SigType, UFTP_VERSION } from '../../lib/protocol/constants';
import * as nativeEncrypted from '../../lib/protocol/encrypted';
import { unwrap, unwrapInPlace, wrap } from '../../lib/protocol/encrypted';
import { UftpHeader } from '../../lib/protocol/header';
import { loadWithoutAddon } from '../helpers/without-addon';

type Encrypted = typeof nativeEncrypted;

const header: UftpHeader = {
  version: UFTP_VERSION, func: MessageType.FILESEG, seq: 7, srcId: 0x8a0b0c01, groupId: 0x1234,
  groupInst: 0, grtt: 3, gsize: 4, reserved: 0,
};
const inner = Buffer.concat([Buffer.from([MessageType.FILESEG, 2, 0, 1]), randomBytes(1300)]);
const CASES: [CipherName, SigType][] = [
  ['aes-128-gcm', SigType.AUTHENC], ['aes-256-gcm', SigType.AUTHENC], ['aes-128-ccm', SigType.AUTHENC],
  ['aes-256-ccm', SigType.AUTHENC], ['aes-128-cbc', SigType.HMAC], ['aes-256-cbc', SigType.HMAC],
  ['des-ede3-cbc', SigType.HMAC], ['aes-256-gcm', SigType.HMAC], ['aes-128-cbc', SigType.KEYEX],
];
if (getCiphers().includes('des-cbc')) CASES.push(['des-cbc', SigType.HMAC]);
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
/** Where the encrypted payload starts: after the headers and the signature. */
const payloadStart = (packet: Buffer) => 28 + packet.readUInt16BE(24);

describe.each([
  ['addon', nativeEncrypted],
  ['node:crypto', loadWithoutAddon(() => require('../../lib/protocol/encrypted') as Encrypted)],
])('unwrapInPlace through %s', (_path, mod) => {
  for (const [cipher, sigType] of CASES) {
    it(`${cipher} with ${SigType[sigType]}: the inner message as unwrap gives it, decrypted over the payload`, () => {
      const keys = groupKeys('sha256', cipher, randomBytes(48), randomBytes(32));
      const signer = sigType === SigType.KEYEX ? ec : undefined;
      const window = new ReplayWindow();
      for (const counter of [1n, 2n, 0xffffffffn, 0x100000000n, 0xfedcba9876543210n]) {
        const packet = wrap(header, inner, keys, counter, sigType, signer?.privateKey);
        const work = Buffer.from(packet);
        const start = payloadStart(packet);
        const r = mod.unwrapInPlace(work, keys, window, sigType, signer?.publicKey);
        expect(r).toEqual(unwrap(packet, keys, new ReplayWindow(), sigType, signer?.publicKey));
        expect(r.ok && r.value.buffer === work.buffer && r.value.byteOffset === work.byteOffset + start).toBe(true);
        // Header, IV counter, lengths and signature are as they came; so is anything past the plaintext
        // but for the tag or padding area, which the cipher may overwrite.
        expect(work.subarray(0, start)).toEqual(packet.subarray(0, start));
        // Replayed: refused, and the packet left alone.
        const again = Buffer.from(packet);
        expect(mod.unwrapInPlace(again, keys, window, sigType, signer?.publicKey)).toMatchObject({ ok: false, error: { kind: 'replay' } });
        expect(again).toEqual(packet);
      }
    });
  }

  it('a plain Uint8Array (not a Buffer) opens in place too', () => {
    const keys = groupKeys('sha256', 'aes-128-gcm', randomBytes(48), randomBytes(32));
    const packet = wrap(header, inner, keys, 5n, SigType.AUTHENC);
    const bytes = new Uint8Array(packet.length + 8).subarray(8);
    bytes.set(packet);
    const r = mod.unwrapInPlace(bytes, keys, new ReplayWindow(), SigType.AUTHENC);
    expect(r.ok && Buffer.from(r.value).equals(inner)).toBe(true);
    expect(r.ok && r.value.byteOffset).toBe(bytes.byteOffset + 28);
  });
});

it('hostile packets: unwrapInPlace answers exactly what unwrap answers, and touches nothing before the payload', () => {
  let x = 0x1234567;
  const int = (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const setups = CASES.map(([cipher, sig]) => ({ keys: groupKeys('sha1', cipher, randomBytes(48), randomBytes(32)), sig, key: sig === SigType.KEYEX ? ec : undefined }));
  const seeds = setups.map((s, i) => wrap(header, inner.subarray(0, 40 + i * 60), s.keys, BigInt(i + 1), s.sig, s.key?.privateKey));
  const kinds = new Set<string>();
  for (let n = 0; n < 20_000; n++) {
    const which = int(setups.length);
    const { keys, sig, key } = setups[which];
    let packet = Buffer.from(seeds[which]);
    const how = int(5); // 4: left as it is
    if (how === 0) packet[int(packet.length)] ^= 1 << int(8);
    if (how === 1) packet = packet.subarray(0, int(packet.length));
    if (how === 2) packet.writeUInt16BE(int(0x600), 24 + 2 * int(2));
    if (how === 3) {
      // Signature and payload lengths moved together: they still add up, but the signature is the wrong size.
      const d = int(9) + 1;
      packet.writeUInt16BE(packet.readUInt16BE(24) + d, 24);
      packet.writeUInt16BE(packet.readUInt16BE(26) - d, 26);
    }
    const copy = Buffer.from(packet);
    const want = unwrap(packet, keys, new ReplayWindow(), sig, key?.publicKey);
    const got = unwrapInPlace(copy, keys, new ReplayWindow(), sig, key?.publicKey);
    expect(got).toEqual(want);
    kinds.add(want.ok ? 'ok' : want.error.kind);
    if (!want.ok && want.error.kind !== 'crypto') expect(copy).toEqual(packet);
    if (copy.length >= 28) {
      const start = Math.min(copy.length, payloadStart(copy));
      expect(copy.subarray(0, start)).toEqual(packet.subarray(0, start));
    }
  }
  expect([...kinds].sort()).toEqual(expect.arrayContaining(['crypto', 'field', 'length', 'ok']));
});

describe('IVs from uint32 halves', () => {
  const salt = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
  it.each([8, 12, 16])('%i bytes: writeIv and scratchIv give buildIv bytes', (ivLen) => {
    for (const counter of [0n, 1n, 0xffffffffn, 0x100000000n, 0x8000000080000000n, 0xffffffffffffffffn]) {
      for (const id of [0, 1, 0x7fffffff, 0x80000001, 0xffffffff]) {
        const hi = Number(counter >> 32n);
        const lo = Number(counter & 0xffffffffn);
        const out = Buffer.alloc(ivLen);
        writeIv(out, salt, hi, lo, id);
        const want = buildIv(salt, ivLen, counter, id);
        expect(out).toEqual(want);
        expect(scratchIv(salt, ivLen, hi, lo, id)).toEqual(want);
      }
    }
  });
  it('the known layouts', () => {
    expect(buildIv(salt, 12, 0x0102030405060708n, 0x11223344).toString('hex')).toBe('cf8f8dab0102030405060708');
    expect(buildIv(salt, 16, 0x0102030405060708n, 0x11223344).toString('hex')).toBe('deadbeef112233440102030405060708');
    expect(buildIv(salt, 8, 0x0102030405060708n, 0x11223344).toString('hex')).toBe('dfafbdeb1424344c');
  });
  it('refuses bad salts and lengths', () => {
    expect(() => writeIv(Buffer.alloc(12), Buffer.alloc(3), 0, 0, 0)).toThrow(RangeError);
    expect(() => scratchIv(salt, 10, 0, 0, 0)).toThrow(RangeError);
    expect(() => buildIv(salt, 10, 0n, 0)).toThrow(RangeError);
  });
});

describe('replay window by (hi, lo) halves', () => {
  it.each([1024, 8, 1000])('size %i: the halves and the bigint methods keep one state and agree', (size) => {
    const split = new ReplayWindow(size);
    const whole = new ReplayWindow(size);
    let x = 99;
    const base = 0xfffffc00n; // crosses 2^32 on the way
    for (let n = 0; n < 5000; n++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const counter = base + BigInt(Math.floor(n / 2) + (x % (3 * size)) - size);
      const hi = Number(counter >> 32n);
      const lo = Number(counter & 0xffffffffn);
      const sender = x % 3;
      const verdict = whole.check(sender, counter);
      expect(split.checkParts(sender, hi, lo)).toBe(verdict);
      if (verdict === 'new' && x % 4 !== 0) {
        whole.accept(sender, counter);
        split.acceptParts(sender, hi, lo);
        expect(split.check(sender, counter)).toBe('seen');
      }
    }
  });
  it('far apart counters: below the window is too old, far above starts a fresh window', () => {
    const w = new ReplayWindow(64);
    w.acceptParts(1, 5, 100);
    expect(w.checkParts(1, 5, 100)).toBe('seen');
    expect(w.checkParts(1, 4, 0xffffffff)).toBe('too-old');
    expect(w.checkParts(1, 5, 37)).toBe('new');
    expect(w.checkParts(1, 5, 36)).toBe('too-old');
    w.acceptParts(1, 0x80000000, 3);
    expect(w.checkParts(1, 5, 100)).toBe('too-old');
    expect(w.checkParts(1, 0x80000000, 3)).toBe('seen');
    expect(w.checkParts(1, 0x80000000, 2)).toBe('new');
    w.forget(1);
    expect(w.checkParts(1, 0x80000000, 3)).toBe('new');
  });
});
