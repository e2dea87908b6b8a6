// examples/ssm-receiver.js, the README's example of scripting the socket addon, run as a user would run it
// (plain node, the package required by path) in a lab host. What it prints is checked against what really
// happened: the sender, group and interface of each datagram (the index as `ip link` gives it), the TOS it was
// sent with; only the joined source is heard; its answers arrive marked with the DSCP it says it set.
import path from 'node:path';
import type { LabHost } from '../../scripts/lab';
import { diagUnbuilt, finish, jsonLines, listenRecords, repoRoot, runDiag, startListener, stopListener } from '../../scripts/bench/diag-lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';

const GROUP = '232.7.7.7';
const PORT = 6000;
const ANSWER_PORT = 6001;

interface Ready {
  ready: true;
  ifindex: number;
  buffer: { requested: number; granted: number; forced: boolean };
  tos: number;
}

interface Printed {
  from: string;
  to: string;
  ifindex: number;
  ifname: string;
  tos: number;
  dscp: number;
  text: string;
}

async function linkIndex(host: LabHost, segment: string): Promise<number> {
  const r = await host.exec('ip', ['-j', 'link', 'show', 'dev', host.ifname(segment)]);
  return (JSON.parse(r.stdout) as Array<{ ifindex: number }>)[0].ifindex;
}

describeLab(
  'examples/ssm-receiver.js (the README\'s socket scripting example)',
  () => {
    const lab = useLab({ segments: ['a'], hosts: { rx: { segments: ['a'] }, tx: { segments: ['a'] }, other: { segments: ['a'] } } });

    test('prints each datagram of the joined source with its group, interface and TOS; answers marked DSCP 46', async () => {
      const [rx, tx, other] = ['rx', 'tx', 'other'].map((n) => lab().host(n));
      const script = path.join(repoRoot(), 'examples/ssm-receiver.js');
      const example = rx.spawn(process.execPath, [script, GROUP, tx.addr('a'), rx.ifname('a'), String(PORT), '2', String(ANSWER_PORT)]);
      await example.waitForOutput(/"ready":true/, 15_000);
      const answers = await startListener(tx, ['--port', String(ANSWER_PORT), '--json'], path.join(lab().tmpdir(), 'answers-ready'));

      const send = (host: LabHost, dscp: number): Promise<unknown> =>
        runDiag(host, ['send', '--to', GROUP, '--port', String(PORT), '--if', host.ifname('a'), '--count', '2', '--dscp', String(dscp)]);
      await send(other, 12); // not the joined source: never delivered
      await send(tx, 10);
      const done = await finish(example, 15_000);
      expect(done.code).toBe(0);
      expect(done.stderr).toBe('');

      const [ready, ...printed] = jsonLines<Ready & Printed>(done.stdout);
      const index = await linkIndex(rx, 'a');
      expect(ready).toMatchObject({ ready: true, ifindex: index, tos: 46 << 2 });
      // As root the addon forces the size; Linux reports twice what it keeps for bookkeeping.
      expect(ready.buffer).toEqual({ requested: 4 * 1024 * 1024, granted: 8 * 1024 * 1024, forced: true });
      expect(printed).toHaveLength(2);
      for (const d of printed) {
        expect(d).toMatchObject({ from: tx.addr('a'), to: GROUP, ifindex: index, ifname: rx.ifname('a'), tos: 10 << 2, dscp: 10 });
      }

      // The answers, as the sender's side received them: from rx, marked as the example said.
      await waitForCount(() => listenRecords(answers.stdout()).datagrams.length, 2);
      const got = listenRecords((await stopListener(answers)).stdout).datagrams;
      expect(got.map((d) => [d.from, d.tos, d.length])).toEqual([
        [rx.addr('a'), 46 << 2, 'answer 1'.length],
        [rx.addr('a'), 46 << 2, 'answer 2'.length],
      ]);
    });
  },
  [diagUnbuilt],
);

async function waitForCount(count: () => number, want: number): Promise<void> {
  const end = Date.now() + 10_000;
  while (count() < want && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}
