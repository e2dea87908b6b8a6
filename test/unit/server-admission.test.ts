// Issue 11, item 9 for uftp: state that unauthenticated packets create is bounded. In an open group every
// REGISTER (or CLIENT_KEY) with a new client ID would add a destination, and a forged "proxy" REGISTER many;
// the server takes new IDs within a cap, a rate per source address (per message that brings new IDs, and per
// new ID) and a per-message limit, counts the refusals and logs them once per interval. The legitimate
// clients of the session complete meanwhile; a closed group is bounded by its list and not limited further;
// other messages from unknown IDs create nothing.
import { randomBytes } from 'node:crypto';
import { generateEcdhKey, keyBlob } from '../../lib/crypto';
import { generateKeyPair } from '../../lib/crypto/key-pair';
import {
  HashType, KeyExchangeType, KeyType, MessageType, NO_EXTENSIONS, SigType, UFTP_VERSION, decodePacket, encodePacket, type EcKeyBlob, type KeyBlob, type Message,
} from '../../lib/protocol';
import {
  ClientAdmission, DEFAULT_MAX_CLIENTS, MAX_TRACKED_ADDRESSES, NEW_IDS_BURST, NEW_IDS_PER_SEC, NEW_REGISTRATIONS_BURST, NEW_REGISTRATIONS_PER_SEC,
  REFUSAL_REPORT_MS, REFUSAL_REPORT_TIMER, idsPerMessage,
} from '../../lib/server/admission';
import { blobOf } from '../../lib/session/keys';
import type { EncryptionConfig, ServerConfig, ServerOutput } from '../../lib/server/types';
import { loadKey } from './client-helpers';
import { Loop, clientOf, serverConfig } from './server-helpers';

const ATTACKER = { address: '198.18.0.66', port: 4444 };
const FIRST_FORGED = 0x0b000000;
const PER_MESSAGE = idsPerMessage(1000); // serverConfig's block size

describe('ClientAdmission', () => {
  const one = { self: true, listed: 0 };

  test('the defaults: the real uftp\'s 100 000 destinations; a block of 1300 holds 325 IDs', () => {
    expect(DEFAULT_MAX_CLIENTS).toBe(100_000);
    expect(idsPerMessage(1300)).toBe(325);
    expect(idsPerMessage(8800)).toBe(2200);
  });

  test('one address sending new IDs: a burst, then the rate; another address is not held back', () => {
    const a = new ClientAdmission(DEFAULT_MAX_CLIENTS, PER_MESSAGE);
    let now = 5000;
    let admitted = 0;
    for (let i = 0; i < 1000; i++) if (a.admit(ATTACKER.address, one, admitted, now).self) admitted++;
    expect(admitted).toBe(NEW_REGISTRATIONS_BURST);
    now += 1000;
    for (let i = 0; i < 1000; i++) if (a.admit(ATTACKER.address, one, admitted, now).self) admitted++;
    expect(admitted).toBe(NEW_REGISTRATIONS_BURST + NEW_REGISTRATIONS_PER_SEC);
    expect(a.admit('198.18.0.10', one, admitted, now)).toMatchObject({ self: true, refused: {} });
  });

  test('a proxy listing hundreds of clients spends one registration; the IDs have a budget of their own', () => {
    const a = new ClientAdmission(DEFAULT_MAX_CLIENTS, 400);
    const proxy = { self: true, listed: 300 };
    const results = [0, 1, 2].map(() => a.admit('198.18.0.20', proxy, 0, 0));
    expect(results.map((r) => r.listed)).toEqual([300, 300, 300]);
    // 903 IDs spent of NEW_IDS_BURST: the next message gets what is left, the sender first.
    const fourth = a.admit('198.18.0.20', proxy, 0, 0);
    expect(fourth).toMatchObject({ self: true, listed: NEW_IDS_BURST - 3 * 301 - 1, refused: { rate: 301 - (NEW_IDS_BURST - 3 * 301) } });
    expect(a.admit('198.18.0.20', proxy, 0, 0)).toMatchObject({ self: false, listed: 0, selfAtCap: false, refused: { rate: 301 } });
    // A second later: NEW_IDS_PER_SEC more.
    expect(a.admit('198.18.0.20', { self: false, listed: 300 }, 0, 1000).listed).toBe(NEW_IDS_PER_SEC);
  });

  test('a REGISTER adds no more IDs than one message of the block size holds', () => {
    const a = new ClientAdmission(DEFAULT_MAX_CLIENTS, PER_MESSAGE);
    expect(a.admit('198.18.0.20', { self: true, listed: PER_MESSAGE + 75 }, 0, 0)).toMatchObject({ self: true, listed: PER_MESSAGE, refused: { excess: 75 } });
  });

  test('at the cap: the sender refused (told so, as the real uftp tells it), a list cut to the room left', () => {
    const a = new ClientAdmission(10, PER_MESSAGE);
    expect(a.admit('198.18.0.20', one, 10, 0)).toMatchObject({ self: false, selfAtCap: true, refused: { full: 1 } });
    expect(a.admit('198.18.0.21', { self: false, listed: 8 }, 7, 0)).toMatchObject({ listed: 3, selfAtCap: false, refused: { full: 5 } });
    expect(a.admit('198.18.0.22', { self: true, listed: 8 }, 7, 0)).toMatchObject({ self: true, listed: 2, refused: { full: 6 } });
  });

  test('refusals: one summary line per interval, none without refusals, the rest at the end', () => {
    const a = new ClientAdmission(DEFAULT_MAX_CLIENTS, PER_MESSAGE);
    expect(a.nextReport).toBeUndefined();
    for (let i = 0; i < 500; i++) a.admit(ATTACKER.address, one, 0, 100);
    a.admit('198.18.0.20', { self: true, listed: PER_MESSAGE + 1 }, 0, 100);
    expect(a.nextReport).toBe(100 + REFUSAL_REPORT_MS);
    expect(a.report(100 + REFUSAL_REPORT_MS - 1)).toBeUndefined();
    expect(a.report(100 + REFUSAL_REPORT_MS)).toBe(
      `New clients refused in the last 10 s: ${500 - NEW_REGISTRATIONS_BURST} over the rate of one address (5 registrations, 100 client IDs a second), ` +
        `1 past the ${PER_MESSAGE} client IDs one REGISTER may list; most from ${ATTACKER.address} (${500 - NEW_REGISTRATIONS_BURST}), 198.18.0.20 (1)`,
    );
    expect(a.nextReport).toBeUndefined();
    expect(a.report(1e9)).toBeUndefined();
    for (let i = 0; i < NEW_REGISTRATIONS_BURST + 5; i++) a.admit(ATTACKER.address, one, 0, 200_000); // refilled by now
    expect(a.report()).toMatch(/^New clients refused in the last 10 s: 5 over the rate/); // the session ends: at once
  });

  test('forged source addresses: every one gets its burst, the buckets remembered stay bounded, the cap holds', () => {
    const a = new ClientAdmission(5000, PER_MESSAGE);
    let present = 0;
    for (let i = 0; i < 20_000; i++) if (a.admit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, one, present, 0).self) present++;
    expect(present).toBe(5000);
    expect((a as unknown as { budgets: Map<string, unknown> }).budgets.size).toBeLessThanOrEqual(MAX_TRACKED_ADDRESSES);
    expect(a.report()).toMatch(/15000 at the limit of 5000 \(max destinations exceeded\); most from /);
  });
});

function fileItem(name: string, size: number) {
  const data = randomBytes(size);
  return { kind: 'file' as const, name: Buffer.from(name), localPath: `/src/${name}`, size, mtimeSec: 1_700_000_000, data };
}

function packet(config: ServerConfig, srcId: number, msg: Message): Buffer {
  return encodePacket({ version: UFTP_VERSION, func: msg.type, seq: 1, srcId, groupId: config.groupId, groupInst: config.groupInst, grtt: 0, gsize: 0, reserved: 0 }, msg);
}

function register(loop: Loop, config: ServerConfig, srcId: number, extra: { clientIds?: number[]; keyInfo?: Uint8Array } = {}): Buffer {
  const ts = { tsSec: Math.floor(loop.wall / 1000), tsUsec: (loop.wall % 1000) * 1000 };
  return packet(config, srcId, {
    type: MessageType.REGISTER, ...ts, random: new Uint8Array(32).fill(7), keyInfo: extra.keyInfo ?? new Uint8Array(0), extensions: NO_EXTENSIONS, clientIds: extra.clientIds ?? [],
  });
}

function counted(outputs: ServerOutput[], name: string): number {
  return outputs.reduce((n, o) => n + (o.type === 'count' && o.name === name ? o.by ?? 1 : 0), 0);
}

/** A session in its announce phase with two of our client machines registered. */
function announcing(extra: Partial<ServerConfig> = {}, clients = [clientOf(0x0a000002), clientOf(0x0a000003)]) {
  const config = serverConfig({ robust: 10, ...extra });
  const a = fileItem('a.bin', 30_000);
  const loop = new Loop(config, [a], clients);
  loop.runUntil(() => loop.server.state.clients.inState('active').length === clients.length);
  expect(loop.server.state.phase).toBe('announce');
  return { config, loop, a };
}

function expectLegitimateDone(loop: Loop, a: { data: Buffer }): void {
  const outcome = loop.run();
  expect(outcome.exitCode).toBe(0);
  for (const h of loop.clients) expect(h.file('/recv/a.bin')).toEqual(a.data);
  expect(outcome.clients.filter((c) => c.status === 'completed').map((c) => c.id)).toEqual([0x0a000002, 0x0a000003]);
}

describe('uftp under a flood of forged REGISTERs (open group)', () => {
  test('5000 from one address with new IDs: a burst\'s worth admitted, the rest counted and summed up in one line', () => {
    const { config, loop, a } = announcing();
    const out: ServerOutput[] = [];
    for (let i = 0; i < 5000; i++) out.push(...loop.receive(register(loop, config, FIRST_FORGED + i), ATTACKER));
    expect(loop.server.state.clients.size).toBe(2 + NEW_REGISTRATIONS_BURST);
    expect(counted(out, 'drop.limit')).toBe(5000 - NEW_REGISTRATIONS_BURST);
    expect(counted(out, 'client.refused.rate')).toBe(5000 - NEW_REGISTRATIONS_BURST);
    // Refused silently (the real client sends its REGISTER again): no datagram back, no line per packet.
    expect(out.filter((o) => o.type === 'send')).toEqual([]);
    expect(out.filter((o) => o.type === 'log').length).toBe(2 * NEW_REGISTRATIONS_BURST); // "Received REGISTER" and its rtt line
    expect(out.filter((o) => o.type === 'setTimer' && o.id === REFUSAL_REPORT_TIMER)).toHaveLength(1);

    expectLegitimateDone(loop, a);
    const summaries = loop.logs.filter((l) => l.startsWith('New clients refused'));
    expect(summaries).toEqual([expect.stringMatching(new RegExp(`^New clients refused in the last 10 s: ${5000 - NEW_REGISTRATIONS_BURST} over the rate .*; most from ${ATTACKER.address} \\(${5000 - NEW_REGISTRATIONS_BURST}\\)$`))]);
    // The forged ones that got in were dropped at the first file, as any silent client.
    expect(loop.outcome!.clients.filter((c) => c.status === 'lost')).toHaveLength(NEW_REGISTRATIONS_BURST);
  });

  test('a forged proxy listing 2000 clients: what one REGISTER of the block size holds, and the next ones a burst of IDs', () => {
    const { config, loop, a } = announcing();
    const list = (first: number): number[] => Array.from({ length: 2000 }, (_, i) => first + i);
    const out = loop.receive(register(loop, config, 0x0c000000, { clientIds: list(FIRST_FORGED) }), ATTACKER);
    expect(loop.server.state.clients.size).toBe(2 + 1 + PER_MESSAGE);
    expect(counted(out, 'client.refused.excess')).toBe(2000 - PER_MESSAGE);
    for (let p = 1; p < 10; p++) loop.receive(register(loop, config, 0x0c000000 + p, { clientIds: list(FIRST_FORGED + p * 2000) }), ATTACKER);
    expect(loop.server.state.clients.size).toBe(2 + NEW_IDS_BURST);
    expectLegitimateDone(loop, a);
    expect(loop.logs.filter((l) => l.startsWith('New clients refused'))).toHaveLength(1);
  });

  test('--max-clients: past the cap a new sender gets an ABORT (Max destinations exceeded), one a second per address', () => {
    const { config, loop, a } = announcing({ maxClients: 5 });
    const out: ServerOutput[] = [];
    for (let i = 0; i < 100; i++) out.push(...loop.receive(register(loop, config, FIRST_FORGED + i), ATTACKER));
    expect(loop.server.state.clients.size).toBe(5);
    expect(counted(out, 'client.refused.full')).toBe(NEW_REGISTRATIONS_BURST - 3);
    expect(counted(out, 'client.refused.rate')).toBe(100 - NEW_REGISTRATIONS_BURST);
    const aborts = out.filter((o): o is Extract<ServerOutput, { type: 'send' }> => o.type === 'send').map((o) => {
      expect(o.to).toEqual(ATTACKER);
      const p = decodePacket(Buffer.from(o.data));
      if (!p.ok || p.value.message.type !== MessageType.ABORT) throw new Error('not an ABORT');
      return [p.value.message.host, Buffer.from(p.value.message.message).toString().replace(/\0.*$/s, '')];
    });
    expect(aborts).toEqual([[FIRST_FORGED + 3, 'Max destinations exceeded']]); // the rest withheld: the address may be forged
    expect(counted(out, 'abort.withheld')).toBe(NEW_REGISTRATIONS_BURST - 4);
    expectLegitimateDone(loop, a);
    expect(loop.logs.filter((l) => l.startsWith('New clients refused'))).toEqual([expect.stringContaining('17 at the limit of 5 (max destinations exceeded)')]);
  });

  test('encrypted (ECDH): forged REGISTERs with a usable key; a burst\'s worth get a key exchange and a KEYINFO entry', () => {
    const encryption: EncryptionConfig = {
      keyType: KeyType.AES256_GCM, hashType: HashType.SHA256, sigType: SigType.AUTHENC, keyexType: KeyExchangeType.ECDH_RSA, curve: 'prime256v1', clientAuth: false,
      key: loadKey('server_rsa.pem'),
    };
    const { config, loop, a } = announcing({ encryption });
    const keyInfo = keyBlob(generateEcdhKey('prime256v1').publicKey);
    const out: ServerOutput[] = [];
    for (let i = 0; i < 2000; i++) out.push(...loop.receive(register(loop, config, FIRST_FORGED + i, { keyInfo }), ATTACKER));
    const forged = [...loop.server.state.clients.values()].filter((c) => c.id >= FIRST_FORGED);
    expect(forged).toHaveLength(NEW_REGISTRATIONS_BURST);
    expect(forged.every((c) => c.crypto?.sessionKeys !== undefined && c.state === 'registered')).toBe(true);
    expect(counted(out, 'client.refused.rate')).toBe(2000 - NEW_REGISTRATIONS_BURST);
    expectLegitimateDone(loop, a);
    expect(loop.logs.filter((l) => /Couldn't get KEYINFO_ACK/.test(l))).toHaveLength(NEW_REGISTRATIONS_BURST);
  });

  test('a REGISTER that fails its key exchange, and CLIENT_KEYs that are not usable, leave no record', () => {
    const encryption: EncryptionConfig = {
      keyType: KeyType.AES256_GCM, hashType: HashType.SHA256, sigType: SigType.AUTHENC, keyexType: KeyExchangeType.RSA, clientAuth: true, key: loadKey('server_rsa.pem'),
    };
    const { config, loop } = announcing({ encryption }, []);
    loop.receive(register(loop, config, FIRST_FORGED, { keyInfo: new Uint8Array(128).fill(1) }), ATTACKER);
    const offCurve = { ...(blobOf(generateKeyPair({ type: 'ec', curve: 'prime256v1' }).publicKey) as EcKeyBlob), key: new Uint8Array(64).fill(1) };
    const clientKey = (id: number, publicKey: KeyBlob = blobOf(generateKeyPair({ type: 'rsa', bits: 1024 }).publicKey)) =>
      packet(config, id, { type: MessageType.CLIENT_KEY, reserved: 0, publicKey, verifySignature: new Uint8Array(128), extensions: NO_EXTENSIONS });
    loop.receive(clientKey(FIRST_FORGED + 1, offCurve), ATTACKER);
    expect(loop.server.state.clients.size).toBe(0);
    // A usable key from a new ID makes a record (its REGISTER may come later), within the rate as REGISTERs.
    const good = clientKey(FIRST_FORGED + 2);
    for (let i = 0; i < 100; i++) {
      good.writeUInt32BE(FIRST_FORGED + 2 + i, 4);
      loop.receive(good, ATTACKER);
    }
    expect(loop.server.state.clients.size).toBe(NEW_REGISTRATIONS_BURST - 2); // two messages above spent a token each
  });

  test('other messages from unknown IDs create nothing', () => {
    const { config, loop } = announcing();
    const ts = { tsSec: 0, tsUsec: 0 };
    const forged: Message[] = [
      { type: MessageType.KEYINFO_ACK, reserved: 0, verifyData: new Uint8Array(12), extensions: NO_EXTENSIONS },
      { type: MessageType.FILEINFO_ACK, fileId: 1, flags: 0, reserved: 0, ...ts, extensions: NO_EXTENSIONS, clientIds: [1, 2, 3] },
      { type: MessageType.STATUS, fileId: 1, section: 0, reserved: 0, extensions: NO_EXTENSIONS, naks: new Uint8Array(64) },
      { type: MessageType.COMPLETE, fileId: 1, status: 0, reserved: 0, extensions: NO_EXTENSIONS, clientIds: [4, 5] },
      { type: MessageType.CC_ACK, reserved: 0, extensions: NO_EXTENSIONS },
      { type: MessageType.ABORT, flags: 0, reserved: 0, host: 0, message: new Uint8Array(300), extensions: NO_EXTENSIONS },
    ];
    for (let i = 0; i < 1000; i++) for (const msg of forged) loop.receive(packet(config, FIRST_FORGED + i, msg), ATTACKER);
    expect(loop.server.state.clients.size).toBe(2);
  });
});

describe('a closed group is bounded by its list, not limited further', () => {
  test('300 listed clients registering from one address all get in', () => {
    const ids = Array.from({ length: 300 }, (_, i) => FIRST_FORGED + i);
    const config = serverConfig({ clients: ids.map((id) => ({ id })) });
    const loop = new Loop(config, [fileItem('c.bin', 100)], []);
    const out: ServerOutput[] = [];
    for (const id of ids) out.push(...loop.receive(register(loop, config, id), ATTACKER));
    expect(loop.server.state.clients.inState('active')).toHaveLength(300);
    expect(counted(out, 'drop.limit')).toBe(0);
  });
});
