// What our server prints and writes to -S, and the exit codes it ends with, as the real uftp 4.10.2 does
// (docs/server-notes.md §1-3; test/lab/uftp-output.test.ts compares the two in the lab): the report's
// formats, then whole sessions of our server machine and client machines in memory.
import { randomBytes } from 'node:crypto';
import { ABORT_MESSAGE_LEN, MessageType, NO_EXTENSIONS, UFTP_VERSION, encodePacket } from '../../lib/protocol';
import { briefHostLine, hostLine } from '../../lib/server/report';
import { HSTATS_LINE, connectLine, freeSpaceLine, resultLine, statsLine } from '../../lib/server/status-lines';
import { Loop, clientOf, serverConfig } from './server-helpers';

function fileItem(name: string, size: number, localName?: string) {
  const data = randomBytes(size);
  return { kind: 'file' as const, name: Buffer.from(name), localPath: `/src/${name}`, localName, size, mtimeSec: 1_700_000_000, data };
}

const C1 = 0x0a000002;
const C2 = 0x0a000003;
const MISSING = 0x0a0000ff;

/** An ABORT from a client, as it would send it when stopped. */
function abortFrom(loop: Loop, index: number, id: number, text: string): void {
  const message = new Uint8Array(ABORT_MESSAGE_LEN);
  message.set(Buffer.from(text));
  const header = { version: UFTP_VERSION, func: MessageType.ABORT, seq: 999, srcId: id, groupId: 0x12345678, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 };
  const data = encodePacket(header, { type: MessageType.ABORT, flags: 0, reserved: 0, host: 0, message, extensions: NO_EXTENSIONS });
  loop.clients[index].sent.push({ data, to: { address: '198.18.0.1', port: 40000 } });
}

describe('report and status lines', () => {
  test('a host line pads the name to 15; below -x 2 a failed host is its name and status', () => {
    expect(hostLine('0x0A0B4702', 'Completed   time:   0.003 seconds')).toBe('Host: 0x0A0B4702       Status: Completed   time:   0.003 seconds');
    expect(hostLine('198.18.71.3', 'Mute')).toBe('Host: 198.18.71.3      Status: Mute');
    expect(briefHostLine('0x0A0B4702', 'Aborted')).toBe('0x0A0B4702      Aborted');
    expect(briefHostLine('0x0A0B47FF', 'Lost connection')).toBe('0x0A0B47FF      Lost connection');
  });

  test('status lines: sizes rounded down to KB and MB, speeds only where data moved', () => {
    expect(connectLine(false, '0x0A0B47FF')).toBe('CONNECT;failed;0x0A0B47FF');
    expect(resultLine('0x0A0B4702', 'b1025', 1025, 'copy', 866.654)).toBe('RESULT;0x0A0B4702;b1025;1KB;copy;866.65KB/s');
    expect(resultLine('0x0A0B47FF', 'b1023', 1023, 'mute')).toBe('RESULT;0x0A0B47FF;b1023;0KB;mute;');
    expect(resultLine('h', 'big', 3_000_000, 'lost')).toBe('RESULT;h;big;2929KB;lost;');
    expect(freeSpaceLine('.', 83463495680n)).toBe('FREESPACE;.;83463495680');
    expect(HSTATS_LINE).toBe('HSTATS;target;copy;overwrite;skip;totalMB;time;speedKB/s');
    expect(statsLine('0x0A0B4702', 2, 0, 1, 4_477_000, 0.39)).toBe(`STATS;0x0A0B4702;2;0;1;4MB;0.390;${(4_477_000 / 0.39 / 1024).toFixed(2)}KB/s`);
    expect(statsLine('0x0A0B47FF', 0, 0, 0, 0, 0)).toBe('STATS;0x0A0B47FF;0;0;0;0MB;0.000;0.00KB/s');
  });
});

describe('a session as the real uftp reports it', () => {
  test('closed group: REG_CONF and DONE_CONF in the next round, the separator, the STATS, "Group complete"', () => {
    const loop = new Loop(serverConfig({ clients: [{ id: C1, name: '0x0a000002' }, { id: C2, name: '10.0.0.3' }] }), [fileItem('d/a.bin', 5000, 'a.bin')], [clientOf(C1), clientOf(C2)]);
    expect(loop.run().exitCode).toBe(0);
    const logs = loop.logs;
    expect(logs.slice(0, 2)).toEqual(['Initializing group', 'Sending ANNOUNCE 1.1']);
    expect(logs.slice(logs.indexOf('Late registers:'), logs.indexOf('Late registers:') + 2)).toEqual(['Late registers:', 'Sending REG_CONF 2.1']);
    expect(logs).toContain('File ID: 0001  Name: a.bin');
    expect(logs).toContain('  sending as: d/a.bin');
    // Hosts are named as -H wrote them, in every line.
    expect(logs.filter((l) => l.startsWith('Host: '))).toEqual([expect.stringMatching(/^Host: 0x0a000002 {6} Status: Completed/), expect.stringMatching(/^Host: 10\.0\.0\.3 {8} Status: Completed/)]);
    const end = logs.indexOf('Finishing group');
    expect(logs[end - 1]).toBe('-----------------------------');
    expect(logs.slice(end + 1)).toEqual(['Sending DONE 1.1', expect.stringMatching(/^Got COMPLETE from client /), expect.stringMatching(/^Got COMPLETE from client /), 'Late completions:', 'Sending DONE_CONF 2.1', 'Group complete']);
    expect(loop.status.map((l) => l.split(';').slice(0, 2).join(';'))).toEqual([
      'CONNECT;success', 'CONNECT;success', 'RESULT;0x0a000002', 'RESULT;10.0.0.3', 'HSTATS;target', 'STATS;0x0a000002', 'STATS;10.0.0.3',
    ]);
  });

  test('below -x 2 a host that never came is a line of its own in each report; at -x 2 it is not', () => {
    const brief = new Loop(serverConfig({ logLevel: 1, clients: [{ id: C1 }, { id: MISSING }] }), [fileItem('a', 10), fileItem('b', 10)], [clientOf(C1)]);
    expect(brief.run().exitCode).toBe(0);
    expect(brief.logs.filter((l) => l === '0x0A0000FF      Mute')).toHaveLength(2);
    const full = new Loop(serverConfig({ clients: [{ id: C1 }, { id: MISSING }] }), [fileItem('a', 10)], [clientOf(C1)]);
    full.run();
    expect(full.logs).toContain('Host: 0x0A0000FF       Status: Mute');
    expect(full.logs).not.toContain('0x0A0000FF      Mute');
  });

  test('the only client aborts mid-file: the file ends at once, reported; no STATS; exit 9', () => {
    const loop = new Loop(serverConfig({ rateKbps: 8000 }), [fileItem('big', 2_000_000), fileItem('next', 10)], [clientOf(C1)]);
    loop.runUntil(() => loop.server.state.phase === 'transfer');
    const before = loop.now;
    abortFrom(loop, 0, C1, 'Client shutting down');
    loop.runUntil(() => loop.outcome !== undefined, 10_000);
    expect(loop.outcome?.exitCode).toBe(9);
    expect(loop.now - before).toBeLessThan(100);
    expect(loop.logs.slice(-5)).toEqual([
      'Transfer aborted by 0x0A000002: Client shutting down', 'Transfer status:', 'Host: 0x0A000002       Status: Aborted', 'Total elapsed time: 0.000 seconds', 'Overall throughput: 0.00 KB/s',
    ]);
    expect(loop.status.some((l) => l.startsWith('STATS;'))).toBe(false);
  });

  test('-q, one of two aborts mid-file: "A client aborted, aborting all", both Aborted, exit 9', () => {
    const loop = new Loop(serverConfig({ rateKbps: 8000, quitOnError: true }), [fileItem('big', 2_000_000)], [clientOf(C1), clientOf(C2)]);
    loop.runUntil(() => loop.server.state.phase === 'transfer');
    abortFrom(loop, 0, C1, 'Client shutting down');
    loop.runUntil(() => loop.outcome !== undefined, 10_000);
    expect(loop.outcome?.exitCode).toBe(9);
    expect(loop.logs.filter((l) => l === 'Aborting all clients')).toHaveLength(1);
    expect(loop.logs.filter((l) => l.startsWith('Host: '))).toEqual(['Host: 0x0A000002       Status: Aborted', 'Host: 0x0A000003       Status: Aborted']);
  });

  test('no FILEINFO_ACK from anyone: "Announce timed out", no report of the file, exit 8', () => {
    const loop = new Loop(serverConfig({ clients: [{ id: C1 }] }), [fileItem('a', 10)], [clientOf(C1)]);
    loop.runUntil(() => loop.logs.includes('Sending REG_CONF 2.1'));
    loop.loss = 1; // nothing reaches the client any more
    expect(loop.run().exitCode).toBe(8);
    expect(loop.logs.slice(-2)).toEqual(["Couldn't get FILEINFO_ACK from 0x0A000002", 'Announce timed out']);
    expect(loop.logs).not.toContain('Transfer status:');
    expect(loop.status).toEqual(['CONNECT;success;0x0A000002']);
  });
});

describe('SIGINT, by phase (the real uftp: 7 or 8 while announcing, 6 in a file, 0 at the group end)', () => {
  test('announcing, nobody registered: "Announce timed out", exit 7', () => {
    const loop = new Loop(serverConfig({ clients: [{ id: MISSING }] }), [fileItem('a', 10)], []);
    loop.runUntil(() => loop.logs.includes('Sending ANNOUNCE 2.1'));
    loop.input({ type: 'interrupt' });
    expect(loop.outcome?.exitCode).toBe(7);
    expect(loop.logs.slice(-1)).toEqual(['Announce timed out']);
    expect(loop.status).toEqual(['CONNECT;failed;0x0A0000FF']);
  });

  test('announcing, someone registered: the first file given up on without a FILEINFO, exit 8', () => {
    const loop = new Loop(serverConfig({ clients: [{ id: C1 }, { id: MISSING }] }), [fileItem('a', 10)], [clientOf(C1)]);
    loop.runUntil(() => loop.logs.includes('Sending ANNOUNCE 3.1'));
    loop.input({ type: 'interrupt' });
    loop.run();
    expect(loop.outcome?.exitCode).toBe(8);
    expect(loop.logs.slice(loop.logs.indexOf('Sending ANNOUNCE 3.1') + 1)).toEqual([
      'File ID: 0001  Name: a', '  sending as: a', 'Bytes: 10  Blocks: 1  Sections: 1', "Couldn't get FILEINFO_ACK from 0x0A000002", 'Announce timed out',
    ]);
    expect(loop.status).toEqual(['CONNECT;success;0x0A000002', 'CONNECT;failed;0x0A0000FF']);
  });

  test('waiting for FILEINFO_ACKs: those silent lost at once, "Announce timed out", exit 8', () => {
    const loop = new Loop(serverConfig({ clients: [{ id: C1 }] }), [fileItem('a', 10)], [clientOf(C1)]);
    loop.runUntil(() => loop.logs.includes('Sending REG_CONF 2.1'));
    loop.loss = 1;
    loop.runUntil(() => loop.logs.includes('Sending FILEINFO 2.1'));
    loop.input({ type: 'interrupt' });
    expect(loop.outcome?.exitCode).toBe(8);
    expect(loop.logs.slice(-3)).toEqual(['Sending FILEINFO 2.1', "Couldn't get FILEINFO_ACK from 0x0A000002", 'Announce timed out']);
  });

  test('in a file: everyone aborted, the file reported, no STATS; exit 6', () => {
    const loop = new Loop(serverConfig({ rateKbps: 8000 }), [fileItem('big', 2_000_000)], [clientOf(C1)]);
    loop.runUntil(() => loop.server.state.phase === 'transfer');
    loop.input({ type: 'interrupt' });
    expect(loop.outcome?.exitCode).toBe(6);
    expect(loop.logs.slice(-5)).toEqual(['Aborting all clients', 'Transfer status:', 'Host: 0x0A000002       Status: Aborted', 'Total elapsed time: 0.000 seconds', 'Overall throughput: 0.00 KB/s']);
    expect(loop.status.some((l) => l.startsWith('STATS;'))).toBe(false);
  });

  test('finishing the group: the silent ones lost, the STATS, "Group complete"; exit 0', () => {
    const loop = new Loop(serverConfig({ clients: [{ id: C1 }] }), [fileItem('a', 10)], [clientOf(C1)]);
    // The group's DONE (file ID 0) never reaches the client.
    const h = loop.clients[0];
    const deliver = h.deliver.bind(h);
    h.deliver = (data, from) => {
      if (!(data[1] === MessageType.DONE && Buffer.from(data).readUInt16BE(18) === 0)) deliver(data, from);
    };
    loop.runUntil(() => loop.logs.includes('Sending DONE 2.1'));
    loop.input({ type: 'interrupt' });
    expect(loop.outcome?.exitCode).toBe(0);
    expect(loop.logs.slice(-2)).toEqual(["Couldn't get COMPLETE for group from 0x0A000002", 'Group complete']);
    expect(loop.status.slice(-2)).toEqual([HSTATS_LINE, expect.stringMatching(/^STATS;0x0A000002;1;0;0;0MB;/)]);
  });

  test('-W: the time a file may take at its rate, then everyone aborted, exit 9', () => {
    // 400 000 bytes at 2000 Kbps (256 000 B/s) take 1.56 s; 110% of that is 1 whole second. Seconds are counted
    // on the wall clock, as the real uftp counts them: started late in a second, the file crosses two.
    const loop = new Loop(serverConfig({ clients: [{ id: C1 }], rateKbps: 2000, txWeightPct: 110 }), [fileItem('big', 400_000), fileItem('next', 10)], [clientOf(C1)]);
    loop.wall += 900;
    expect(loop.run().exitCode).toBe(9);
    const logs = loop.logs;
    expect(logs.indexOf('Maximum file transfer time: 1 seconds')).toBe(logs.indexOf('Sending file') - 1);
    const over = logs.indexOf('Maximum file transfer time exceeded');
    expect(over).toBeGreaterThan(logs.indexOf('Starting pass 1'));
    expect(logs[over + 1]).toBe('Aborting all clients');
    expect(logs.filter((l) => l.startsWith('Host: '))).toEqual([expect.stringMatching(/Status: Aborted$/)]);
    expect(logs).not.toContain('File ID: 0002  Name: next');
  });

  test('-W is not applied under -R -1 or TFMCC', () => {
    const loop = new Loop(serverConfig({ clients: [{ id: C1 }], rateKbps: -1, txWeightPct: 110 }), [fileItem('big', 400_000)], [clientOf(C1)]);
    expect(loop.run().exitCode).toBe(0);
    expect(loop.logs.some((l) => l.startsWith('Maximum file transfer time'))).toBe(false);
  });
});
