// Every socket gets IP_MULTICAST_ALL / IPV6_MULTICAST_ALL off: two sockets bound to the any
// address on one port, each joined to its own group, receive only their own group's datagrams
// (Linux's default would hand both groups to both). Needs root for a private network namespace
// (skipped otherwise).
import { META_WORDS } from '../../lib/net/datagram-batch';
import { TestNetns, isRoot } from './net-helpers';

const child = `
const addon = require(process.argv[1]);
const WORDS = ${META_WORDS}; // per row of a batch's table
const [family, g1, g2, any] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
const ifindex = Number(require('fs').readFileSync('/sys/class/net/va/ifindex', 'utf8'));
const port = 5600;
const got = { a: [], b: [] };
const fail = (e) => { console.error(e); process.exit(1); };
function receiver(name, group) {
  const s = new addon.Socket(family, true, { onError: fail, onBatch: (slab, count, addresses) => {
    const meta = new Uint32Array(slab, 0, count * WORDS);
    for (let i = 0; i < count; i++) {
      const m = i * WORDS;
      got[name].push({ to: addresses[meta[m + 4]], text: Buffer.from(slab, meta[m], meta[m + 1]).toString() });
    }
  } });
  s.bind(any, port);
  s.membership(true, group, null, ifindex);
  s.startReceiving();
  return s;
}
const a = receiver('a', g1);
const b = receiver('b', g2);
const tx = new addon.Socket(family, true, { onError: fail });
tx.setMulticastInterface(ifindex);
tx.setMulticastLoopback(true);
for (let i = 0; i < 3; i++) {
  tx.send(Buffer.from('for ' + g1), g1, port);
  tx.send(Buffer.from('for ' + g2), g2, port);
}
setTimeout(() => {
  for (const s of [a, b, tx]) s.close();
  console.log(JSON.stringify(got));
}, 300);
`;

type Got = Record<'a' | 'b', { to: string; text: string }[]>;

const rootOnly = isRoot() ? describe : describe.skip;
rootOnly('multicast isolation between sockets (skipped when not root: needs a network namespace)', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = new TestNetns('net-mcall');
    // Sent out one end of a veth pair, each datagram also loops back to this host's members on it.
    ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ns.ip('link', 'set', 'va', 'up');
    ns.ip('link', 'set', 'vb', 'up');
    ns.ip('addr', 'add', '198.18.251.1/24', 'dev', 'va');
    ns.ip('-6', 'addr', 'add', 'fd00:198:18::1/64', 'dev', 'va', 'nodad');
  });
  afterAll(() => ns?.remove());

  test.each([
    [4, '239.1.1.1', '239.1.1.2', '0.0.0.0'],
    [6, 'ff15::1:1', 'ff15::1:2', '::'],
  ] as const)('IPv%i: each socket on the shared port sees only the group it joined', (family, g1, g2, any) => {
    const got = ns.node<Got>(child, [String(family), g1, g2, any]);
    expect(got.a).toEqual(Array(3).fill({ to: g1, text: `for ${g1}` }));
    expect(got.b).toEqual(Array(3).fill({ to: g2, text: `for ${g2}` }));
  });
});
