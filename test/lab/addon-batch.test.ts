// Acceptance of batched send and receive: 100 000 datagrams sent in bursts (sendBatch) at a rate the
// receiver sustains all arrive, each with the right metadata; and their content checks out.
import path from 'node:path';
import type { LabHost } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';
import type { DatagramRecord as Received } from '../../lib/cli/diag/listen';
import { diagUnbuilt, finish, interfaceIndex, jsonLines, listenRecords, runDiag, startListener, udpCounters } from '../../scripts/bench/diag-lab';

const COUNT = 100_000;
const SIZE = 1000;
// Bursts every ~1 ms; well under what a --json listener prints, so a loss here is a bug, not overload.
const RATE = '25000';

describeLab('addon batched send and receive (lab)', () => {
  const lab = useLab({ segments: ['a'], hosts: { rx: { segments: ['a'] }, tx: { segments: ['a'] } } });
  let rx: LabHost, tx: LabHost;
  let rxIndex: number;

  beforeAll(async () => {
    [rx, tx] = ['rx', 'tx'].map((n) => lab().host(n));
    rxIndex = await interfaceIndex(rx, 'a');
  });

  test(`${COUNT} multicast datagrams in bursts: none lost, every one with its metadata`, async () => {
    const group = '239.6.6.6';
    const before = await udpCounters(rx);
    const listener = await startListener(
      rx,
      ['--port', '5300', '--group', group, '--if', rx.ifname('a'), '--rcvbuf', '8M', '--count', String(COUNT), '--timeout', '90', '--json'],
      path.join(lab().tmpdir(), 'ready-batch'),
    );
    const sent = await runDiag(
      tx,
      ['send', '--to', group, '--port', '5300', '--if', tx.ifname('a'), '--count', String(COUNT), '--size', String(SIZE),
        '--rate', RATE, '--dscp', '12', '--source-port', '40300', '--json'],
      90_000,
    );
    expect(sent.stderr).toBe('');
    expect(jsonLines(sent.stdout)).toEqual([{ summary: true, sent: COUNT }]);
    const r = await finish(listener, 30_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { datagrams: lines, summary } = listenRecords(r.stdout);
    expect(summary).toEqual({ summary: true, received: COUNT });
    expect(lines).toHaveLength(COUNT);
    const expected: Received = { from: tx.addr('a'), fromPort: 40300, to: group, ifindex: rxIndex, tos: 12 << 2, dscp: 12, length: SIZE };
    const wrong = lines.filter((d) => JSON.stringify(d) !== JSON.stringify(expected));
    expect(wrong.slice(0, 3)).toEqual([]);
    const after = await udpCounters(rx);
    expect(after.RcvbufErrors - before.RcvbufErrors).toBe(0);
  });

  test('content: every test payload arrives intact and in order (human summary)', async () => {
    const count = 20_000;
    const listener = await startListener(
      rx,
      ['--port', '5301', '--count', String(count), '--timeout', '60', '--rcvbuf', '8M'],
      path.join(lab().tmpdir(), 'ready-content'),
    );
    const sent = await runDiag(tx, ['send', '--to', rx.addr('a'), '--port', '5301', '--count', String(count), '--rate', RATE, '--size', '1400']);
    expect(sent.code).toBe(0);
    const r = await finish(listener, 30_000);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(`received ${count} datagrams; ${count} test payloads, 0 out of order`);
  });
}, [diagUnbuilt]);
