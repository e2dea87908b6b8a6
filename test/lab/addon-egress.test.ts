// Acceptance of the multicast egress interface: a host on two segments sends to one group through
// interface A, then B; only the listener on that segment receives, and it sees its own ifindex.
import path from 'node:path';
import type { LabHost } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';
import { diagUnbuilt, interfaceIndex, listenRecords, runDiag, startListener, stopListener } from '../../scripts/bench/diag-lab';

describeLab('addon multicast egress interface (lab)', () => {
  const lab = useLab({
    segments: ['a', 'b'],
    hosts: { tx: { segments: ['a', 'b'] }, ra: { segments: ['a'] }, rb: { segments: ['b'] } },
  });
  let tx: LabHost, ra: LabHost, rb: LabHost;
  let files = 0;
  beforeAll(() => {
    [tx, ra, rb] = ['tx', 'ra', 'rb'].map((n) => lab().host(n));
  });

  async function listen(host: LabHost, segment: string, group: string, port: number) {
    const ready = path.join(lab().tmpdir(), `ready-${++files}`);
    return startListener(host, ['--port', String(port), '--group', group, '--if', host.ifname(segment), '--json'], ready);
  }

  test.each([
    [4, '239.5.5.5'],
    [6, 'ff15::5:5'],
  ] as const)('IPv%i: egress A reaches segment A only, egress B segment B only', async (family, group) => {
    const port = 5200 + family;
    const expected = { a: await interfaceIndex(ra, 'a'), b: await interfaceIndex(rb, 'b') };
    for (const [segment, count] of [['a', 7], ['b', 11]] as const) {
      const listeners = { a: await listen(ra, 'a', group, port), b: await listen(rb, 'b', group, port) };
      // By name for A and by address for B: both forms of --if select the egress interface.
      const egress = segment === 'a' ? tx.ifname('a') : tx.addr('b', family);
      const r = await runDiag(tx, ['send', '--to', group, '--port', String(port), '--count', String(count), '--if', egress]);
      expect(r.code).toBe(0);
      await new Promise((res) => setTimeout(res, 300));
      const got = {
        a: listenRecords((await stopListener(listeners.a)).stdout).datagrams,
        b: listenRecords((await stopListener(listeners.b)).stdout).datagrams,
      };
      const other = segment === 'a' ? 'b' : 'a';
      expect(got[other]).toHaveLength(0);
      expect(got[segment]).toHaveLength(count);
      for (const d of got[segment]) {
        expect(d).toMatchObject({ from: tx.addr(segment, family), to: group, ifindex: expected[segment] });
      }
    }
  });
}, [diagUnbuilt]);
