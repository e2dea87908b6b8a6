// The addon's socket behaviour as one JSON document, so that the same checks run by Linux node and by
// the official Windows node.exe under Wine can be compared key by key (test/lab/windows-socket.test.ts).
// Runs inside a private network namespace: unicast on lo, multicast on IFACE (one end of a veth pair:
// Linux loops IPv6 multicast back on such a link, not on lo) whose addresses are ADDR4 and ADDR6.
//   node dist/scripts/windows/socket-checks.js RESULT_FILE IFACE ADDR4 ADDR6
// Results go to a file: under Wine, node.exe's stdout cannot be a pipe.
import { writeFileSync } from 'node:fs';
import { UdpSocket, type Datagram, type Family } from '../../lib/net';

/** A source no socket here sends from: an SSM join to it must let nothing of ours in. */
const OTHER_SOURCE = { 4: '198.51.100.43', 6: '2001:db8::43' } as const;
const LOOPBACK = { 4: '127.0.0.1', 6: '::1' } as const;
const [resultFile, IFACE, ADDR4, ADDR6] = process.argv.slice(2);
const LINK: Record<Family, string> = { 4: ADDR4, 6: ADDR6 };
const ANY = { 4: '0.0.0.0', 6: '::' } as const;
const ASM_GROUP = { 4: '239.43.0.1', 6: 'ff15::43:1' } as const;
const SSM_GROUP = { 4: '232.43.0.1', 6: 'ff35::43:1' } as const;

type Outcome = unknown;
const WAIT_MS = 10_000;

/** An error as code and syscall only: the texts differ between platforms, the codes must not. */
function failed(err: unknown): Outcome {
  const e = err as { code?: unknown; syscall?: unknown; name?: string; message?: string };
  if (typeof e.code === 'string') return { error: e.code, ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}) };
  return { error: e.name ?? 'Error', message: e.message };
}

/** A socket whose received datagrams collect in `got`, with a wait for a condition on them. */
class Receiver {
  readonly got: Datagram[] = [];
  private wake?: () => void;

  constructor(readonly socket: UdpSocket) {
    socket.onMessages((batch) => {
      for (const d of batch) this.got.push({ ...d, data: Buffer.from(d.data) });
      this.wake?.();
    });
  }

  /** Resolves once `done` holds for what has arrived; rejects after WAIT_MS. */
  until(done: (got: Datagram[]) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${this.got.length} datagrams`)), WAIT_MS);
      const check = () => {
        if (!done(this.got)) return;
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = check;
      check();
    });
  }
}

const opened: UdpSocket[] = [];
function open(family: Family, reuseAddr = true): UdpSocket {
  const s = UdpSocket.open({ family, reuseAddr });
  opened.push(s);
  return s;
}

function sender(family: Family, from: string): UdpSocket {
  const s = open(family);
  s.bind(from, 0);
  s.setMulticastInterface(IFACE);
  s.setMulticastLoopback(true);
  return s;
}

const MARKER = Buffer.from('marker');
const isMarker = (d: Datagram) => Buffer.compare(Buffer.from(d.data), MARKER) === 0;

/** What a receiver saw, in the terms both platforms must agree on. */
function seen(got: Datagram[], senders: Map<number, string>) {
  return got
    .filter((d) => !isMarker(d))
    .map((d) => ({ from: d.from, sender: senders.get(d.fromPort) ?? 'unknown', to: d.to, tos: d.tos, ifindexSet: d.ifindex > 0, length: d.data.length }));
}

/** Runs each step apart, so one option a platform refuses does not hide the others. */
function stepwise(steps: Record<string, () => unknown>): Record<string, Outcome> {
  const out: Record<string, Outcome> = {};
  for (const [name, step] of Object.entries(steps)) {
    try {
      const value = step();
      out[name] = value === undefined ? 'ok' : value;
    } catch (err) {
      out[name] = failed(err);
    }
  }
  return out;
}

function options(family: Family): Outcome {
  const s = open(family);
  s.bind(LOOPBACK[family], 0);
  return stepwise({
    boundTo: () => s.address().address,
    tosAfterDscp46: () => (s.setDscp(46), s.getTos()),
    tosAfterDscp0: () => (s.setDscp(0), s.getTos()),
    markingAfterDscp46: () => (s.setDscp(46), s.dscpMarking().mechanism),
    markingAfterDscp0: () => (s.setDscp(0), s.dscpMarking().mechanism),
    ttl: () => (s.setMulticastTtl(7), s.getMulticastTtl()),
    loopbackOff: () => s.setMulticastLoopback(false),
    multicastIfByName: () => (s.setMulticastInterface('lo'), s.getMulticastInterface()),
    multicastIfByAddress: () => (s.setMulticastInterface(LOOPBACK[family]), s.getMulticastInterface()),
  });
}

function buffers(family: Family): Outcome {
  const s = open(family);
  const grant = s.setRecvBufferSize(1 << 20, { force: false });
  const send = s.setSendBufferSize(1 << 20, { force: false });
  // The sizes granted are the system's business (Linux doubles, caps at rmem_max); that one was granted is ours.
  return {
    receive: { requested: grant.requested, forced: grant.forced, granted: grant.granted > 0, readBack: s.getRecvBufferSize() === grant.granted },
    send: { requested: send.requested, forced: send.forced, granted: send.granted > 0, readBack: s.getSendBufferSize() === send.granted },
  };
}

async function unicast(family: Family): Promise<Outcome> {
  const rx = new Receiver(open(family));
  rx.socket.bind(LOOPBACK[family], 0);
  const tx = open(family);
  tx.bind(LOOPBACK[family], 0);
  const marking = stepwise({ dscp46: () => tx.setDscp(46) });
  const { port } = rx.socket.address();
  for (const size of [1, 100, 1400]) tx.send(new Uint8Array(size), LOOPBACK[family], port);
  await rx.until((got) => got.length >= 3);
  return { marking, received: seen(rx.got, new Map([[tx.address().port, 'tx']])) };
}

/** Joins, receives from two senders, leaves, and proves by a unicast marker that nothing more arrives. */
async function anySource(family: Family): Promise<Outcome> {
  const group = ASM_GROUP[family];
  const rx = new Receiver(open(family));
  rx.socket.bind(ANY[family], 0);
  const { port } = rx.socket.address();
  rx.socket.joinGroup(group, IFACE);
  const a = sender(family, LINK[family]);
  const b = sender(family, LINK[family]);
  a.send(new Uint8Array(200), group, port);
  b.send(new Uint8Array(300), group, port);
  await rx.until((got) => got.length >= 2);
  const joined = seen(rx.got.splice(0), senderNames(a, b));
  rx.socket.leaveGroup(group, IFACE);
  a.send(new Uint8Array(200), group, port);
  a.send(MARKER, LINK[family], port);
  await rx.until((got) => got.some(isMarker));
  return { joined: sortBySender(joined), afterLeave: seen(rx.got, senderNames(a, b)) };
}

/**
 * One socket joined to (S, G) for the sender's address, one to (S', G) for another source: only
 * the first receives the sender's datagram to G; after it leaves, neither does. A unicast marker
 * after each datagram to G says when all that could arrive has arrived.
 */
async function sourceSpecific(family: Family): Promise<Outcome> {
  const group = SSM_GROUP[family];
  const matching = new Receiver(open(family));
  const other = new Receiver(open(family));
  for (const r of [matching, other]) r.socket.bind(ANY[family], 0);
  matching.socket.joinSourceGroup(group, LINK[family], IFACE);
  other.socket.joinSourceGroup(group, OTHER_SOURCE[family], IFACE);
  const a = sender(family, LINK[family]);
  const names = new Map([[a.address().port, 'a']]);
  const round = async () => {
    for (const r of [matching, other]) {
      const { port } = r.socket.address();
      a.send(new Uint8Array(200), group, port);
      a.send(MARKER, LINK[family], port);
    }
    for (const r of [matching, other]) await r.until((got) => got.some(isMarker));
    return { matching: seen(matching.got.splice(0), names), other: seen(other.got.splice(0), names) };
  };
  const joined = await round();
  matching.socket.leaveSourceGroup(group, LINK[family], IFACE);
  return { joined, afterLeave: await round() };
}

function senderNames(a: UdpSocket, b: UdpSocket): Map<number, string> {
  return new Map([
    [a.address().port, 'a'],
    [b.address().port, 'b'],
  ]);
}

function sortBySender<T extends { sender: string }>(list: T[]): T[] {
  return [...list].sort((x, y) => x.sender.localeCompare(y.sender));
}

function errors(family: Family): Outcome {
  const out: Record<string, Outcome> = {};
  const attempt = (name: string, fn: () => void) => {
    try {
      fn();
      out[name] = 'no error';
    } catch (err) {
      out[name] = failed(err);
    }
  };
  const a = open(family, false);
  a.bind(LOOPBACK[family], 0);
  attempt('bindInUse', () => open(family, false).bind(LOOPBACK[family], a.address().port));
  attempt('bindForeignAddress', () => open(family).bind(family === 4 ? '192.0.2.77' : '2001:db8::77', 0));
  attempt('leaveNotJoined', () => a.leaveGroup(ASM_GROUP[family], 'lo'));
  attempt('joinTwice', () => {
    const s = open(family);
    s.bind(ANY[family], 0);
    s.joinGroup(ASM_GROUP[family], 'lo');
    s.joinGroup(ASM_GROUP[family], 'lo');
  });
  attempt('dscpOutOfRange', () => a.setDscp(64));
  return out;
}

async function run(family: Family, name: string, check: (family: Family) => Outcome | Promise<Outcome>, results: Record<string, Outcome>) {
  try {
    results[`ipv${family} ${name}`] = await check(family);
  } catch (err) {
    results[`ipv${family} ${name}`] = failed(err);
  }
}

async function main(): Promise<void> {
  const file = resultFile;
  if (!ADDR6) throw new Error('usage: socket-checks RESULT_FILE IFACE ADDR4 ADDR6');
  const results: Record<string, Outcome> = {};
  const checks = { options, buffers, unicast, anySource, sourceSpecific, errors };
  for (const family of [4, 6] as const) {
    for (const [name, check] of Object.entries(checks)) await run(family, name, check, results);
  }
  await Promise.all(opened.map((s) => s.close()));
  writeFileSync(file, JSON.stringify({ platform: process.platform, node: process.version, results }, null, 1));
}

main().catch((err) => {
  writeFileSync(process.argv[2] ?? 'socket-checks-error.json', JSON.stringify({ fatal: String(err?.stack ?? err) }));
  process.exitCode = 1;
});
