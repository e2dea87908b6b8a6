// Acceptance of the addon's group membership, end to end in a lab segment with real datagrams:
// an SSM join receives only its source, an ASM join receives every source, leaving stops reception.
import path from 'node:path';
import type { LabHost } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';
import type { DatagramRecord as Received } from '../../lib/cli/diag/listen';
import { diagUnbuilt, jsonLines, listenRecords, runDiag, startListener, stopListener } from '../../scripts/bench/diag-lab';

describeLab('addon multicast membership (lab)', () => {
  const lab = useLab({ segments: ['a'], hosts: { rx: { segments: ['a'] }, s1: { segments: ['a'] }, s2: { segments: ['a'] } } });
  let rx: LabHost, s1: LabHost, s2: LabHost;
  let files = 0;
  const readyFile = () => path.join(lab().tmpdir(), `ready-${++files}`);
  beforeAll(() => {
    [rx, s1, s2] = ['rx', 's1', 's2'].map((n) => lab().host(n));
  });

  async function send(host: LabHost, group: string, port: number, count: number): Promise<void> {
    const r = await runDiag(host, ['send', '--to', group, '--port', String(port), '--count', String(count), '--if', host.ifname('a'), '--json']);
    expect(r.stderr).toBe('');
    expect(jsonLines(r.stdout)).toEqual([{ summary: true, sent: count }]);
    expect(r.code).toBe(0);
  }

  /** Datagram records of a listener's --json output; the summary must close it and agree. */
  function parse(stdout: string): { datagrams: Received[]; received: number } {
    const { datagrams, summary } = listenRecords(stdout);
    expect(summary).toEqual({ summary: true, received: datagrams.length });
    return { datagrams, received: datagrams.length };
  }

  const settle = () => new Promise((r) => setTimeout(r, 300));

  test.each([
    [4, '232.1.1.1'],
    [6, 'ff3e::8001'],
  ] as const)('IPv%i SSM: joined to (S1, G) receives S1 and none of S2 on the same group and port', async (family, group) => {
    const port = 5000 + family;
    const listener = await startListener(
      rx,
      ['--port', String(port), '--group', group, '--source', s1.addr('a', family), '--if', rx.ifname('a'), '--json'],
      readyFile(),
    );
    await send(s2, group, port, 30);
    await send(s1, group, port, 20);
    await send(s2, group, port, 30);
    await settle();
    const r = await stopListener(listener);
    expect(r.code).toBe(0);
    const { datagrams } = parse(r.stdout);
    expect(datagrams).toHaveLength(20);
    for (const d of datagrams) expect(d).toMatchObject({ from: s1.addr('a', family), to: group });
  });

  test('SSM with two sources (one join each) receives both', async () => {
    const group = '232.1.1.2';
    const listener = await startListener(
      rx,
      ['--port', '5010', '--group', group, '--source', `${s1.addr('a')},${s2.addr('a')}`, '--json'],
      readyFile(),
    );
    await send(s1, group, 5010, 10);
    await send(s2, group, 5010, 15);
    await settle();
    const { datagrams } = parse((await stopListener(listener)).stdout);
    expect(datagrams.filter((d) => d.from === s1.addr('a'))).toHaveLength(10);
    expect(datagrams.filter((d) => d.from === s2.addr('a'))).toHaveLength(15);
  });

  test.each([
    [4, '239.1.1.1'],
    [6, 'ff15::1:1'],
  ] as const)('IPv%i ASM: a join without sources receives both senders', async (family, group) => {
    const port = 5020 + family;
    const listener = await startListener(rx, ['--port', String(port), '--group', group, '--if', rx.ifname('a'), '--json'], readyFile());
    await send(s1, group, port, 25);
    await send(s2, group, port, 35);
    await settle();
    const { datagrams } = parse((await stopListener(listener)).stdout);
    expect(datagrams.filter((d) => d.from === s1.addr('a', family))).toHaveLength(25);
    expect(datagrams.filter((d) => d.from === s2.addr('a', family))).toHaveLength(35);
    expect(datagrams.every((d) => d.to === group)).toBe(true);
  });

  test.each([
    ['ASM', '239.1.1.3', false],
    ['SSM', '232.1.1.3', true],
  ])('%s: leaving the group stops reception', async (_kind, group, ssm) => {
    const sources = ssm ? ['--source', s1.addr('a')] : [];
    const listener = await startListener(
      rx,
      ['--port', '5030', '--group', group, ...sources, '--leave-after', '20', '--if', rx.ifname('a'), '--json'],
      readyFile(),
    );
    await send(s1, group, 5030, 20);
    // The listener leaves while handling its 20th datagram, before printing it.
    const deadline = Date.now() + 10_000;
    while (jsonLines(listener.stdout()).length < 20 && Date.now() < deadline) await settle();
    expect(jsonLines(listener.stdout())).toHaveLength(20);
    await send(s1, group, 5030, 20);
    await settle();
    const { received } = parse((await stopListener(listener)).stdout);
    expect(received).toBe(20);
  });
}, [diagUnbuilt]);
