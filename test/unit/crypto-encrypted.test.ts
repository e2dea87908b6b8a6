// ENCRYPTED wrap/unwrap (protocol.txt 5.2.2): every cipher and signature type round trips;
// tampering, replays, wrong keys and bad lengths come back as typed errors.
import { generateKeyPairSync, getCiphers, randomBytes } from 'crypto';
import { CipherName, groupKeys, HashName, ReplayWindow, SymmetricKeys } from '../../lib/crypto';
import { MessageType, SigType, UFTP_VERSION } from '../../lib/protocol/constants';
import { decodeEncrypted, sealInto, unwrap, wrap } from '../../lib/protocol/encrypted';
import { UftpHeader } from '../../lib/protocol/header';

const header: UftpHeader = {
  version: UFTP_VERSION, func: MessageType.FILESEG, seq: 7, srcId: 0x0a0b0c01, groupId: 0x1234,
  groupInst: 0, grtt: 3, gsize: 4, reserved: 0,
};
const keysFor = (cipher: CipherName, hash: HashName = 'sha256'): SymmetricKeys =>
  groupKeys(hash, cipher, randomBytes(48), randomBytes(32));
const inner = Buffer.concat([Buffer.from([MessageType.FILESEG, 2, 0, 1]), randomBytes(1021)]);

const CASES: [CipherName, SigType][] = [
  ['aes-128-gcm', SigType.AUTHENC], ['aes-256-gcm', SigType.AUTHENC], ['aes-128-ccm', SigType.AUTHENC],
  ['aes-256-ccm', SigType.AUTHENC], ['aes-128-cbc', SigType.HMAC], ['aes-256-cbc', SigType.HMAC],
  ['des-ede3-cbc', SigType.HMAC], ['aes-256-gcm', SigType.HMAC], ['aes-128-cbc', SigType.KEYEX],
];
if (getCiphers().includes('des-cbc')) CASES.push(['des-cbc', SigType.HMAC]);

describe('wrap / unwrap', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  for (const [cipher, sigType] of CASES) {
    it(`${cipher} with ${SigType[sigType]}: round trip, tamper, replay`, () => {
      const keys = keysFor(cipher);
      for (const signer of sigType === SigType.KEYEX ? [rsa, ec] : [undefined]) {
        const window = new ReplayWindow();
        const packet = wrap(header, inner, keys, 41n, sigType, signer?.privateKey);
        const msg = decodeEncrypted(packet);
        expect(msg.ok && msg.value.ivCounter).toBe(41n);
        expect(packet[1]).toBe(MessageType.ENCRYPTED);
        const out = unwrap(packet, keys, window, sigType, signer?.publicKey);
        expect(out).toEqual({ ok: true, value: inner });
        expect(unwrap(packet, keys, window, sigType, signer?.publicKey)).toMatchObject({ ok: false, error: { kind: 'replay' } });
        for (const at of [3, 10, 20, 30, packet.length - 1]) {
          const bad = Buffer.from(packet);
          bad[at] ^= 0x10;
          const r = unwrap(bad, keys, new ReplayWindow(), sigType, signer?.publicKey);
          expect(r.ok).toBe(false);
        }
        expect(unwrap(packet, keysFor(cipher), new ReplayWindow(), sigType, signer?.publicKey).ok).toBe(false);
      }
    });
  }

  it('GCM: the signature field is empty and the payload carries the 16-byte tag', () => {
    const packet = wrap(header, inner, keysFor('aes-128-gcm'), 1n, SigType.AUTHENC);
    expect(packet.readUInt16BE(24)).toBe(0);
    expect(packet.readUInt16BE(26)).toBe(inner.length + 16);
    expect(packet.length).toBe(28 + inner.length + 16);
  });

  it('HMAC covers the whole packet: a changed header byte fails as crypto', () => {
    const keys = keysFor('aes-256-cbc', 'sha512');
    const packet = wrap(header, inner, keys, 9n, SigType.HMAC);
    expect(packet.readUInt16BE(24)).toBe(64);
    packet[14] ^= 1;
    expect(unwrap(packet, keys, new ReplayWindow(), SigType.HMAC)).toMatchObject({ ok: false, error: { kind: 'crypto' } });
  });

  it('keeps counters per sender and refuses ones older than the window', () => {
    const keys = keysFor('aes-128-gcm');
    const window = new ReplayWindow(64);
    const send = (srcId: number, ctr: bigint) =>
      unwrap(wrap({ ...header, srcId }, inner, keys, ctr, SigType.AUTHENC), keys, window, SigType.AUTHENC);
    expect(send(1, 100n).ok).toBe(true);
    expect(send(2, 100n).ok).toBe(true);
    expect(send(1, 99n).ok).toBe(true);
    expect(send(1, 200n).ok).toBe(true);
    expect(send(1, 150n).ok).toBe(true);
    expect(send(1, 136n)).toMatchObject({ ok: false, error: { kind: 'replay' } });
    expect(send(1, 150n)).toMatchObject({ ok: false, error: { kind: 'replay' } });
  });

  it('a forged packet does not burn its counter', () => {
    const keys = keysFor('aes-128-gcm');
    const window = new ReplayWindow();
    const good = wrap(header, inner, keys, 5n, SigType.AUTHENC);
    const forged = Buffer.from(good);
    forged[40] ^= 1;
    expect(unwrap(forged, keys, window, SigType.AUTHENC).ok).toBe(false);
    expect(unwrap(good, keys, window, SigType.AUTHENC).ok).toBe(true);
  });

  it('length and type errors', () => {
    const keys = keysFor('aes-128-cbc');
    const packet = wrap(header, inner, keys, 1n, SigType.HMAC);
    const w = new ReplayWindow();
    expect(unwrap(packet.subarray(0, 20), keys, w, SigType.HMAC)).toMatchObject({ error: { kind: 'length' } });
    expect(unwrap(packet.subarray(0, packet.length - 1), keys, w, SigType.HMAC)).toMatchObject({ error: { kind: 'length' } });
    expect(unwrap(packet, keys, w, SigType.AUTHENC)).toMatchObject({ error: { kind: 'field' } });
    expect(unwrap(packet, keys, w, SigType.KEYEX)).toMatchObject({ error: { kind: 'field' } });
    const notEncrypted = Buffer.from(packet);
    notEncrypted[1] = MessageType.FILESEG;
    expect(unwrap(notEncrypted, keys, w, SigType.HMAC)).toMatchObject({ error: { kind: 'function' } });
    expect(() => wrap(header, inner, keys, 1n, SigType.KEYEX)).toThrow(/sender key/);
  });
});

describe('sealInto (the server\'s per-packet path)', () => {
  for (const [cipher, sigType] of CASES) {
    it(`${cipher} with ${SigType[sigType]}: the same bytes as wrap, written in place`, () => {
      const keys = keysFor(cipher);
      const out = Buffer.alloc(3000, 0xee);
      const at = 100;
      const end = sealInto(out, at, header, inner, keys, 0x1, 0x2345, sigType);
      if (sigType === SigType.KEYEX) {
        expect(end).toBe(-1);
        return;
      }
      expect(out.subarray(at, end)).toEqual(wrap(header, inner, keys, 0x1_0000_2345n, sigType));
      expect(out[at - 1]).toBe(0xee);
      expect(out[end]).toBe(0xee);
      expect(sealInto(Buffer.alloc(end - at - 1), 0, header, inner, keys, 0, 1, sigType)).toBe(-1); // no room
    });
  }
});
