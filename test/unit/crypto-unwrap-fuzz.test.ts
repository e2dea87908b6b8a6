// 200 000 random and mutated ENCRYPTED packets through unwrap with a real key set: every one
// must come back as a typed result, none may throw. Seeded, so a failure replays exactly.
import { generateKeyPairSync } from 'crypto';
import { groupKeys, ReplayWindow } from '../../lib/crypto';
import { MessageType, SigType, UFTP_VERSION } from '../../lib/protocol/constants';
import { unwrap, wrap } from '../../lib/protocol/encrypted';
import { prng } from '../helpers/prng';


const KINDS = new Set(['length', 'version', 'function', 'field', 'crypto', 'replay']);

it('unwrap survives 200 000 hostile packets with typed errors only', () => {
  const rnd = prng(0x5eed1234);
  const int = (n: number) => Math.floor(rnd() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const setups = [
    { keys: groupKeys('sha256', 'aes-128-gcm', bytes(48), bytes(32)), sig: SigType.AUTHENC },
    { keys: groupKeys('sha1', 'aes-256-cbc', bytes(48), bytes(32)), sig: SigType.HMAC },
    { keys: groupKeys('sha256', 'aes-128-ccm', bytes(48), bytes(32)), sig: SigType.AUTHENC },
    { keys: groupKeys('sha256', 'aes-128-cbc', bytes(48), bytes(32)), sig: SigType.KEYEX, key: ec },
  ];
  const header = { version: UFTP_VERSION, func: 9, seq: 1, srcId: 77, groupId: 5, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 };
  const seeds = setups.map((s, i) => wrap(header, bytes(40 + i * 300), s.keys, BigInt(i + 1), s.sig, s.key?.privateKey));
  const counts = new Map<string, number>();
  for (let n = 0; n < 200_000; n++) {
    const which = int(setups.length);
    const { keys, sig, key } = setups[which];
    let packet: Buffer;
    const how = int(6);
    if (how === 0) {
      packet = bytes(int(120));
      if (rnd() < 0.5 && packet.length > 1) [packet[0], packet[1]] = [UFTP_VERSION, MessageType.ENCRYPTED];
    } else {
      packet = Buffer.from(seeds[which]);
      packet.writeBigUInt64BE(BigInt(n + 10), 16);
      if (how === 1) for (let f = int(4) + 1; f > 0; f--) packet[int(packet.length)] ^= 1 << int(8);
      if (how === 2) packet = packet.subarray(0, int(packet.length));
      if (how === 3) packet.writeUInt16BE(int(0x10000), 24 + 2 * int(2));
      if (how === 4) packet = Buffer.concat([packet, bytes(int(9) + 1)]);
      if (how === 5) packet[int(28)] = int(256);
    }
    const r = unwrap(packet, keys, new ReplayWindow(), sig, key?.publicKey);
    const label = r.ok ? 'ok' : r.error.kind;
    if (!r.ok) expect(KINDS.has(r.error.kind)).toBe(true);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  // Mutations hit every check: short, bad lengths, bad signatures and tags.
  for (const kind of ['length', 'crypto', 'function', 'version']) expect(counts.get(kind) ?? 0).toBeGreaterThan(100);
});
