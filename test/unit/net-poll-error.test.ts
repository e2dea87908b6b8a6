// A poll error (POLLERR: here an ICMP port unreachable queued by IP_RECVERR) stops libuv's handle.
// The socket must report the error and keep receiving, not go deaf for good. IP_RECVERR is set from
// outside (a Python helper through pidfd_getfd: the addon never sets it), so root is needed.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ADDON_PATH, isRoot } from './net-helpers';

const child = `
const addon = require(process.argv[1]);
const dgram = require('dgram');
const fs = require('fs');
const sockets = () => new Set(fs.readdirSync('/proc/self/fd').filter((f) => {
  try { return fs.readlinkSync('/proc/self/fd/' + f).startsWith('socket:'); } catch { return false; }
}));
const errors = [];
let received = 0;
let onDatagram = () => {};
const before = sockets();
const rx = new addon.Socket(4, true, {
  onBatch: (slab, count) => { received += count; onDatagram(); },
  onError: (e) => { errors.push(e.code); onDatagram(); },
});
const fd = [...sockets()].find((f) => !before.has(f));
rx.bind('127.0.0.1', 0);
rx.startReceiving();
const closed = dgram.createSocket('udp4');
closed.bind(0, '127.0.0.1', () => {
  const deadPort = closed.address().port;
  closed.close();
  console.log(JSON.stringify({ pid: process.pid, fd: Number(fd) }));
  process.stdin.once('data', () => {
    rx.send(Buffer.from('to nobody'), '127.0.0.1', deadPort); // ICMP port unreachable: POLLERR
    onDatagram = () => {
      if (errors.length === 0) return;
      // The error is in: now a datagram must still arrive.
      onDatagram = () => { if (received > 0) finish(); };
      const tx = dgram.createSocket('udp4');
      tx.send('still here', rx.address().port, '127.0.0.1', () => tx.close());
    };
  });
});
function finish() {
  rx.close();
  console.log(JSON.stringify({ errors, received }));
  process.exit(0);
}
setTimeout(() => { rx.close(); console.log(JSON.stringify({ errors, received, timedOut: true })); process.exit(0); }, 10000).unref();
`;

(isRoot() && process.platform === 'linux' ? test : test.skip)(
  'after a poll error the socket reports it and still receives (skipped when not root)',
  async () => {
    const proc = spawn(process.execPath, ['-e', child, ADDON_PATH], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: proc.stdout });
    const results: unknown[] = [];
    const done = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
    for await (const line of lines) {
      const msg = JSON.parse(line);
      if ('pid' in msg) {
        execFileSync('/usr/bin/python3', [join(__dirname, '../fixtures/set-recverr.py'), String(msg.pid), String(msg.fd)]);
        proc.stdin.write('go\n');
      } else {
        results.push(msg);
      }
    }
    await done;
    expect(results).toEqual([{ errors: ['ECONNREFUSED'], received: 1 }]);
  },
);
