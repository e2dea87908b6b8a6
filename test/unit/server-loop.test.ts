// Our server machine and our client machine, in memory: whole sessions, plain and encrypted, with loss.
import { randomBytes } from 'node:crypto';
import { HashType, KeyExchangeType, KeyType, SigType } from '../../lib/protocol';
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
