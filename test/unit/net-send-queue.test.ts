// The native send queue for real: a socket with a small send buffer behind a
// slow qdisc gets EAGAIN, keeps the rest queued, polls for writable and
// drains. Needs root for a private network namespace (skipped otherwise).
import { META_WORDS } from '../../lib/net/datagram-batch';
import { execFileSync } from 'node:child_process';
import { ADDON_PATH, TestNetns, isRoot } from './net-helpers';

const drainChild = `
const addon = require(process.argv[1]);
const fs = require('fs');
const total = Number(process.argv[2]);
const tx = new addon.Socket(4, true, { onDrain, onError: (e) => console.error(e) });
tx.bind('198.18.250.1', 0);
tx.setBuffer(false, 4096, false);
const datas = [], addresses = [], ports = [];
for (let i = 0; i < total; i++) { datas.push(Buffer.alloc(1000, i & 0xff)); addresses.push('198.18.250.2'); ports.push(9); }
const handed = tx.sendBatch(datas, addresses, ports);
const queued = tx.queued();
const sent = () => Number(fs.readFileSync('/sys/class/net/va/statistics/tx_packets', 'utf8'));
function onDrain() {
  const queuedAtDrain = tx.queued();
  const wait = setInterval(() => {
    if (sent() < total) return;
    clearInterval(wait);
    tx.close();
    console.log(JSON.stringify({ handed, queued, queuedAtDrain, txPackets: sent() }));
  }, 20);
}
`;

// source -> forwarder -> sink over a slow lo. The source overwrites its buffers right after
// sendBatch; the forwarder receives in transient mode (views of its receive area, overwritten by
// the next batch) and sends each view on at once. Both queue on EAGAIN: the sink sees the
// original bytes only if the queue keeps its own copies.
const forwardChild = `
const addon = require(process.argv[1]);
const WORDS = ${META_WORDS}; // per row of a batch's table
const total = Number(process.argv[2]);
const expected = (i) => { const b = Buffer.alloc(1000, i & 0xff); b.writeUInt32BE(i, 0); return b; };
const fail = (e) => { console.error(e); process.exit(1); };
const received = [];
let forwarderQueued = 0;
const sink = new addon.Socket(4, true, { onBatch: (slab, count) => {
  const meta = new Uint32Array(slab, 0, count * WORDS);
  for (let i = 0; i < count; i++) received.push(Buffer.from(slab, meta[i * WORDS], meta[i * WORDS + 1]));
  if (received.length >= total) finish();
}, onError: fail });
sink.bind('127.0.0.1', 0);
sink.setBuffer(true, 8 << 20, true);
sink.startReceiving();
const sinkPort = sink.address().port;
const forwarder = new addon.Socket(4, true, { onBatch: (area, count) => {
  const meta = new Uint32Array(area, 0, count * WORDS);
  for (let i = 0; i < count; i++) {
    if (forwarder.send(new Uint8Array(area, meta[i * WORDS], meta[i * WORDS + 1]), '127.0.0.1', sinkPort) === 0) forwarderQueued++;
  }
}, onError: fail });
forwarder.bind('127.0.0.1', 0);
forwarder.setBuffer(true, 8 << 20, true);
forwarder.setBuffer(false, 4096, false);
forwarder.startReceiving(true);
const source = new addon.Socket(4, true, { onError: fail });
source.bind('127.0.0.1', 0);
source.setBuffer(false, 4096, false);
const datas = Array.from({ length: total }, (_, i) => expected(i));
const handed = source.sendBatch(datas, datas.map(() => '127.0.0.1'), datas.map(() => forwarder.address().port));
const sourceQueued = source.queued();
for (const d of datas) d.fill(0xee);
function finish() {
  const intact = received.filter((d, i) => d.equals(expected(i))).length;
  for (const s of [sink, forwarder, source]) s.close();
  console.log(JSON.stringify({ handed, sourceQueued, forwarderQueued, received: received.length, intact }));
}
setTimeout(() => fail('timed out with ' + received.length + ' of ' + total), 30000).unref();
`;

// A queue limit of room for `room` datagrams of 1000 bytes (each counts 64 bytes of bookkeeping
// beside its payload): beyond it the newest are dropped and counted; the depth is visible.
const limitChild = `
const addon = require(process.argv[1]);
const fs = require('fs');
const [total, room] = process.argv.slice(2).map(Number);
const tx = new addon.Socket(4, true, { onDrain, onError: (e) => console.error(e) });
tx.bind('198.18.250.1', 0);
tx.setBuffer(false, 4096, false);
const limit = tx.setSendQueueLimit(room * (1000 + 64));
const datas = [], addresses = [], ports = [];
for (let i = 0; i < total; i++) { datas.push(Buffer.alloc(1000, i & 0xff)); addresses.push('198.18.250.2'); ports.push(9); }
const before = Number(fs.readFileSync('/sys/class/net/va/statistics/tx_packets', 'utf8'));
const handed = tx.sendBatch(datas, addresses, ports);
const atOnce = tx.sendQueue();
const sent = () => Number(fs.readFileSync('/sys/class/net/va/statistics/tx_packets', 'utf8')) - before;
function onDrain() {
  const wait = setInterval(() => {
    if (sent() < handed + atOnce.datagrams) return;
    clearInterval(wait);
    const drained = tx.sendQueue();
    tx.close();
    console.log(JSON.stringify({ limit, handed, atOnce, drained, txPackets: sent() }));
  }, 20);
}
`;

// The issue-11 teardown window: a send-only socket that once queued (so libuv holds its poll handle,
// and the environment's cleanup hook with it) is collected, then its worker is torn down before the
// loop turns. The hook must not reach the freed socket. Many workers in a row, each exits cleanly.
const teardownChild = `
const { Worker } = require('worker_threads');
const fs = require('fs');
const sockets = () => fs.readdirSync('/proc/self/fd').filter((f) => {
  try { return fs.readlinkSync('/proc/self/fd/' + f).startsWith('socket:'); } catch { return false; }
}).length;
const code = \`
  const addon = require(\${JSON.stringify(process.argv[1])});
  let tx = new addon.Socket(4, true, { onDrain: () => setImmediate(() => {
    tx = null;
    global.gc();
    process.exit(0); // no loop turn between the collection and the teardown
  }) });
  tx.bind('198.18.250.1', 0);
  tx.setBuffer(false, 4096, false);
  const datas = Array.from({ length: 200 }, () => Buffer.alloc(1000));
  tx.sendBatch(datas, datas.map(() => '198.18.250.2'), datas.map(() => 9));
  if (tx.queued() === 0) throw new Error('nothing queued');
\`;
const before = sockets();
let exits = [];
(async () => {
  for (let i = 0; i < 20; i++) {
    exits.push(await new Promise((resolve) => new Worker(code, { eval: true }).on('error', (e) => resolve(String(e))).on('exit', resolve)));
  }
  console.log(JSON.stringify({ exits, leaked: sockets() - before }));
})();
`;

const rootOnly = isRoot() ? describe : describe.skip;
rootOnly('send queue (skipped when not root: needs a network namespace)', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = new TestNetns('net-queue');
    // No IPv6 chatter (router solicitations, MLD) in the packet count.
    ns.exec('sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1');
    ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ns.ip('link', 'set', 'va', 'up');
    ns.ip('link', 'set', 'vb', 'up');
    ns.ip('addr', 'add', '198.18.250.1/24', 'dev', 'va');
    // A fixed neighbour: no ARP queue in the way, only the qdisc.
    ns.ip('neigh', 'add', '198.18.250.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'va');
    for (const dev of ['va', 'lo']) {
      ns.exec('tc', 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', '40mbit', 'burst', '16kb', 'limit', '50mb');
    }
  });
  afterAll(() => ns?.remove());

  test('EAGAIN queues the rest natively; writable polling drains all of it', () => {
    const total = 2000;
    const r = ns.node<{ handed: number; queued: number; queuedAtDrain: number; txPackets: number }>(drainChild, [String(total)]);
    expect(r.handed).toBeGreaterThan(0);
    expect(r.handed).toBeLessThan(total);
    expect(r.queued).toBe(total - r.handed);
    expect(r.queuedAtDrain).toBe(0);
    expect(r.txPackets).toBe(total);
  });

  test('queued datagrams are copies: overwritten sources and reused transient views arrive intact', () => {
    const total = 1000;
    const r = ns.node<{ handed: number; sourceQueued: number; forwarderQueued: number; received: number; intact: number }>(
      forwardChild,
      [String(total)],
    );
    expect(r.sourceQueued).toBeGreaterThan(0);
    expect(r.handed + r.sourceQueued).toBe(total);
    expect(r.forwarderQueued).toBeGreaterThan(0);
    expect(r.received).toBe(total);
    expect(r.intact).toBe(total);
  });

  test('beyond the queue limit the newest datagrams are dropped and counted; the depth is visible', () => {
    const total = 2000;
    const room = 100;
    type Depth = { datagrams: number; bytes: number; dropped: number; peakBytes: number; limitBytes: number };
    const r = ns.node<{ limit: number; handed: number; atOnce: Depth; drained: Depth; txPackets: number }>(limitChild, [String(total), String(room)]);
    expect(r.limit).toBe(room * 1064);
    expect(r.handed).toBeGreaterThan(0);
    expect(r.atOnce).toEqual({ datagrams: room, bytes: room * 1064, dropped: total - r.handed - room, peakBytes: room * 1064, limitBytes: r.limit });
    expect(r.drained).toEqual({ ...r.atOnce, datagrams: 0, bytes: 0 });
    expect(r.txPackets).toBe(r.handed + room);
  });

  test('a collected socket that once queued, then its worker torn down at once: clean exits, nothing left open', () => {
    const out = execFileSync('ip', ['netns', 'exec', ns.name, process.execPath, '--expose-gc', '-e', teardownChild, ADDON_PATH], {
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(JSON.parse(out)).toEqual({ exits: Array(20).fill(0), leaked: 0 });
  });
});
