#!/usr/bin/env node
// Traffic for the UDP GSO lab test, run inside lab hosts. Both ends derive every datagram from its index,
// so the receiver can say exactly which datagram arrived, whole or not.
//   send               sendBatch the datagrams of the JSON plan on stdin with the addon; prints {limit, sent}
//   receive MODE PORT GROUP IFNAME COUNT TIMEOUT_MS
//                      MODE addon|coalesce|dgram (coalesce: the addon with receive coalescing, UDP GRO);
//                      GROUP '-' for unicast only; prints one JSON line per datagram ({index, length,
//                      intact, tos}), then {done: true, maxBatch} after COUNT or the timeout
'use strict';
const dgram = require('node:dgram');
const path = require('node:path');

const repo = path.resolve(__dirname, '../../..');

// The bytes of datagram `index`, `length` long: its index up front, then a pattern of both.
function payload(index, length) {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (index * 31 + i * 7 + (i >> 8)) & 0xff;
  if (length >= 4) b.writeUInt32BE(index, 0);
  return b;
}

// The index a payload claims and whether every byte matches it.
function check(data) {
  if (data.length < 4) return { index: -1, intact: false };
  const index = data.readUInt32BE(0);
  return { index, intact: payload(index, data.length).equals(data) };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// plan: {ifname, dscp, gso, batches: [[{index, length, address, port}]], pauseMs}
async function send(plan) {
  const { UdpSocket } = require(path.join(repo, 'dist/lib/net'));
  const sock = UdpSocket.open({ family: 4 });
  sock.bind('0.0.0.0', 0);
  sock.setSendBufferSize(8 << 20);
  sock.setMulticastInterface(plan.ifname);
  sock.setMulticastTtl(4);
  if (plan.dscp !== undefined) sock.setDscp(plan.dscp);
  sock.setSegmentOffload(plan.gso);
  let sent = 0;
  for (const batch of plan.batches) {
    sent += sock.sendBatch(batch.map((d) => ({ data: payload(d.index, d.length), address: d.address, port: d.port })));
    await sock.flush();
    await sleep(plan.pauseMs);
  }
  console.log(JSON.stringify({ limit: sock.segmentLimit(), sent }));
  await sock.close();
}

function receive([mode, port, group, ifname, count, timeoutMs]) {
  // Lines are kept and printed at the end: a write per datagram would slow the receiver enough to lose
  // datagrams to a full socket buffer under load, which would say nothing about the sender.
  const lines = [];
  let maxBatch = 0; // the addon's largest batch: over 64 (its recvmmsg batch) only if runs came coalesced
  let finish;
  const record = (data, tos) => {
    const { index, intact } = check(data);
    lines.push(JSON.stringify({ index, length: data.length, intact, tos }));
    if (lines.length === Number(count)) finish();
  };
  // Prints the kept lines and {done}, then exits once stdout has taken it all (a large write to a pipe
  // completes asynchronously, and an early exit would cut it).
  const done = () => process.stdout.write([...lines, JSON.stringify({ done: true, maxBatch })].join('\n') + '\n', () => process.exit(0));
  if (mode === 'addon' || mode === 'coalesce') {
    const { UdpSocket } = require(path.join(repo, 'dist/lib/net'));
    const sock = UdpSocket.open({ family: 4 });
    sock.setRecvBufferSize(8 << 20);
    sock.bind('0.0.0.0', Number(port));
    if (group !== '-') sock.joinGroup(group, ifname);
    sock.onMessages(
      (batch) => {
        maxBatch = Math.max(maxBatch, batch.length);
        batch.forEach((d) => record(d.data, d.tos));
      },
      { coalesce: mode === 'coalesce' },
    );
    if (mode === 'coalesce' && !sock.coalescing()) throw new Error('receive coalescing refused');
    finish = () => {
      sock.close().then(done);
    };
  } else {
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize: 8 << 20 });
    sock.on('message', (data) => record(data, null));
    finish = () => {
      sock.close(done);
    };
    sock.bind(Number(port), () => {
      if (group !== '-') sock.addMembership(group);
    });
  }
  // 'listening' once bound and joined (both set up synchronously enough for a following sender).
  setTimeout(() => console.log('listening'), 100);
  setTimeout(() => finish(), Number(timeoutMs));
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'send') {
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => send(JSON.parse(Buffer.concat(chunks).toString())).catch((err) => {
    console.error(err);
    process.exit(1);
  }));
} else if (mode === 'receive') {
  receive(args);
} else {
  console.error('usage: gso-traffic.js send < PLAN_JSON | receive MODE PORT GROUP IFNAME COUNT TIMEOUT_MS');
  process.exit(2);
}
