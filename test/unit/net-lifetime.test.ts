// Socket lifetime: close() stops callbacks at once, garbage collection
// releases descriptors, and a worker's teardown leaves nothing behind.
import { execFileSync } from 'node:child_process';
import { UdpSocket } from '../../lib/net';
import { ADDON_PATH, receive, sleep } from './net-helpers';

function pair(): { rx: UdpSocket; tx: UdpSocket; port: number } {
  const rx = UdpSocket.open({ family: 4 });
  rx.bind('127.0.0.1', 0);
  const tx = UdpSocket.open({ family: 4 });
  return { rx, tx, port: rx.address().port };
}

function burst(tx: UdpSocket, port: number, count: number): void {
  tx.sendBatch(Array.from({ length: count }, () => ({ data: Buffer.alloc(100), address: '127.0.0.1', port })));
}

test('no batch reaches JS after close(), even with more datagrams waiting', async () => {
  const { rx, tx, port } = pair();
  let batches = 0;
  rx.onMessages(() => {
    batches++;
    void rx.close();
  });
  burst(tx, port, 500); // several recvmmsg batches' worth
  await sleep(200);
  expect(batches).toBe(1);
  await tx.close();
});

test('closing before the loop turns delivers nothing', async () => {
  const { rx, tx, port } = pair();
  let batches = 0;
  rx.onMessages(() => batches++);
  burst(tx, port, 10);
  await rx.close();
  await sleep(100);
  expect(batches).toBe(0);
  await tx.close();
});

test('a socket still receives after its first batch (the poll stays armed)', async () => {
  const { rx, tx, port } = pair();
  const first = receive(rx, 1);
  burst(tx, port, 1);
  await first;
  const second = receive(rx, 3);
  burst(tx, port, 3);
  expect(await second).toHaveLength(3);
  await Promise.all([rx.close(), tx.close()]);
});

// jest cannot force GC: a child node with --expose-gc does, and counts its sockets in /proc/self/fd.
const gcChild = `
const addon = require(process.argv[1]);
const fs = require('fs');
const dgram = require('dgram');
const fds = () => fs.readdirSync('/proc/self/fd').filter((f) => {
  try { return fs.readlinkSync('/proc/self/fd/' + f).startsWith('socket:'); } catch { return false; }
}).length;
const tick = () => new Promise((r) => setTimeout(r, 5));
(async () => {
  const before = fds();
  (() => {
    for (let i = 0; i < 200; i++) {
      // handlers that close over their owner, like UdpSocket's: a cycle GC must still break
      const owner = {};
      owner.native = new addon.Socket(4, true, { onBatch: () => owner, onError: () => owner, onDrain: () => owner });
      owner.native.bind('127.0.0.1', 0);
    }
  })();
  const opened = fds();
  for (let i = 0; i < 50 && fds() > before; i++) { global.gc(); await tick(); }
  const collected = fds();
  // A receiving socket with no JS reference left stays alive and delivers.
  let port;
  const delivered = new Promise((resolve) => {
    const r = new addon.Socket(4, true, { onBatch: (slab, count) => { r.close(); resolve(count); } });
    r.bind('127.0.0.1', 0);
    r.startReceiving();
    port = r.address().port;
  });
  for (let i = 0; i < 5; i++) { global.gc(); await tick(); }
  const tx = dgram.createSocket('udp4');
  tx.send('x', port, '127.0.0.1', () => tx.close());
  const count = await delivered;
  console.log(JSON.stringify({ before, opened, collected, delivered: count }));
})();
`;

test('garbage collection closes sockets nobody references, but not receiving ones', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', gcChild, ADDON_PATH], { encoding: 'utf8', timeout: 30000 });
  const r = JSON.parse(out);
  expect(r.opened).toBeGreaterThanOrEqual(r.before + 200);
  expect(r.collected).toBeLessThanOrEqual(r.before);
  expect(r.delivered).toBe(1);
});

const workerChild = `
const { Worker } = require('worker_threads');
const fs = require('fs');
const fds = () => fs.readdirSync('/proc/self/fd').filter((f) => {
  try { return fs.readlinkSync('/proc/self/fd/' + f).startsWith('socket:'); } catch { return false; }
}).length;
const before = fds();
const code = \`
  const { parentPort } = require('worker_threads');
  const addon = require(\${JSON.stringify(process.argv[1])});
  const rx = new addon.Socket(4, true, { onBatch: () => { tx.send(Buffer.alloc(50), '127.0.0.1', port); } });
  rx.bind('127.0.0.1', 0);
  rx.startReceiving();
  const port = rx.address().port;
  const tx = new addon.Socket(4, true, {});
  for (let i = 0; i < 100; i++) tx.send(Buffer.alloc(50), '127.0.0.1', port);
  parentPort.postMessage('running');
\`;
const w = new Worker(code, { eval: true });
w.on('message', () => setTimeout(() => w.terminate(), 50));
w.on('exit', () => setTimeout(() => console.log(JSON.stringify({ before, after: fds() })), 50));
`;

test('a worker torn down mid-traffic without close() leaves no socket open and does not crash', () => {
  const out = execFileSync(process.execPath, ['-e', workerChild, ADDON_PATH], { encoding: 'utf8', timeout: 30000 });
  const r = JSON.parse(out);
  expect(r.after).toBeLessThanOrEqual(r.before);
});
