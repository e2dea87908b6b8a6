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

// Sessions through the real uftpproxyd (scripts/lib/proxy-sessions.sh), one file per captured leg;
// docs/proxy-capture-notes.md tells what they show. The describe.each above decodes every packet of them.
const PROXY_LEGS = [
  'proxy-plain.server-leg', 'proxy-plain.proxy-leg', 'proxy-plain.client-leg',
  'proxy-aes256gcm.server-leg', 'proxy-aes256gcm.proxy-leg', 'proxy-aes256gcm.client-leg',
  'proxy-aes256gcm-clientauth.server-leg', 'proxy-aes256gcm-clientauth.proxy-leg',
  'proxy-aes256gcm-clientauth.client-leg',
  'proxy-heartbeat.server-leg', 'proxy-heartbeat.proxy-leg', 'proxy-heartbeat.client-leg',
  'response-plain.server-leg', 'response-plain.client-leg',
  'response-aes256gcm.server-leg', 'response-aes256gcm.client-leg',
];
const ROLES = ['server', 'sproxy', 'near', 'near2', 'cproxy', 'client1', 'client2'];

interface ProxyLegPacket extends FixturePacket {
  to: string;
  sport: number;
  dport: number;
}

test('fixtures exist for every leg of the proxy sessions, each sender and receiver named', () => {
  for (const leg of PROXY_LEGS) {
    expect(sessions).toContain(`${leg}.json`);
    const packets = load(`${leg}.json`) as ProxyLegPacket[];
    expect(packets.length).toBeGreaterThan(5);
    for (const p of packets) {
      expect([leg, ROLES.includes(p.dir)]).toEqual([leg, true]);
      expect([leg, ROLES.includes(p.to) || /^2(2[4-9]|3\d)\./.test(p.to)]).toEqual([leg, true]);
    }
  }
});

test('the proxy captures hold the messages only proxies and their peers send', () => {
  const seen = new Set<number>();
  for (const leg of PROXY_LEGS) for (const p of load(`${leg}.json`)) seen.add(parseInt(p.hex.slice(2, 4), 16));
  for (const t of [MessageType.HB_REQ, MessageType.HB_RESP, MessageType.KEY_REQ, MessageType.PROXY_KEY]) {
    expect([t, seen.has(t)]).toEqual([t, true]);
  }
});
