#!/usr/bin/env node
// Socket diagnostics from a script, with uftp-ts's socket addon: joins a multicast group for one source only
// (SSM), asks for a large receive buffer and DSCP marking and prints what the kernel granted, then prints each
// datagram with what the kernel says about it (destination address, interface, TOS) and answers it, marked.
//
//   node examples/ssm-receiver.js GROUP SOURCE INTERFACE PORT [COUNT] [ANSWER_PORT]
//
// GROUP and SOURCE: a source-specific group (232.0.0.0/8 or ff3x::) and the one sender to hear from;
// INTERFACE: a name, an index or one of its addresses; COUNT: datagrams before it exits (default 1);
// ANSWER_PORT: each datagram is answered from this socket, marked with DSCP 46 (EF), at the sender's address
// and this port (default: the port it came from). One JSON object a line on stdout.
//
// Installed as a package (`npm install uftp-ts`), require('uftp-ts'); from a checkout, the repository root.
'use strict';
const { isIPv6 } = require('node:net');
const uftp = requirePackage();

function requirePackage() {
  try {
    return require('uftp-ts');
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes("'uftp-ts'")) throw err;
    return require('..');
  }
}

function print(record) {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

const [group, source, iface, portText, countText = '1', answerText] = process.argv.slice(2);
if (!group || !source || !iface || !portText) {
  process.stderr.write('usage: node examples/ssm-receiver.js GROUP SOURCE INTERFACE PORT [COUNT] [ANSWER_PORT]\n');
  process.exit(1);
}
const family = isIPv6(group) ? 6 : 4;
const port = Number(portText);
const count = Number(countText);

const socket = uftp.UdpSocket.open({ family });
// What was asked and what the kernel granted (it doubles the value it reports; FORCE needs CAP_NET_ADMIN).
const buffer = socket.setRecvBufferSize(4 * 1024 * 1024);
socket.setDscp(46);
socket.bind(family === 6 ? '::' : '0.0.0.0', port);
const ifindex = uftp.resolveInterface(iface, family).index;
socket.joinSourceGroup(group, source, ifindex);
print({ ready: true, group, source, ifindex, port: socket.address().port, buffer, tos: socket.getTos() });

const names = new Map(uftp.interfaces().map((i) => [i.index, i.name]));
let seen = 0;
socket.onError((err) => print({ error: err.message, code: err.code, syscall: err.syscall }));
socket.onMessages((batch) => {
  for (const d of batch) {
    print({
      from: d.from, fromPort: d.fromPort, to: d.to, ifindex: d.ifindex, ifname: names.get(d.ifindex),
      tos: d.tos, dscp: d.tos >> 2, bytes: d.data.length, text: d.data.toString('utf8'),
    });
    socket.send(Buffer.from(`answer ${++seen}`), d.from, answerText === undefined ? d.fromPort : Number(answerText));
    if (seen === count) {
      void socket.flush().then(() => socket.close());
      return;
    }
  }
});
