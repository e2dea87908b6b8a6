// What the client machine does with what is already at a name, as the real uftpd 4.10.2 does it
// (docs/client-notes.md §7, test/lab/uftpd-output.test.ts): an empty directory or a symlink does not
// replace an entry that is there (rejected, the entry left alone); with -t (no -A) a directory at a
// regular file's name is refused before anything is opened; a delete that fails is reported rejected.
import { Client } from '../../lib/client';
import type { ClientOutput, FileRequest } from '../../lib/client/types';
import { CompletionStatus, FileType, MessageType, type Message } from '../../lib/protocol';
import { Harness, SERVER, ServerSim, clientConfig } from './client-helpers';

type Complete = Extract<Message, { type: MessageType.COMPLETE }>;

function completes(h: Harness, s: ServerSim): Array<[number, number]> {
  return (h.messages(s, MessageType.COMPLETE) as Complete[]).map((c) => [c.fileId, c.status]);
}

function session(h: Harness, s: ServerSim, flags = 0): void {
  h.deliver(s.announce({ flags }));
  h.deliver(s.regConf());
}

describe('client machine: entries already at a name', () => {
  test('an empty directory where a file or a symlink is: rejected, the entry left alone', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.files.set('/recv/isfile', { data: Buffer.from('a file'), mtimeSec: 1 });
    session(h, s);
    h.deliver(s.fileInfo(1, 'isfile', 0, { fileType: FileType.DIRECTORY }));
    expect(completes(h, s)).toEqual([[1, CompletionStatus.REJECTED]]);
    expect(h.logText()).toContain('Failed to create directory /recv/isfile: File exists');
    expect(h.requests.map((r) => r.op)).not.toContain('mkdir');
    expect(h.file('/recv/isfile')!.toString()).toBe('a file');
    expect(h.status.at(-1)).toMatch(/;isfile;0KB;rejected$/);
  });

  test('an empty directory that is there: skipped (not the real one\'s rejected, see client-notes §10)', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.dirs.add('/recv/there');
    session(h, s);
    h.deliver(s.fileInfo(1, 'there', 0, { fileType: FileType.DIRECTORY }));
    expect(completes(h, s)).toEqual([[1, CompletionStatus.SKIPPED]]);
  });

  test('a symlink where a file, a directory or a symlink is: rejected; where nothing is: made', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.files.set('/recv/isfile', { data: Buffer.from('a file'), mtimeSec: 1 });
    h.dirs.add('/recv/isdir');
    session(h, s);
    const link = (id: number, name: string): Buffer => s.fileInfo(id, name, 0, { fileType: FileType.SYMLINK, link: Buffer.from('target') });
    h.deliver(link(1, 'isfile'));
    h.deliver(link(2, 'isdir'));
    h.deliver(link(3, 'new'));
    h.deliver(link(4, 'new')); // the link just made is there now
    expect(completes(h, s)).toEqual([[1, CompletionStatus.REJECTED], [2, CompletionStatus.REJECTED], [3, CompletionStatus.NORMAL], [4, CompletionStatus.REJECTED]]);
    expect(h.requests.filter((r) => r.op === 'symlink')).toHaveLength(1);
    expect(h.file('/recv/isfile')!.toString()).toBe('a file');
    expect(h.logText()).toContain('Failed to create symlink /recv/isfile: File exists');
  });

  test('-t without -A: a directory at a file\'s name is refused before anything is opened', () => {
    const h = new Harness(clientConfig({ tempFiles: true }));
    const s = new ServerSim();
    h.dirs.add('/recv/isdir');
    session(h, s);
    h.deliver(s.fileInfo(1, 'isdir', 100));
    h.deliver(s.fileInfo(2, 'plain', 100));
    expect(completes(h, s)).toEqual([[1, CompletionStatus.REJECTED]]);
    expect(h.logText()).toContain('Error opening data file /recv/isdir: Is a directory');
    const opened = h.requests.filter((r): r is Extract<FileRequest, { op: 'open' }> => r.op === 'open').map((r) => r.place.path.toString());
    expect(opened).toEqual(['plain.~uftp-1F2E3D4C-0002']);
    expect(h.messages(s, MessageType.FILEINFO_ACK)).toHaveLength(1);
  });

  test('-t with -A: the same file is received (the directory goes to the backup at the end)', () => {
    const h = new Harness(clientConfig({ tempFiles: true, backupDirs: ['/backup'] }));
    const s = new ServerSim();
    h.dirs.add('/recv/isdir');
    session(h, s);
    h.deliver(s.fileInfo(1, 'isdir', 100));
    expect(completes(h, s)).toEqual([]);
    expect(h.messages(s, MessageType.FILEINFO_ACK)).toHaveLength(1);
  });
});

describe('client machine: a delete request', () => {
  test('that fails (the entry is still there) is answered rejected; one that succeeds, copied', () => {
    // Driven by hand, so that the remove can be answered with a failure (EUNSAFE: a symlink on the way
    // into -A's backup directory, say).
    const client = new Client(clientConfig({ backupDirs: ['/backup'] }));
    const s = new ServerSim();
    const clock = { now: 0, wall: Date.now() };
    const sent: Buffer[] = [];
    const status: string[] = [];
    const removes: number[] = [];
    const take = (outs: ClientOutput[]): void => {
      for (const o of outs) {
        if (o.type === 'send') sent.push(Buffer.from(o.data));
        if (o.type === 'status') status.push(o.line);
        if (o.type === 'file' && o.request.op === 'remove') removes.push(o.request.id);
      }
    };
    const del = (id: number, name: string): Buffer => s.fileInfo(id, name, 0, { fileType: FileType.DELETE });
    take(client.start(clock));
    take(client.receive(s.announce(), SERVER, clock));
    take(client.receive(s.regConf(), SERVER, clock));
    take(client.receive(del(1, 'old.txt'), SERVER, clock));
    take(client.handle({ type: 'fileResult', result: { id: removes[0], ok: false, code: 'EUNSAFE', message: 'a symlink on the way' } }, clock));
    take(client.receive(del(2, 'missing.txt'), SERVER, clock));
    take(client.handle({ type: 'fileResult', result: { id: removes[1], ok: true, value: { kind: 'done' } } }, clock));
    const done = sent.map((d) => s.read(d).msg).filter((m): m is Complete => m.type === MessageType.COMPLETE);
    expect(done.map((c) => [c.fileId, c.status])).toEqual([[1, CompletionStatus.REJECTED], [2, CompletionStatus.NORMAL]]);
    expect(status.filter((l) => l.startsWith('RESULT;')).map((l) => l.split(';').slice(4).join(';'))).toEqual(['old.txt;0KB;rejected', 'missing.txt;0KB;copied']);
  });
});
