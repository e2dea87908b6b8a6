// Client machine bugs found by the uftpd lab tests (test/lab/uftpd-*.test.ts), each pinned down here
// without the network.
import { randomBytes } from 'node:crypto';
import { CompletionStatus, MessageType, type Message } from '../../lib/protocol';
import { BLOCK, Harness, ServerSim, clientConfig } from './client-helpers';

type Complete = Extract<Message, { type: MessageType.COMPLETE }>;

describe('client machine: findings of the lab tests', () => {
  // `uftp -M <client address>` announces a blank private address: the whole session is unicast. The real
  // uftpd registers and receives; ours aborted with "Invalid multicast address: 0.0.0.0".
  test.each([
    ['IPv4', '198.18.0.2', '0.0.0.0'],
    ['IPv6', 'fd00:198:18::2', '::'],
  ])('unicast session (%s: announced to %s, private address %s): registers, joins nothing, receives the file', (_f, publicAddr, privateAddr) => {
    const h = new Harness(clientConfig({ serverList: undefined }));
    const s = new ServerSim();
    const joinsBefore = h.joins.length;
    h.deliver(s.announce({ publicAddr, privateAddr, flags: privateAddr === '::' ? 0x04 : 0 }));
    expect(h.messages(s).map((m) => MessageType[m.type])).toEqual(['REGISTER']);
    expect(h.joins.slice(joinsBefore)).toEqual([]);
    h.deliver(s.regConf());
    const data = randomBytes(3 * BLOCK + 10);
    h.deliver(s.fileInfo(1, 'uni.bin', data.length));
    for (let i = 0; i * BLOCK < data.length; i++) h.deliver(s.fileSeg(1, 0, i, data.subarray(i * BLOCK, (i + 1) * BLOCK)));
    h.deliver(s.done(1, 0));
    expect((h.messages(s, MessageType.COMPLETE) as Complete[])[0]).toMatchObject({ fileId: 1, status: CompletionStatus.NORMAL });
    expect(h.file('/recv/uni.bin')).toEqual(data);
    h.deliver(s.done(0, 0));
    h.deliver(s.doneConf());
    expect(h.client.sessionCount()).toBe(0);
    expect(h.joins.slice(joinsBefore)).toEqual([]); // nothing joined, so nothing left
    expect(h.messages(s, MessageType.ABORT)).toHaveLength(0);
  });
});
