// The transient receive area (views into the socket's own receive slots) cannot be taken away from
// the socket: structuredClone or postMessage with a transfer list copy it, and where it is detached
// all the same (V8's natives syntax) the kernel never writes into memory that JS now owns or has
// freed: the socket reports it and goes on in a fresh area. Run in a child: unfixed, the kernel wrote
// into the transferred memory (or, once it was freed, recvmmsg failed with EFAULT and the socket hung).
import { spawnSync } from 'node:child_process';
import { UdpSocket } from '../../lib/net';
import { META_WORDS } from '../../lib/net/datagram-batch';
import { ADDON_PATH } from './net-helpers';

const detachChild = `
const addon = require(process.argv[1]);
const dgram = require('dgram');
const { MessageChannel } = require('worker_threads');
const how = process.argv[2];
const WORDS = ${META_WORDS};
const detach = {
  structuredClone: (ab) => structuredClone(ab, { transfer: [ab] }),
  postMessage: (ab) => { const { port1, port2 } = new MessageChannel(); port1.postMessage(ab, [ab]); port1.close(); port2.close(); },
  natives: (ab) => { require('v8').setFlagsFromString('--allow-natives-syntax'); new Function('a', '%ArrayBufferDetach(a)')(ab); },
}[how];
const texts = [], errors = [], thrown = [];
let taken, snapshot;
const rx = new addon.Socket(4, true, {
  onBatch: (area, count) => {
    try {
      const meta = new Uint32Array(area, 0, count * WORDS);
      for (let i = 0; i < count; i++) texts.push(Buffer.from(area, meta[i * WORDS], meta[i * WORDS + 1]).toString());
      if (texts.length === 1) {
        taken = detach(area);
        if (taken) snapshot = Buffer.from(new Uint8Array(taken)); // a copy of what the transferred memory holds now
      }
    } catch (e) {
      thrown.push(String(e));
    }
    next();
  },
  onError: (e) => errors.push(e.code),
});
rx.bind('127.0.0.1', 0);
rx.startReceiving(true);
const tx = dgram.createSocket('udp4');
const words = ['first', 'second', 'third'];
let sent = 0;
function next() {
  if (sent < words.length) { tx.send(words[sent++], rx.address().port, '127.0.0.1'); return; }
  const overwritten = taken !== undefined && !Buffer.from(new Uint8Array(taken)).equals(snapshot);
  tx.close(); rx.close();
  console.log(JSON.stringify({ texts, errors, thrown, overwritten }));
}
next();
setTimeout(() => { console.log(JSON.stringify({ texts, errors, thrown, timedOut: true })); process.exit(3); }, 10000).unref();
`;

// Transfers copy the area (it is untransferable); only V8's own detach (natives syntax) detaches it.
test.each([
  ['structuredClone', []],
  ['postMessage', []],
  ['natives', ['ERR_RECEIVE_AREA_DETACHED']],
])('an area taken by %s is never written again, receiving goes on, and a detachment is reported', (how, errors) => {
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', detachChild, ADDON_PATH, how], { encoding: 'utf8', timeout: 30000 });
  expect(child.stderr).toBe('');
  const r = JSON.parse(child.stdout);
  expect(r).toEqual({ texts: ['first', 'second', 'third'], errors, thrown: [], overwritten: false });
  expect(child.status).toBe(0);
});

test('through UdpSocket the area is untransferable: structuredClone copies it and nothing is detached', async () => {
  const rx = UdpSocket.open({ family: 4 });
  const tx = UdpSocket.open({ family: 4 });
  try {
    rx.bind('127.0.0.1', 0);
    const errors: string[] = [];
    rx.onError((e) => errors.push(e.code));
    const seen: { text: string; kept: boolean }[] = [];
    const twoBatches = new Promise<void>((resolve) => {
      rx.onMessages(
        (batch) => {
          const area = batch[0].data.buffer as ArrayBuffer;
          const length = area.byteLength;
          structuredClone(area, { transfer: [area] });
          seen.push({ text: batch[0].data.toString(), kept: area.byteLength === length });
          if (seen.length === 1) tx.send(Buffer.from('two'), '127.0.0.1', rx.address().port);
          else resolve();
        },
        { transient: true },
      );
    });
    tx.send(Buffer.from('one'), '127.0.0.1', rx.address().port);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([twoBatches, new Promise((resolve) => (timer = setTimeout(resolve, 10000)))]);
    clearTimeout(timer);
    expect(seen).toEqual([
      { text: 'one', kept: true },
      { text: 'two', kept: true },
    ]);
    expect(errors).toEqual([]);
  } finally {
    await Promise.all([rx.close(), tx.close()]);
  }
});
