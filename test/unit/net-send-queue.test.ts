// The native send queue for real: a socket with a small send buffer behind a
// slow qdisc gets EAGAIN, keeps the rest queued, polls for writable and
// drains. Needs root for a private network namespace (skipped otherwise).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isRoot } from './net-helpers';

const addonPath = join(__dirname, '../../build/Release/uftp_native.node');
const ns = `uftpts-net-queue-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', ['-n', ns, ...args]);

const child = `
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

const rootOnly = isRoot() ? describe : describe.skip;
rootOnly('send queue (skipped when not root: needs a network namespace)', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', ns]);
    ip('link', 'set', 'lo', 'up');
    // No IPv6 chatter (router solicitations, MLD) in the packet count.
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
    ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ip('link', 'set', 'va', 'up');
    ip('link', 'set', 'vb', 'up');
    ip('addr', 'add', '198.18.250.1/24', 'dev', 'va');
    // A fixed neighbour: no ARP queue in the way, only the qdisc.
    ip('neigh', 'add', '198.18.250.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'va');
    execFileSync('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'va', 'root', 'tbf', 'rate', '40mbit', 'burst', '16kb', 'limit', '50mb']);
  });
  afterAll(() => {
    execFileSync('ip', ['netns', 'del', ns]);
  });

  test('EAGAIN queues the rest natively; writable polling drains all of it', () => {
    const total = 2000;
    const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', child, addonPath, String(total)], {
      encoding: 'utf8',
      timeout: 60000,
    });
    const r = JSON.parse(out);
    expect(r.handed).toBeGreaterThan(0);
    expect(r.handed).toBeLessThan(total);
    expect(r.queued).toBe(total - r.handed);
    expect(r.queuedAtDrain).toBe(0);
    expect(r.txPackets).toBe(total);
  });
});
