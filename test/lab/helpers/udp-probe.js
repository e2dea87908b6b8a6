#!/usr/bin/env node
// Tiny UDP tool run inside lab hosts (no ping or socat is installed; node always is).
//   echo PORT                                  answer every datagram with the same bytes (v4 and v6)
//   ask ADDR PORT TIMEOUT_MS                   send until an answer comes; exit 1 if none
//   listen GROUP PORT LOCAL_ADDR IFNAME        join GROUP on that interface, print what arrives
//   send GROUP PORT LOCAL_ADDR IFNAME COUNT    multicast COUNT datagrams, TTL 16 (so TTL is not what stops them)
//   bind PORT                                  bind 0.0.0.0:PORT alone (no SO_REUSEADDR): prints "bound" or the error code
//   hold PORT                                  the same, then keeps the port until stopped
'use strict';
const dgram = require('node:dgram');
const net = require('node:net');

const [mode, ...args] = process.argv.slice(2);

function socketFor(addr) {
  return dgram.createSocket({ type: net.isIPv6(addr) ? 'udp6' : 'udp4', reuseAddr: true });
}

// v4 names an interface by its address, v6 by a scope id.
function ifaceOf(group, localAddr, ifname) {
  return net.isIPv6(group) ? `::%${ifname}` : localAddr;
}

function bindAlone(port, then) {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  s.on('error', (err) => {
    console.log(err.code);
    process.exit(1);
  });
  s.bind(Number(port), '0.0.0.0', () => {
    console.log('bound');
    then(s);
  });
}

const modes = {
  echo([port]) {
    const s = dgram.createSocket({ type: 'udp6', ipv6Only: false });
    s.on('message', (msg, from) => s.send(msg, from.port, from.address));
    s.bind(Number(port), '::', () => console.log('listening'));
  },
  ask([addr, port, timeoutMs]) {
    const s = socketFor(addr);
    const ping = () => s.send(`ping ${process.pid}`, Number(port), addr);
    s.on('message', (msg, from) => {
      console.log(`reply from ${from.address}: ${msg}`);
      process.exit(0);
    });
    s.bind(0, () => {
      ping();
      setInterval(ping, 100);
    });
    setTimeout(() => {
      console.log(`no reply from ${addr} within ${timeoutMs} ms`);
      process.exit(1);
    }, Number(timeoutMs));
  },
  listen([group, port, localAddr, ifname]) {
    const s = socketFor(group);
    s.on('message', (msg, from) => console.log(`got ${msg} from ${from.address}`));
    s.bind(Number(port), () => {
      s.addMembership(group, ifaceOf(group, localAddr, ifname));
      console.log('listening');
    });
  },
  send([group, port, localAddr, ifname, count]) {
    const s = socketFor(group);
    s.bind(0, net.isIPv6(group) ? '::' : localAddr, () => {
      s.setMulticastInterface(ifaceOf(group, localAddr, ifname));
      s.setMulticastTTL(16);
      let sent = 0;
      const next = () => {
        if (sent === Number(count)) return s.close();
        s.send(`mc${sent++}`, Number(port), group, (err) => {
          if (err) throw err;
          setTimeout(next, 20);
        });
      };
      next();
    });
  },
  bind([port]) {
    bindAlone(port, (s) => s.close());
  },
  hold([port]) {
    bindAlone(port, () => undefined);
  },
};

if (!modes[mode]) {
  console.error(`udp-probe: unknown mode ${JSON.stringify(mode)} (echo, ask, listen, send, bind, hold)`);
  process.exit(2);
}
modes[mode](args);
