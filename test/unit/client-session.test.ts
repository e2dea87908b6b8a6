// The client machine through whole sessions with a simulated server: registration, files, NAKs, the end.
import { randomBytes } from 'node:crypto';
import { CompletionStatus, FileType, MessageType, SigType, type Message } from '../../lib/protocol';
import { DROP_LINES_PER_WINDOW, LogLines } from '../../lib/runtime/log-lines';
import { BLOCK, Harness, PRIVATE, ServerSim, UID, clientConfig } from './client-helpers';

function types(h: Harness, server: ServerSim): string[] {
  return h.messages(server).map((m) => MessageType[m.type]);
}

function blocksOf(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += BLOCK) out.push(data.subarray(i, i + BLOCK));
  return out;
}

/** Sends every block of `data` as file `fileId` (one section: fewer than 8 x BLOCK blocks). */
function sendAll(h: Harness, server: ServerSim, fileId: number, data: Buffer, skip: number[] = []): void {
  blocksOf(data).forEach((b, i) => {
    if (!skip.includes(i)) h.deliver(server.fileSeg(fileId, 0, i, b));
  });
}

describe('client machine: an unencrypted session', () => {
  test('ANNOUNCE -> REGISTER, REG_CONF, FILEINFO -> FILEINFO_ACK, data, DONE -> COMPLETE, DONE 0 -> COMPLETE 0, DONE_CONF', () => {
    const h = new Harness();
    const s = new ServerSim();
    expect(h.joins[0]).toEqual({ join: true, group: '230.4.4.1', sources: undefined });
    h.deliver(s.announce());
    expect(h.joins[1]).toEqual({ join: true, group: PRIVATE, sources: undefined });
    expect(types(h, s)).toEqual(['REGISTER']);
    h.deliver(s.regConf());
    const data = randomBytes(5 * BLOCK + 123);
    h.deliver(s.fileInfo(1, 'dir/file.bin', data.length));
    expect(types(h, s)).toEqual(['REGISTER', 'FILEINFO_ACK']);
    sendAll(h, s, 1, data);
    h.deliver(s.done(1, 0));
    const complete = h.messages(s, MessageType.COMPLETE) as Array<Extract<Message, { type: MessageType.COMPLETE }>>;
    expect(complete).toHaveLength(1);
    expect(complete[0]).toMatchObject({ fileId: 1, status: CompletionStatus.NORMAL });
    expect(h.file('/recv/dir/file.bin')).toEqual(data);
    expect(h.files.get('/recv/dir/file.bin')!.mtimeSec).toBe(1_700_000_000);
    h.deliver(s.done(0, 0));
    expect(h.messages(s, MessageType.COMPLETE)).toHaveLength(2);
    h.deliver(s.doneConf());
    expect(h.client.sessionCount()).toBe(0);
    expect(h.joins.at(-1)).toEqual({ join: false, group: PRIVATE, sources: undefined });
    expect(h.status[0]).toMatch(/^CONNECT;\d{4}\/\d\d\/\d\d-\d\d:\d\d:\d\d;C6120001;1F2E3D4C;198\.18\.0\.1;198\.18\.0\.1$/);
    expect(h.status[1]).toMatch(/^RESULT;.*;C6120001;1F2E3D4C;dir\/file\.bin;5KB;copied$/);
  });

  test('each file done with is reported once as fileDone (the daemon\'s status summary), with or without -F', () => {
    for (const statusFile of [true, false]) {
      const h = new Harness(clientConfig({ statusFile }));
      const s = new ServerSim();
      h.files.set('/recv/old', { data: Buffer.from('keep'), mtimeSec: 1_800_000_000 });
      h.deliver(s.announce({ flags: 0x01 }));
      h.deliver(s.regConf());
      h.deliver(s.fileInfo(1, 'old', 10));
      const data = randomBytes(3 * BLOCK);
      h.deliver(s.fileInfo(2, 'dir/new.bin', data.length));
      sendAll(h, s, 2, data);
      h.deliver(s.done(2, 0));
      h.deliver(s.done(2, 0)); // a repeated DONE: COMPLETE again, but the file was reported already
      expect(h.messages(s, MessageType.COMPLETE).length).toBeGreaterThanOrEqual(3);
      expect(h.done).toEqual([
        { name: 'old', status: CompletionStatus.SKIPPED, size: 10 },
        { name: 'dir/new.bin', status: CompletionStatus.NORMAL, size: data.length },
      ]);
      expect(h.status.length > 0).toBe(statusFile);
    }
  });

  test('a lost block is NAKed one GRTT after DONE, then repaired', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    const data = randomBytes(7 * BLOCK);
    h.deliver(s.fileInfo(1, 'f', data.length));
    sendAll(h, s, 1, data, [2, 5]);
    h.deliver(s.done(1, 0));
    expect(h.messages(s, MessageType.STATUS)).toHaveLength(0);
    h.advance(60);
    const status = h.messages(s, MessageType.STATUS) as Array<Extract<Message, { type: MessageType.STATUS }>>;
    expect(status).toHaveLength(1);
    expect(status[0].section).toBe(0);
    expect([...status[0].naks]).toEqual([0b00100100]);
    h.deliver(s.fileSeg(1, 0, 2, data.subarray(2 * BLOCK, 3 * BLOCK)));
    h.deliver(s.fileSeg(1, 0, 5, data.subarray(5 * BLOCK, 6 * BLOCK)));
    h.deliver(s.done(1, 0));
    expect(h.messages(s, MessageType.COMPLETE)).toHaveLength(1);
    expect(h.file('/recv/f')).toEqual(data);
  });

  test('names that lead outside the destination are rejected, nothing is opened', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    let id = 1;
    for (const name of ['../x', 'a/../../x', '/etc/passwd', '/recv', 'a//b', 'a\\b', '', 'a/./b']) {
      h.deliver(s.fileInfo(id++, name, 10));
    }
    const completes = h.messages(s, MessageType.COMPLETE) as Array<Extract<Message, { type: MessageType.COMPLETE }>>;
    expect(completes.map((c) => c.status)).toEqual(new Array(8).fill(CompletionStatus.REJECTED));
    expect(h.requests.filter((r) => r.op === 'open')).toHaveLength(0);
    expect(h.status.filter((l) => l.endsWith(';rejected'))).toHaveLength(8);
  });

  test('an absolute name under a second -D goes there', () => {
    const h = new Harness(clientConfig({ destDirs: ['/recv', '/other'] }));
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    const data = randomBytes(100);
    h.deliver(s.fileInfo(1, '/other/sub/x', data.length));
    sendAll(h, s, 1, data);
    h.deliver(s.done(1, 0));
    expect(h.file('/other/sub/x')).toEqual(data);
  });

  test('closed group without us: nothing is sent', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.deliver(s.announce({ clientIds: [0x01020304] }));
    expect(h.sent).toHaveLength(0);
    expect(h.logText()).toContain('Name not in host list');
    h.deliver(new ServerSim({ groupId: 7 }).announce({ clientIds: [0x01020304, UID] }));
    expect(h.sent).toHaveLength(1);
  });

  test('closed groups without us, by the hundred: the real line, marked as a drop so the daemon thins them', () => {
    const h = new Harness();
    for (let g = 1; g <= 300; g++) h.deliver(new ServerSim({ groupId: g }).announce({ clientIds: [0x01020304] }));
    const lines = h.logs.filter((l) => l.message === 'Name not in host list');
    expect(lines).toHaveLength(300);
    expect(lines.every((l) => l.drop === 'access' && l.level === 1)).toBe(true);
    expect(h.counts.get('drop.access')).toBe(300);
    const written: string[] = [];
    const thinned = new LogLines({ log: (_level, text) => void written.push(text) }, () => 0);
    for (const l of lines) thinned.write(l);
    thinned.flush();
    expect(written.filter((t) => t === 'Name not in host list')).toHaveLength(DROP_LINES_PER_WINDOW);
    expect(written.at(-1)).toBe(`Dropped ${300 - DROP_LINES_PER_WINDOW} more datagrams (access) in 1 s without a line each`);
  });

  test('REGISTER is repeated every 4 GRTT, then the session is given up with ABORT', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.deliver(s.announce({ robust: 3 }));
    h.advance(1100);
    expect(types(h, s).filter((t) => t === 'REGISTER').length).toBeGreaterThanOrEqual(4);
    expect(types(h, s).at(-1)).toBe('ABORT');
    expect(h.client.sessionCount()).toBe(0);
    expect(h.logText()).toContain('Registration unconfirmed by server');
  });

  test('silence for ROBUST x GRTT (at least 1 s) during a file: ABORT, partial file deleted', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    h.deliver(s.fileInfo(1, 'f', 3 * BLOCK));
    h.deliver(s.fileSeg(1, 0, 0, randomBytes(BLOCK)));
    h.advance(999);
    expect(h.client.sessionCount()).toBe(1);
    h.advance(10);
    expect(types(h, s).at(-1)).toBe('ABORT');
    expect(h.logText()).toContain('Transfer timed out');
    expect(h.file('/recv/f')).toBeUndefined();
  });

  test('-E refuses an unencrypted session with ABORT', () => {
    const h = new Harness(clientConfig({ encryptedOnly: true }));
    const s = new ServerSim();
    h.deliver(s.announce());
    expect(types(h, s)).toEqual(['ABORT']);
    expect(h.logText()).toContain('No unencrypted transfers allowed');
  });

  test('directories, symlinks, delete and free space are answered with COMPLETE at once', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    h.deliver(s.fileInfo(1, 'empty', 0, { fileType: FileType.DIRECTORY }));
    h.deliver(s.fileInfo(2, 'link', 0, { fileType: FileType.SYMLINK, link: Buffer.from('target') }));
    h.deliver(s.fileInfo(3, '.', 0, { fileType: FileType.FREESPACE }));
    const completes = h.messages(s, MessageType.COMPLETE) as Array<Extract<Message, { type: MessageType.COMPLETE }>>;
    expect(completes.map((c) => [c.fileId, c.status])).toEqual([[1, 0], [2, 0], [3, 0]]);
    expect(completes[2].extensions[0]).toMatchObject({ kind: 'freespaceInfo', freespace: BigInt(1e12) });
    expect(h.dirs.has('/recv/empty')).toBe(true);
  });

  test('sync mode: an older file is skipped, a newer one overwrites', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.files.set('/recv/old', { data: Buffer.from('keep'), mtimeSec: 1_800_000_000 });
    h.files.set('/recv/new', { data: Buffer.from('replace'), mtimeSec: 1_600_000_000 });
    h.deliver(s.announce({ flags: 0x01 }));
    h.deliver(s.regConf());
    h.deliver(s.fileInfo(1, 'old', 10));
    const data = randomBytes(10);
    h.deliver(s.fileInfo(2, 'new', 10));
    sendAll(h, s, 2, data);
    h.deliver(s.done(2, 0));
    const completes = h.messages(s, MessageType.COMPLETE) as Array<Extract<Message, { type: MessageType.COMPLETE }>>;
    expect(completes.map((c) => c.status)).toEqual([CompletionStatus.SKIPPED, CompletionStatus.OVERWRITE]);
    expect(h.file('/recv/old')!.toString()).toBe('keep');
    expect(h.file('/recv/new')).toEqual(data);
  });

  test('a failed write (disk full) ends the session with ABORT', () => {
    const h = new Harness(clientConfig({ cacheSize: BLOCK }));
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    h.deliver(s.fileInfo(1, 'f', 3 * BLOCK));
    h.failWrites = 'ENOSPC';
    h.deliver(s.fileSeg(1, 0, 0, randomBytes(BLOCK)));
    expect(types(h, s).at(-1)).toBe('ABORT');
    expect(h.client.sessionCount()).toBe(0);
  });
});

describe('client machine: an encrypted session', () => {
  test('KEYINFO gives the group key; everything after it is sealed; the file arrives', () => {
    const h = new Harness();
    const s = new ServerSim({ encrypted: true });
    h.deliver(s.announce());
    const reg = h.sent[0];
    h.deliver(s.keyInfo(s.read(reg.data)));
    expect(types(h, s)).toEqual(['REGISTER', 'KEYINFO_ACK']);
    const data = randomBytes(3 * BLOCK + 5);
    h.deliver(s.fileInfo(1, 'secret', data.length));
    sendAll(h, s, 1, data);
    h.deliver(s.done(1, 0));
    expect(h.file('/recv/secret')).toEqual(data);
    expect(types(h, s)).toEqual(['REGISTER', 'KEYINFO_ACK', 'FILEINFO_ACK', 'COMPLETE']);
  });

  test('HMAC-signed CBC session', () => {
    const h = new Harness();
    const s = new ServerSim({ encrypted: true, sigType: SigType.HMAC, keyType: 3 });
    h.deliver(s.announce());
    h.deliver(s.keyInfo(s.read(h.sent[0].data)));
    const data = randomBytes(BLOCK);
    h.deliver(s.fileInfo(1, 'x', data.length));
    sendAll(h, s, 1, data);
    h.deliver(s.done(1, 0));
    expect(h.file('/recv/x')).toEqual(data);
  });

  /** The server's KEYINFO with its group master's padding broken: what a forger's decrypts to, every time. */
  function forgedFrom(keyInfo: Buffer): Buffer {
    const forged = Buffer.from(keyInfo);
    forged[forged.length - 17] ^= 0x01; // the last byte of the middle CBC block flips the padding byte after it
    return forged;
  }

  test('a forged KEYINFO naming us is dropped, while registering and after: the server\'s own still counts', () => {
    const h = new Harness();
    const s = new ServerSim({ encrypted: true });
    h.deliver(s.announce());
    const genuine = s.keyInfo(s.read(h.sent[0].data));
    h.deliver(forgedFrom(genuine)); // first: the real uftpd aborts here
    expect(types(h, s)).toEqual(['REGISTER']);
    expect(h.logs.find((l) => l.message.includes('Decrypt failed for group master'))?.drop).toBe('crypto');
    h.deliver(genuine);
    expect(types(h, s)).toEqual(['REGISTER', 'KEYINFO_ACK']);
    h.deliver(forgedFrom(genuine)); // registered: the real uftpd does not decrypt again; ours aborted here
    h.deliver(genuine); // the server's repeat: acknowledged again
    expect(types(h, s)).toEqual(['REGISTER', 'KEYINFO_ACK', 'KEYINFO_ACK']);
    const data = randomBytes(2 * BLOCK);
    h.deliver(s.fileInfo(1, 'kept', data.length));
    sendAll(h, s, 1, data);
    h.deliver(s.done(1, 0));
    expect(h.file('/recv/kept')).toEqual(data);
    expect(h.counts.get('key_exchange.server.failed')).toBe(2);
  });

  test('only forged KEYINFOs came: the registration runs out and the server is told the decrypt failed', () => {
    const h = new Harness();
    const s = new ServerSim({ encrypted: true });
    h.deliver(s.announce({ robust: 3 }));
    h.deliver(forgedFrom(s.keyInfo(s.read(h.sent[0].data))));
    h.advance(60_000);
    const aborts = h.messages(s, MessageType.ABORT) as Array<Extract<Message, { type: MessageType.ABORT }>>;
    expect(aborts.map((a) => Buffer.from(a.message).toString().replace(/\0.*$/s, ''))).toEqual(['Decrypt failed for group master']);
  });

  test('a forged KEYINFO\'s GRTT is not taken: REGISTER goes on every 4 GRTT of the server\'s', () => {
    const h = new Harness();
    const s = new ServerSim({ encrypted: true });
    h.deliver(s.announce());
    const forged = forgedFrom(s.keyInfo(s.read(h.sent[0].data)));
    forged[13] = 0xff; // the header's GRTT byte: the largest there is
    h.deliver(forged);
    for (let i = 0; i < 10; i++) {
      h.advance(200);
      h.deliver(s.announce()); // the server announces on (without, the session ends after a second)
    }
    expect(types(h, s).filter((t) => t === 'REGISTER').length).toBeGreaterThan(6); // 4 x 0.053 s apart
  });

  test('clear FILEINFO in an encrypted session is refused', () => {
    const h = new Harness();
    const s = new ServerSim({ encrypted: true });
    h.deliver(s.announce());
    h.deliver(s.keyInfo(s.read(h.sent[0].data)));
    const keys = s.groupKeys;
    s.groupKeys = undefined;
    h.deliver(s.fileInfo(1, 'x', 1));
    s.groupKeys = keys;
    expect(h.logText()).toContain('not encrypted');
    expect(types(h, s)).toEqual(['REGISTER', 'KEYINFO_ACK']);
  });
});
