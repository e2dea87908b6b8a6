// Acceptance of DSCP marking: what is sent with --dscp 46 arrives with TOS / traffic class 0xB8,
// read back on the receiving side; unmarked traffic arrives with 0. IPv4 and IPv6, multicast and unicast.
import path from 'node:path';
import type { LabHost } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';
import { diagUnbuilt, listenRecords, runDiag, startListener, stopListener } from '../../scripts/bench/diag-lab';

describeLab('addon DSCP marking (lab)', () => {
  const lab = useLab({ segments: ['a'], hosts: { rx: { segments: ['a'] }, tx: { segments: ['a'] } } });
  let rx: LabHost, tx: LabHost;
  let files = 0;
  beforeAll(() => {
    [rx, tx] = ['rx', 'tx'].map((n) => lab().host(n));
  });

  async function send(to: string, port: number, sourcePort: number, dscp?: number): Promise<void> {
    const marking = dscp === undefined ? [] : ['--dscp', String(dscp)];
    const args = ['send', '--to', to, '--port', String(port), '--count', '10', '--source-port', String(sourcePort)];
    const r = await runDiag(tx, [...args, '--if', tx.ifname('a'), ...marking, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }

  test.each([
    [4, 'multicast', '239.4.4.4'],
    [6, 'multicast', 'ff15::4:4'],
    [4, 'unicast', ''],
    [6, 'unicast', ''],
  ] as const)('IPv%i %s: dscp 46 arrives as TOS 0xB8, unmarked as 0', async (family, _kind, group) => {
    const port = 5100 + family;
    const readyFile = path.join(lab().tmpdir(), `ready-${++files}`);
    const join = group ? ['--group', group, '--if', rx.ifname('a')] : ['--family', String(family)];
    const listener = await startListener(rx, ['--port', String(port), ...join, '--json'], readyFile);
    const to = group || rx.addr('a', family);
    await send(to, port, 40046, 46);
    await send(to, port, 40000);
    await send(to, port, 40010, 10);
    await new Promise((r) => setTimeout(r, 300));
    const lines = listenRecords((await stopListener(listener)).stdout).datagrams;
    const bySourcePort = (p: number) => lines.filter((d) => d.fromPort === p);
    expect(lines).toHaveLength(30);
    expect(bySourcePort(40046).map((d) => d.tos)).toEqual(Array(10).fill(0xb8));
    expect(bySourcePort(40046).map((d) => d.dscp)).toEqual(Array(10).fill(46));
    expect(bySourcePort(40000).map((d) => d.tos)).toEqual(Array(10).fill(0));
    expect(bySourcePort(40010).map((d) => d.tos)).toEqual(Array(10).fill(10 << 2));
    expect(lines.every((d) => d.from === tx.addr('a', family))).toBe(true);
  });
}, [diagUnbuilt]);
