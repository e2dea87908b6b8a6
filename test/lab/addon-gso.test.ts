// UDP GSO in sendBatch: runs of same-sized datagrams to one destination go to the kernel as one send and
// are split late. Receivers must see exactly what they see without it: every datagram whole, with its own
// boundaries, in order, marked with the DSCP, over a bridge, multicast to two hosts, and through a router.
// The sender's Udp OutDatagrams counter (one per send the kernel takes) shows whether coalescing happened.
// The other end: a receiver with receive coalescing (UDP GRO) gets those runs whole and must split them
// back into exactly the datagrams sent; a batch longer than one recvmmsg's 64 shows that runs came whole.
import path from 'node:path';
import type { LabHost, LabProcess } from '../../scripts/lab';
import { describeLab } from './helpers/gate';
import { useLab } from './helpers/use-lab';
import { diagUnbuilt, jsonLines, udpCounters } from '../../scripts/bench/diag-lab';

const TRAFFIC = path.join(__dirname, 'helpers/gso-traffic.js');
const GROUP = '239.9.9.9';
const DSCP = 46;

interface Planned {
  index: number;
  length: number;
  address: string;
  port: number;
}
interface Record {
  index: number;
  length: number;
  intact: boolean;
  tos: number | null;
}
interface Stream {
  host: LabHost;
  mode: 'addon' | 'coalesce' | 'dgram';
  port: number;
  group?: string;
}

// Deterministic, so a failure can be replayed.
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

// Runs of one size to one destination (sometimes ending shorter), of many sizes and lengths, interleaved.
function mixedPlan(seed: number, count: number, targets: { address: string; port: number }[], sizes: number[]): Planned[] {
  const pick = random(seed);
  const out: Planned[] = [];
  while (out.length < count) {
    const to = targets[pick(targets.length)];
    const size = sizes[pick(sizes.length)];
    const run = 1 + pick(pick(4) === 0 ? 3 : 90);
    for (let i = 0; i < run && out.length < count; i++) {
      const last = i === run - 1;
      const length = last && pick(2) === 0 ? 4 + pick(size - 3) : size;
      out.push({ index: out.length, length, ...to });
    }
  }
  return out;
}

function batches(seed: number, plan: Planned[]): Planned[][] {
  const pick = random(seed);
  const out: Planned[][] = [];
  for (let i = 0; i < plan.length; ) {
    const n = 1 + pick(200);
    out.push(plan.slice(i, i + n));
    i += n;
  }
  return out;
}

describeLab('addon UDP GSO in sendBatch (lab)', () => {
  const lab = useLab({
    segments: ['a', 'b'],
    hosts: {
      tx: { segments: ['a'] },
      rx1: { segments: ['a'] },
      rx3: { segments: ['a'] },
      router: { segments: ['a', 'b'], router: true },
      rx2: { segments: ['b'] },
    },
  });
  let tx: LabHost, rx1: LabHost, rx3: LabHost, rx2: LabHost;
  let port = 6000;
  beforeAll(() => {
    [tx, rx1, rx3, rx2] = ['tx', 'rx1', 'rx3', 'rx2'].map((n) => lab().host(n));
  });

  async function startReceiver(s: Stream, count: number): Promise<LabProcess> {
    const ifname = s.group ? s.host.ifname('a') : '-';
    const p = s.host.spawn(process.execPath, [TRAFFIC, 'receive', s.mode, String(s.port), s.group ?? '-', ifname, String(count), '30000']);
    await p.waitForOutput(/listening/, 10_000);
    return p;
  }

  // Sends the plan and returns, per stream, what arrived; plus the limit the sender ended with and the
  // number of sends the kernel counted.
  async function run(plan: Planned[], streams: Stream[], gso: boolean): Promise<{ got: Record[][]; limit: number; sends: number; maxBatch: number[] }> {
    const expected = streams.map((s) => plan.filter((d) => d.port === s.port).length);
    const receivers = await Promise.all(streams.map((s, i) => startReceiver(s, expected[i])));
    const before = await udpCounters(tx);
    const plain = { ifname: tx.ifname('a'), dscp: DSCP, gso, pauseMs: 2, batches: batches(7, plan) };
    const sent = await tx.exec(process.execPath, [TRAFFIC, 'send'], { timeoutMs: 60_000, input: JSON.stringify(plain) });
    expect(sent.stderr).toBe('');
    const after = await udpCounters(tx);
    const summary = JSON.parse(sent.stdout) as { limit: number; sent: number };
    expect(summary.sent).toBe(plan.length);
    await Promise.all(receivers.map((p) => p.exited));
    const records = (text: string) => jsonLines<Record | { done: true }>(text.split('\n').filter((l) => l.startsWith('{')).join('\n'));
    const got = receivers.map((p) => records(p.stdout()).filter((r): r is Record => !('done' in r)));
    const maxBatch = receivers.map((p) => (records(p.stdout()).find((r) => 'done' in r) as { maxBatch: number } | undefined)?.maxBatch ?? 0);
    return { got, limit: summary.limit, sends: after.OutDatagrams - before.OutDatagrams, maxBatch };
  }

  function expectExact(plan: Planned[], streams: Stream[], got: Record[][]): void {
    streams.forEach((s, i) => {
      const want = plan.filter((d) => d.port === s.port).map((d) => `${d.index}:${d.length}:true`);
      expect(got[i].map((r) => `${r.index}:${r.length}:${r.intact}`)).toEqual(want);
      if (s.mode !== 'dgram') expect(got[i].every((r) => r.tos === DSCP << 2)).toBe(true);
    });
  }

  function streamsFor(): { streams: Stream[]; targets: { address: string; port: number }[] } {
    const base = (port += 10);
    const streams: Stream[] = [
      { host: rx1, mode: 'dgram', port: base + 1 }, // unicast across the bridge
      { host: rx2, mode: 'addon', port: base + 2 }, // unicast through the router
      { host: rx1, mode: 'addon', port: base + 3, group: GROUP }, // multicast to two hosts
      { host: rx3, mode: 'dgram', port: base + 3, group: GROUP },
    ];
    const targets = [
      { address: rx1.addr('a'), port: base + 1 },
      { address: rx2.addr('b'), port: base + 2 },
      { address: GROUP, port: base + 3 },
    ];
    return { streams, targets };
  }

  test.each([true, false])('gso %s: 12 000 datagrams of mixed sizes and destinations arrive exactly as sent', async (gso) => {
    const { streams, targets } = streamsFor();
    const plan = mixedPlan(gso ? 1 : 2, 12_000, targets, [4, 64, 100, 999, 1300, 1472]);
    const { got, limit, sends } = await run(plan, streams, gso);
    expectExact(plan, streams, got);
    if (gso) {
      expect(limit).toBeGreaterThan(1472);
      expect(sends).toBeLessThan(plan.length / 4); // runs went out as single sends
    } else {
      expect(limit).toBe(0);
      expect(sends).toBe(plan.length);
    }
  });

  test('receive coalescing: runs arrive whole and are split back into exactly the datagrams sent, GSO or not', async () => {
    const base = (port += 10);
    const streams: Stream[] = [
      { host: rx1, mode: 'coalesce', port: base + 1 }, // unicast across the bridge
      { host: rx2, mode: 'coalesce', port: base + 2 }, // unicast through the router
      { host: rx3, mode: 'coalesce', port: base + 3, group: GROUP }, // multicast
      { host: rx1, mode: 'dgram', port: base + 3, group: GROUP },
    ];
    const targets = [
      { address: rx1.addr('a'), port: base + 1 },
      { address: rx2.addr('b'), port: base + 2 },
      { address: GROUP, port: base + 3 },
    ];
    for (const gso of [true, false]) {
      const plan = mixedPlan(gso ? 5 : 6, 12_000, targets, [4, 64, 100, 999, 1300, 1472]);
      const { got, maxBatch } = await run(plan, streams, gso);
      expectExact(plan, streams, got);
      // A sender's GSO runs stay whole up to the coalescing sockets (bridge, router, multicast); sent one by one
      // (and with nothing in the lab that coalesces on receive), nothing is.
      if (gso) expect(maxBatch.slice(0, 3).every((n) => n > 64)).toBe(true);
      else expect(maxBatch.slice(0, 3).every((n) => n <= 64)).toBe(true);
    }
  });

  test('a segment over the route MTU (EMSGSIZE): that run goes out one by one, smaller runs stay coalesced', async () => {
    const { streams, targets } = streamsFor();
    await tx.exec('ip', ['link', 'set', 'dev', tx.ifname('a'), 'mtu', '1000']);
    try {
      // 1200 bytes fit no 1000-byte MTU: the kernel fragments them when sent alone, refuses them coalesced.
      const big = mixedPlan(3, 3000, targets, [1200]);
      const small = mixedPlan(4, 3000, targets, [500]).map((d) => ({ ...d, index: d.index + big.length }));
      const plan = [...big, ...small];
      const { got, limit, sends } = await run(plan, streams, true);
      expectExact(plan, streams, got);
      expect(limit).toBe(1199);
      expect(sends).toBeLessThan(big.length + small.length / 4);
    } finally {
      await tx.exec('ip', ['link', 'set', 'dev', tx.ifname('a'), 'mtu', '1500']);
    }
  });
}, [diagUnbuilt]);
