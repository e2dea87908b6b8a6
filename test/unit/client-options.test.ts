// The client machine under the options that change where files go and what is said about them:
// -t, -T (with and without -i), -A, -s, a restarted session resuming its half-received file, -R.
import { randomBytes } from 'node:crypto';
import { CompletionStatus, FILEINFO_ACK_PARTIAL, MessageType, NO_EXTENSIONS, type Message } from '../../lib/protocol';
import { signMessage } from '../../lib/crypto';
import { encodePacket } from '../../lib/protocol';
import { groupless, NONCE_HASH } from '../../lib/session/heartbeat';
import { blobOf, nonceBytes } from '../../lib/session/keys';
import { BLOCK, Harness, ServerSim, clientConfig, loadKey } from './client-helpers';

function fileOf(h: Harness, s: ServerSim, fileId: number, name: string, data: Buffer, skip: number[] = []): void {
  h.deliver(s.fileInfo(fileId, name, data.length));
  for (let i = 0; i * BLOCK < data.length; i++) if (!skip.includes(i)) h.deliver(s.fileSeg(fileId, 0, i, data.subarray(i * BLOCK, (i + 1) * BLOCK)));
}

describe('client machine: where files go', () => {
  test('-t: received into name.~uftp-GGGGGGGG-FFFF, renamed when complete', () => {
    const h = new Harness(clientConfig({ tempFiles: true }));
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    const data = randomBytes(2 * BLOCK);
    fileOf(h, s, 3, 'a/b', data);
    const open = h.requests.find((r) => r.op === 'open') as Extract<typeof h.requests[number], { op: 'open' }>;
    expect(open.place.path.toString()).toBe('a/b.~uftp-1F2E3D4C-0003');
    expect(h.file('/recv/a/b.~uftp-1F2E3D4C-0003')).toBeDefined();
    h.deliver(s.done(3, 0));
    expect(h.file('/recv/a/b')).toEqual(data);
    expect(h.file('/recv/a/b.~uftp-1F2E3D4C-0003')).toBeUndefined();
  });

  test('-A: an existing file is backed up (index of its destination), stamped with the session start', () => {
    const h = new Harness(clientConfig({ destDirs: ['/recv', '/other'], backupDirs: ['/b0', '/b1'] }));
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    fileOf(h, s, 1, '/other/x', randomBytes(10));
    const open = h.requests.find((r) => r.op === 'open') as Extract<typeof h.requests[number], { op: 'open' }>;
    expect(open.backupIndex).toBe(1);
    expect(open.when).toBe(Date.UTC(2026, 11, 4, 10, 0, 0));
  });

  test('-T: files wait in _group_<ID>, move at the end; -s runs once with the top-level entries', () => {
    const h = new Harness(clientConfig({ tempDir: '/tmpdir', postReceive: true }));
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    const one = randomBytes(100);
    const two = randomBytes(200);
    fileOf(h, s, 1, 'one', one);
    h.deliver(s.done(1, 0));
    fileOf(h, s, 2, 'd/two', two);
    h.deliver(s.done(2, 0));
    expect(h.file('/tmpdir/_group_1F2E3D4C/one')).toEqual(one);
    expect(h.scripts).toEqual([]);
    h.deliver(s.done(0, 0));
    h.deliver(s.doneConf());
    expect(h.file('/recv/one')).toEqual(one);
    expect(h.file('/recv/d/two')).toEqual(two);
    expect(h.scripts).toEqual([{ groupId: 0x1f2e3d4c, paths: ['/recv/one', '/recv/d/two'] }]);
  });

  test('-T -i: -s runs once per file moved', () => {
    const h = new Harness(clientConfig({ tempDir: '/tmpdir', postReceive: true, moveIndividually: true }));
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    fileOf(h, s, 1, 'one', randomBytes(10));
    h.deliver(s.done(1, 0));
    fileOf(h, s, 2, 'two', randomBytes(10));
    h.deliver(s.done(2, 0));
    h.deliver(s.done(0, 0));
    h.deliver(s.doneConf());
    expect(h.scripts.map((x) => x.paths)).toEqual([['/recv/one'], ['/recv/two']]);
  });

  test('without -T, -s runs as each file completes', () => {
    const h = new Harness(clientConfig({ postReceive: true }));
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    fileOf(h, s, 1, 'one', randomBytes(10));
    h.deliver(s.done(1, 0));
    expect(h.scripts).toEqual([{ groupId: 0x1f2e3d4c, paths: ['/recv/one'] }]);
  });

  test('with -T, an interrupted session leaves restart state; the restarted one resumes with PARTIAL and NAKs', () => {
    const h = new Harness(clientConfig({ tempDir: '/tmpdir' }));
    const first = new ServerSim({ inst: 0 });
    h.deliver(first.announce());
    h.deliver(first.regConf());
    const data = randomBytes(6 * BLOCK);
    fileOf(h, first, 1, 'big', data, [1, 4]);
    h.advance(2000); // the server went away
    expect(h.restart.has(0x1f2e3d4c)).toBe(true);
    expect(h.file('/tmpdir/_group_1F2E3D4C/big')).toBeDefined();

    const again = new ServerSim({ inst: 1 });
    h.sent.length = 0;
    h.deliver(again.announce());
    h.deliver(again.regConf());
    h.deliver(again.fileInfo(1, 'big', data.length));
    const ack = h.messages(again, MessageType.FILEINFO_ACK)[0] as Extract<Message, { type: MessageType.FILEINFO_ACK }>;
    expect(ack.flags & FILEINFO_ACK_PARTIAL).toBe(FILEINFO_ACK_PARTIAL);
    h.deliver(again.done(1, 0));
    h.advance(1); // the NAK timer of a resumed file runs out at once
    const status = h.messages(again, MessageType.STATUS) as Array<Extract<Message, { type: MessageType.STATUS }>>;
    expect(status).toHaveLength(1);
    expect([...status[0].naks]).toEqual([0b010010]);
    h.deliver(again.fileSeg(1, 0, 1, data.subarray(BLOCK, 2 * BLOCK)));
    h.deliver(again.fileSeg(1, 0, 4, data.subarray(4 * BLOCK, 5 * BLOCK)));
    h.deliver(again.done(1, 0));
    expect(h.messages(again, MessageType.COMPLETE)).toHaveLength(1);
    expect(h.file('/tmpdir/_group_1F2E3D4C/big')).toEqual(data);
  });

  test.each<[string, { tempDir?: string }]>([
    ['without -T', {}],
    ['with -T', { tempDir: '/tmpdir' }],
  ])('%s: an ANNOUNCE of the running group with a higher instance, never confirmed, leaves the running session alone', (_label, opts) => {
    const h = new Harness(clientConfig(opts));
    const running = new ServerSim({ inst: 0 });
    h.deliver(running.announce());
    h.deliver(running.regConf());
    const data = randomBytes(4 * BLOCK);
    fileOf(h, running, 1, 'f', data, [3]);
    const forged = new ServerSim({ inst: 1 }); // anyone on the segment can send this: ANNOUNCEs are not signed
    h.deliver(forged.announce());
    expect(h.messages(running, MessageType.ABORT)).toHaveLength(0);
    h.deliver(running.fileSeg(1, 0, 3, data.subarray(3 * BLOCK)));
    h.deliver(running.done(1, 0));
    expect(h.messages(running, MessageType.COMPLETE)).toHaveLength(1);
    expect(h.file(opts.tempDir ? '/tmpdir/_group_1F2E3D4C/f' : '/recv/f')).toEqual(data);
    expect(h.logText()).not.toContain('Session restarted');
  });

  test('with -T, a restart confirmed while the earlier instance still runs ends that one and resumes its file', () => {
    const h = new Harness(clientConfig({ tempDir: '/tmpdir' }));
    const first = new ServerSim({ inst: 0 });
    h.deliver(first.announce());
    h.deliver(first.regConf());
    const data = randomBytes(6 * BLOCK);
    fileOf(h, first, 1, 'big', data, [2, 5]);
    const again = new ServerSim({ inst: 1 });
    h.deliver(again.announce());
    expect(h.messages(first, MessageType.ABORT)).toHaveLength(0); // not at the ANNOUNCE ...
    h.deliver(again.regConf());
    expect(h.messages(first, MessageType.ABORT)).toHaveLength(1); // ... but once the new instance is confirmed
    h.sent.length = 0; // both instances answer the same server address
    h.deliver(again.fileInfo(1, 'big', data.length));
    const ack = h.messages(again, MessageType.FILEINFO_ACK)[0] as Extract<Message, { type: MessageType.FILEINFO_ACK }>;
    expect(ack.flags & FILEINFO_ACK_PARTIAL).toBe(FILEINFO_ACK_PARTIAL);
    h.deliver(again.done(1, 0));
    h.advance(1);
    const status = h.messages(again, MessageType.STATUS) as Array<Extract<Message, { type: MessageType.STATUS }>>;
    expect([...status[0].naks]).toEqual([0b100100]);
  });

  test('-R: REGISTER goes to the response proxy; encrypted sessions wait for its PROXY_KEY', () => {
    const proxy = { address: '198.18.0.9', port: 1044 };
    const h = new Harness(clientConfig({ responseProxy: proxy }));
    h.advance(1);
    expect(h.sent[0].to).toEqual(proxy); // KEY_REQ at start
    const s = new ServerSim({ encrypted: true });
    h.deliver(s.announce());
    expect(h.logText()).toContain("Response proxy set but haven't gotten key yet");
    const proxyKey = loadKey('server_rsa.pem');
    const nonce = 0x01020304;
    const pk = groupless(0x0a0b0c0d, {
      type: MessageType.PROXY_KEY, nonce, publicKey: blobOf(proxyKey.key), dhKey: null,
      signedNonce: signMessage(NONCE_HASH, proxyKey.key, nonceBytes(nonce)), extensions: NO_EXTENSIONS,
    });
    h.deliver(pk, proxy);
    expect(h.logText()).toContain('Received PROXY_KEY from 198.18.0.9');
    const again = new ServerSim({ encrypted: true, groupId: 99 });
    h.sent.length = 0;
    h.deliver(again.announce());
    expect(h.sent.map((x) => x.to)).toEqual([proxy]);
  });

  test('a second FILEINFO for a finished file gets the same COMPLETE again', () => {
    const h = new Harness();
    const s = new ServerSim({ });
    h.deliver(s.announce());
    h.deliver(s.regConf());
    h.deliver(s.fileInfo(1, '../bad', 5));
    h.deliver(s.fileInfo(1, '../bad', 5));
    const completes = h.messages(s, MessageType.COMPLETE) as Array<Extract<Message, { type: MessageType.COMPLETE }>>;
    expect(completes.map((c) => c.status)).toEqual([CompletionStatus.REJECTED, CompletionStatus.REJECTED]);
    void encodePacket;
  });
});
