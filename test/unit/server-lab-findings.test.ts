// What the lab tests of our uftp against the real uftpd found (test/lab/uftp-*.test.ts), pinned down in
// memory: our server machine and our client machines on one fake clock.
import { randomBytes } from 'node:crypto';
import { CongestionControl, MessageType, NO_EXTENSIONS, UFTP_VERSION, decodePacket, encodePacket, quantizeGrtt, type CongCtrl } from '../../lib/protocol';
import { Loop, clientOf, serverConfig } from './server-helpers';

function fileItem(name: string, size: number) {
  const data = randomBytes(size);
  return { kind: 'file' as const, name: Buffer.from(name), localPath: `/src/${name}`, size, mtimeSec: 1_700_000_000, data };
}

describe('server machine: lab findings', () => {
  // The real uftp, interrupted during a file's transfer, prints that file's report with every client
  // Aborted before it ends (exit 6). Ours ended without a report.
  test('interrupted during a transfer: the file is reported, its clients Aborted; earlier files stay Completed', () => {
    const first = fileItem('first.bin', 2000);
    const big = fileItem('big.bin', 2_000_000);
    const loop = new Loop(serverConfig({ rateKbps: 8000 }), [first, big], [clientOf(0x0a000002)]);
    loop.runUntil(() => loop.server.state.phase === 'transfer' && loop.server.state.file?.fileId === 2);
    expect(loop.outcome).toBeUndefined();
    loop.input({ type: 'interrupt' });
    expect(loop.outcome?.exitCode).toBe(6);
    const hosts = loop.logs.filter((l) => l.startsWith('Host: '));
    expect(hosts).toHaveLength(2);
    expect(hosts[0]).toMatch(/^Host: 0x0A000002\s+Status: Completed/);
    expect(hosts[1]).toMatch(/^Host: 0x0A000002\s+Status: Aborted$/);
  });

  // protocol.txt 3.2: a STATUS counts only for a section before the one being sent. Real clients answer
  // the last DONE of a pass more than once; the late copies came in while the next pass sent an earlier
  // section, and ours took them (logging "Got N NAKs" again, marking the client as NAKing this pass, so
  // it was left out of the next DONE). The real uftp ignores them.
  test('a STATUS for the section being sent, or a later one, is dropped; one for an earlier section counts', () => {
    const CLIENT = 0x0a000002;
    const big = fileItem('three-sections.bin', 5_000_000); // -b 512: sections of 4096 blocks, 3 of them
    const loop = new Loop(serverConfig({ blockSize: 512 }), [big], [clientOf(CLIENT)]);
    const state = loop.server.state;
    loop.runUntil(() => state.phase === 'transfer' && state.file?.transfer?.lastSection === 1);
    const t = state.file!.transfer!;
    const status = (section: number, blocks: number[]): Buffer => {
      const naks = new Uint8Array((t.layout.sectionLength(section) >> 3) + 1);
      for (const b of blocks) naks[b >> 3] |= 1 << (b & 7);
      const header = { version: UFTP_VERSION, func: MessageType.STATUS, seq: 1, srcId: CLIENT, groupId: 0x12345678, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 };
      return encodePacket(header, { type: MessageType.STATUS, fileId: state.file!.fileId, section, reserved: 0, extensions: NO_EXTENSIONS, naks });
    };
    const from = { address: '198.18.0.10', port: 1044 };
    const logsOf = (out: ReturnType<typeof loop.server.receive>): string[] => out.flatMap((o) => (o.type === 'log' ? [o.message] : []));

    expect(logsOf(loop.server.receive(status(2, [1, 2, 3]), from, loop.clock())).join('\n')).not.toMatch(/Got \d+ NAKs/);
    expect(logsOf(loop.server.receive(status(1, [5]), from, loop.clock())).join('\n')).not.toMatch(/Got \d+ NAKs/);
    expect(t.gotNaks).toBe(false);
    expect(logsOf(loop.server.receive(status(0, [7, 8]), from, loop.clock()))).toEqual([`Got 2 NAKs for section 0 from client 0x0A000002`]);
    expect(t.gotNaks).toBe(true);
    expect(t.toSend[7] + t.toSend[8]).toBe(2);
    // The session still ends well (the NAKed blocks are sent again in pass 2).
    expect(loop.run().exitCode).toBe(0);
    expect(loop.clients[0].file('/recv/three-sections.bin')?.equals(big.data)).toBe(true); // not toEqual: slow on MBs
  });

  // The real uftp's DONE lists the clients that have not answered this pass: after a client's STATUS the
  // next DONE leaves it out (with nobody left, the list is empty). Ours kept naming it, so the real
  // client answered each DONE with the same STATUS again and its NAKs were counted twice.
  test('DONE after a STATUS with NAKs does not name that client again', () => {
    const CLIENT = 0x0a000002;
    const loop = new Loop(serverConfig(), [fileItem('d.bin', 30_000)], [clientOf(CLIENT)]);
    const state = loop.server.state;
    loop.runUntil(() => state.phase === 'transfer');
    loop.loss = 1; // the client hears nothing more: it will not answer by itself
    loop.runUntil(() => state.file?.transfer?.endOfPass === true);
    const doneIds = (out: ReturnType<typeof loop.server.handle>): number[][] =>
      out.flatMap((o) => {
        if (o.type !== 'send') return [];
        const p = decodePacket(Buffer.from(o.data));
        return p.ok && p.value.message.type === MessageType.DONE ? [[...(p.value.message as { clientIds: number[] }).clientIds]] : [];
      });
    expect(doneIds(loop.server.handle({ type: 'timer', id: 'done' }, loop.clock()))).toEqual([[CLIENT]]);
    const t = state.file!.transfer!;
    const naks = new Uint8Array((t.layout.sectionLength(0) >> 3) + 1);
    naks[0] = 0b101;
    const header = { version: UFTP_VERSION, func: MessageType.STATUS, seq: 1, srcId: CLIENT, groupId: 0x12345678, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 };
    const status = encodePacket(header, { type: MessageType.STATUS, fileId: state.file!.fileId, section: 0, reserved: 0, extensions: NO_EXTENSIONS, naks });
    loop.server.receive(status, { address: '198.18.0.10', port: 1044 }, loop.clock());
    expect(doneIds(loop.server.handle({ type: 'timer', id: 'done' }, loop.clock()))).toEqual([[]]);
  });

  // The real uftp floors a client's RTT at 1 ms (`rtt = 0.001000` at -x 3; CONG_CTRL items of 0.00105 s on
  // a LAN). Ours floored it at 10 ms, and TFMCC receivers compute their rate from the RTT in CONG_CTRL:
  // under 5% loss on a LAN ours sent at a sixth of the real uftp's rate (584 against 3486 KB/s).
  test('a LAN client\'s RTT is taken as 1 ms, and CONG_CTRL tells it so', () => {
    const CLIENT = 0x0a000002;
    const loop = new Loop(serverConfig({ cc: { type: CongestionControl.TFMCC } }), [fileItem('cc.bin', 300_000)], [clientOf(CLIENT)]);
    const state = loop.server.state;
    loop.runUntil(() => state.phase === 'transfer');
    expect(state.clients.get(CLIENT)!.rtt).toBe(0.001);
    expect(state.grtt.value).toBe(0.01); // the GRTT stays within -r's bounds
    const congCtrl = loop.server
      .handle({ type: 'timer', id: 'cc' }, loop.clock())
      .flatMap((o) => {
        if (o.type !== 'send') return [];
        const p = decodePacket(Buffer.from(o.data));
        return p.ok && p.value.message.type === MessageType.CONG_CTRL ? [p.value.message as CongCtrl] : [];
      });
    expect(congCtrl).toHaveLength(1);
    expect(congCtrl[0].items.find((i) => i.clientId === CLIENT)?.rtt).toBe(quantizeGrtt(0.001));
  });
});
