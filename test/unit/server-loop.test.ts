// Our server machine and our client machine, in memory: whole sessions, plain and encrypted, with loss.
import { randomBytes } from 'node:crypto';
import { generateKeyPair } from '../../lib/crypto/key-pair';
import { HashType, KeyExchangeType, KeyType, MessageType, NO_EXTENSIONS, SigType, UFTP_VERSION, encodePacket, type Message } from '../../lib/protocol';
import { blobOf } from '../../lib/session/keys';
import type { ServerOutput } from '../../lib/server/types';
import { Loop, clientOf, serverConfig } from './server-helpers';
import { loadKey } from './client-helpers';

function fileItem(name: string, size: number) {
  const data = randomBytes(size);
  return { kind: 'file' as const, name: Buffer.from(name), localPath: `/src/${name}`, size, mtimeSec: 1_700_000_000, data };
}

describe('server machine with client machines, in memory', () => {
  test('one file to two clients, unencrypted', () => {
    const a = fileItem('a.bin', 25_000);
    const loop = new Loop(serverConfig(), [a], [clientOf(0x0a000002), clientOf(0x0a000003)]);
    const outcome = loop.run();
    expect(outcome.exitCode).toBe(0);
    for (const h of loop.clients) expect(h.file('/recv/a.bin')).toEqual(a.data);
    expect(outcome.clients.map((c) => c.status)).toEqual(['completed', 'completed']);
    expect(loop.status.filter((l) => l.startsWith('RESULT'))).toHaveLength(2);
  });

  test('several files, a directory and a link, with 10% loss', () => {
    const one = fileItem('x/one', 40_000);
    const two = fileItem('two', 999);
    const items = [one, two, { kind: 'directory' as const, name: Buffer.from('empty') }, { kind: 'symlink' as const, name: Buffer.from('ln'), target: Buffer.from('two') }];
    const loop = new Loop(serverConfig(), items, [clientOf(0x0a000002)]);
    loop.loss = 0.1;
    const outcome = loop.run();
    expect(outcome.exitCode).toBe(0);
    expect(loop.clients[0].file('/recv/x/one')).toEqual(one.data);
    expect(loop.clients[0].file('/recv/two')).toEqual(two.data);
    expect(loop.logs.some((l) => /Got \d+ NAKs/.test(l))).toBe(true);
  });

  test('encrypted (aes256-gcm, RSA key exchange)', () => {
    const a = fileItem('s.bin', 12_345);
    const key = loadKey('server_rsa.pem');
    const encryption = { keyType: KeyType.AES256_GCM, hashType: HashType.SHA256, sigType: SigType.AUTHENC, keyexType: KeyExchangeType.RSA, clientAuth: false, key };
    const loop = new Loop(serverConfig({ encryption }), [a], [clientOf(0x0a000002)]);
    const outcome = loop.run();
    expect(outcome.exitCode).toBe(0);
    expect(loop.clients[0].file('/recv/s.bin')).toEqual(a.data);
  });

  test('closed group with a client that never answers: the other completes, the missing one is reported', () => {
    const a = fileItem('c.bin', 3000);
    const loop = new Loop(serverConfig({ clients: [{ id: 0x0a000002 }, { id: 0x0a0000ff }] }), [a], [clientOf(0x0a000002)]);
    const outcome = loop.run();
    expect(outcome.exitCode).toBe(0);
    expect(outcome.clients.find((c) => c.id === 0x0a0000ff)?.status).toBe('never-registered');
    expect(loop.clients[0].file('/recv/c.bin')).toEqual(a.data);
  });

  test('progress: the bytes climb, NAKs and clients done are counted, the last event of a file is final', () => {
    const a = fileItem('p.bin', 300_000);
    const loop = new Loop(serverConfig({ rateKbps: 4000 }), [a], [clientOf(0x0a000002), clientOf(0x0a000003)]);
    loop.loss = 0.05;
    expect(loop.run().exitCode).toBe(0);
    const p = loop.progress;
    expect(p.length).toBeGreaterThan(3);
    const firstPass = p.filter((e) => e.pass === 1).map((e) => e.sentBytes);
    expect(firstPass).toEqual([...firstPass].sort((x, y) => x - y));
    expect(p.some((e) => e.pass > 1 && e.naks > 0)).toBe(true);
    expect(p.filter((e) => e.final)).toHaveLength(1);
    const last = p[p.length - 1];
    expect(last).toMatchObject({ final: true, name: 'p.bin', sentBytes: 300_000, clientsDone: 2, clientsTotal: 2 });
    expect(last.rate).toBeGreaterThan(0); // the transfer's average, not the idle moment at its end
  });

  test('no client at all: exit 7', () => {
    const loop = new Loop(serverConfig(), [fileItem('n', 10)], []);
    expect(loop.run().exitCode).toBe(7);
  });
});

describe('server machine with TFMCC, in memory', () => {
  test('-C tfmcc: the file arrives, CONG_CTRL goes out, the client gives feedback', () => {
    const a = fileItem('cc.bin', 200_000);
    const loop = new Loop(serverConfig({ cc: { type: 2 } }), [a], [clientOf(0x0a000002)]);
    loop.loss = 0.02;
    const outcome = loop.run();
    expect(outcome.exitCode).toBe(0);
    expect(loop.clients[0].file('/recv/cc.bin')).toEqual(a.data);
  });
});

// Answers a client would send, in a registered client's name or a stranger's (the lab's uftp-hostile test sends
// them to the real socket): they must change nothing, and their log lines are marked as drops (thinned by the runner).
describe('server machine against forged answers, in memory', () => {
  const GROUP = serverConfig().groupId;
  let seq = 0x4000;
  function packet(srcId: number, msg: Message): Buffer {
    return encodePacket({ version: UFTP_VERSION, func: msg.type, seq: seq++, srcId, groupId: GROUP, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 }, msg);
  }
  function register(srcId: number, clientIds: number[]): Buffer {
    const now = Date.UTC(2026, 11, 4, 12, 0, 0);
    return packet(srcId, {
      type: MessageType.REGISTER, tsSec: Math.floor(now / 1000), tsUsec: 0, random: new Uint8Array(32), keyInfo: new Uint8Array(0),
      extensions: NO_EXTENSIONS, clientIds,
    });
  }
  function clientKey(srcId: number): Buffer {
    const { publicKey } = generateKeyPair({ type: 'rsa', bits: 1024 });
    return packet(srcId, { type: MessageType.CLIENT_KEY, reserved: 0, publicKey: blobOf(publicKey), verifySignature: new Uint8Array(128), extensions: NO_EXTENSIONS });
  }
  function forge(loop: Loop, datagrams: Buffer[]): ServerOutput[] {
    return datagrams.flatMap((d) => [...loop.server.receive(d, { address: '198.18.0.66', port: 1044 }, loop.clock())]);
  }
  const [A, B] = [0x0a000002, 0x0a000003];

  test('mid-transfer: REGISTER listing clients in a client\'s name, REGISTER and CLIENT_KEY from strangers change nothing', () => {
    const f = fileItem('f.bin', 60_000);
    const loop = new Loop(serverConfig(), [f], [clientOf(A), clientOf(B)]);
    loop.runUntil(() => loop.server.state.phase === 'transfer');
    expect(loop.server.state.phase).toBe('transfer');
    const out = forge(loop, [register(A, [0x0b000001, 0x0b000002]), register(A, []), register(0x0b000009, []), clientKey(0x0b00000a)]);
    expect(out.filter((o) => o.type === 'send')).toEqual([]);
    const logs = out.filter((o): o is Extract<ServerOutput, { type: 'log' }> => o.type === 'log');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((l) => l.drop !== undefined)).toBe(true);
    expect(loop.server.state.clients.get(A)?.isProxy).toBe(false);
    expect(loop.server.state.clients.size).toBe(2); // nobody joined
    const outcome = loop.run();
    expect(outcome.exitCode).toBe(0);
    expect(outcome.clients.map((c) => [c.id, c.status])).toEqual([[A, 'completed'], [B, 'completed']]);
    for (const h of loop.clients) expect(h.file('/recv/f.bin')).toEqual(f.data);
  });

  test('announce phase: a registered client is not turned into a proxy by a REGISTER listing clients', () => {
    const f = fileItem('g.bin', 5_000);
    const loop = new Loop(serverConfig(), [f], [clientOf(A), clientOf(B)]);
    loop.runUntil(() => loop.server.state.clients.get(A)?.registered === true);
    expect(loop.server.state.phase).toBe('announce');
    const out = forge(loop, [register(A, [0x0b000001])]);
    expect(out.filter((o) => o.type === 'send')).toEqual([]); // the client itself is not aborted either
    expect(loop.server.state.clients.get(A)?.isProxy).toBe(false);
    expect(loop.server.state.clients.get(0x0b000001)).toBeUndefined();
    const outcome = loop.run();
    expect(outcome.clients.map((c) => [c.id, c.status])).toEqual([[A, 'completed'], [B, 'completed']]);
  });

  test('mid-transfer: COMPLETE and STATUS for another file, STATUS past the file, CLIENT_KEY unencrypted: drop lines only', () => {
    const f = fileItem('h.bin', 60_000);
    const loop = new Loop(serverConfig(), [f], [clientOf(A)]);
    loop.runUntil(() => loop.server.state.phase === 'transfer');
    const other = { fileId: 0x0778, reserved: 0, extensions: NO_EXTENSIONS };
    const out = forge(loop, [
      packet(A, { type: MessageType.COMPLETE, ...other, status: 0, clientIds: [] }),
      packet(A, { type: MessageType.STATUS, ...other, section: 0, naks: new Uint8Array(64) }),
      packet(A, { type: MessageType.STATUS, fileId: 1, section: 999, reserved: 0, extensions: NO_EXTENSIONS, naks: new Uint8Array(64) }),
      clientKey(A),
    ]);
    const logs = out.filter((o): o is Extract<ServerOutput, { type: 'log' }> => o.type === 'log');
    expect(logs).toHaveLength(4);
    expect(logs.every((l) => l.drop !== undefined)).toBe(true);
    expect(out.filter((o) => o.type === 'count').length).toBe(4);
    expect(loop.run().clients.map((c) => c.status)).toEqual(['completed']);
  });
});
