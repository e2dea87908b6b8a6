// Every packet the real UFTP 4.10.2 programs sent (test/fixtures/packets, made by scripts/capture-fixtures.sh)
// decodes, and encodes back to the same bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageType, decodePacket, encodePacket } from '../../lib/protocol';

interface FixturePacket {
  dir: string;
  hex: string;
}

const DIR = join(__dirname, '..', 'fixtures', 'packets');
const sessions = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

function load(file: string): FixturePacket[] {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8')) as FixturePacket[];
}

test('fixtures exist for the sessions the capture script makes', () => {
  for (const name of ['plain', 'tfmcc', 'closed-sync', 'aes256gcm-rsa', 'aes128cbc-hmac', 'ecdh-ecdsa', 'ipv6']) {
    expect(sessions).toContain(`${name}.json`);
    expect(load(`${name}.json`).length).toBeGreaterThan(5);
  }
});

describe.each(sessions)('%s', (file) => {
  const packets = load(file);
  test.each(packets.map((p, i) => [i, p.dir, p.hex.slice(2, 4), p] as const))(
    'packet %i (from %s, func 0x%s) decodes and re-encodes to the same bytes',
    (_i, _dir, _func, p) => {
      const bytes = Buffer.from(p.hex, 'hex');
      const decoded = decodePacket(bytes);
      if (!decoded.ok) throw new Error(decoded.error.toString());
      expect(decoded.value.header.func).toBe(bytes[1]);
      expect(decoded.value.message.type).toBe(bytes[1]);
      expect(encodePacket(decoded.value.header, decoded.value.message).toString('hex')).toBe(p.hex);
    },
  );
});

test('the captures hold every unencrypted message kind the real programs send without proxies', () => {
  const seen = new Set<number>();
  for (const file of sessions) for (const p of load(file)) seen.add(parseInt(p.hex.slice(2, 4), 16));
  for (const t of [
    MessageType.ANNOUNCE, MessageType.REGISTER, MessageType.CLIENT_KEY, MessageType.REG_CONF, MessageType.KEYINFO,
    MessageType.FILEINFO, MessageType.FILEINFO_ACK, MessageType.FILESEG, MessageType.DONE, MessageType.STATUS,
    MessageType.COMPLETE, MessageType.DONE_CONF, MessageType.ENCRYPTED, MessageType.CONG_CTRL, MessageType.CC_ACK,
  ]) {
    expect([t, seen.has(t)]).toEqual([t, true]);
  }
});
