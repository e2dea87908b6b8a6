// The machine's fast path forward() must decide every datagram exactly as handle() would: two machines
// prepared alike, one run the daemon's way (forward(), handle() only when forward() makes no claim) and one
// with handle() alone, are fed every captured packet (proxy sessions included) and thousands of mutated ones.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint } from '../../lib/crypto';
import { HEADER_LEN, MessageType, UFTP_VERSION } from '../../lib/protocol';
import { createProxy } from '../../lib/proxy';
import type { Endpoint, ProxyConfig, ProxyMachine, ProxyOutput } from '../../lib/proxy/types';
import { C1, C2, CLIENT_PROXY, FakeClock, REAL, SERVER, SERVER_PROXY, TimerWheel, config, datagram, hex } from './proxy-helpers';
import { prng } from '../helpers/prng';

interface Captured {
  dir: string;
  to?: string;
  hex: string;
}

/** A packet and which way it travels: down = from the server's side, up = from a client's side. */
interface Sample {
  data: Buffer;
  down: boolean;
  second: boolean;
}

const DIR = join(__dirname, '..', 'fixtures', 'packets');
const SAMPLES: Sample[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Captured[]).map((e) => ({
    data: Buffer.from(e.hex, 'hex'),
    down: e.dir === 'server' || (e.to !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(e.to)) || (e.dir === 'sproxy' && e.to === 'cproxy'),
    second: /2$/.test(e.dir),
  })));
const GROUP_IDS = [...new Set(SAMPLES.filter((s) => s.data.length >= HEADER_LEN).map((s) => s.data.readUInt32BE(8)))];

function key(type: 'rsa' | 'ec') {
  const { privateKey } = type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 1024 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: privateKey, type, fingerprint: fingerprint(privateKey) };
}
const KEYS = [key('rsa'), key('ec')];

/** Where a sample comes from and is addressed to, as the proxy of `mode` would receive it. */
function route(mode: ProxyConfig['mode'], s: Sample): { from: Endpoint; to: string } {
  const proxyAddr = mode === 'server' ? SERVER_PROXY.address : CLIENT_PROXY.address;
  if (!s.down) return { from: mode === 'server' ? CLIENT_PROXY : s.second ? C2 : C1, to: proxyAddr };
  if (mode === 'client') return { from: SERVER_PROXY, to: proxyAddr };
  return { from: SERVER, to: s.data[1] === MessageType.ANNOUNCE ? '230.4.4.1' : '230.5.5.9' };
}


function mutate(s: Sample, rnd: () => number): Sample {
  const data = Buffer.from(s.data);
  const int = (n: number) => Math.floor(rnd() * n);
  const kind = int(6);
  if (kind === 0 && data.length > 0) {
    // A bit flip, mostly in the header where the routing is decided.
    const at = rnd() < 0.6 ? int(Math.min(HEADER_LEN, data.length)) : int(data.length);
    data[at] ^= 1 << int(8);
  } else if (kind === 1 && data.length >= HEADER_LEN) {
    data.writeUInt32BE(rnd() < 0.7 ? GROUP_IDS[int(GROUP_IDS.length)] : int(2 ** 32), 8);
    if (rnd() < 0.3) data[12] = int(4);
  } else if (kind === 2) {
    return { ...s, data: data.subarray(0, int(data.length + 1)) };
  } else if (kind === 3 && data.length >= 2) {
    data[1] = MessageType.FILESEG; // whatever it was, now it asks for the fast path
  } else if (kind === 4 && data.length >= HEADER_LEN) {
    data.writeUInt32BE(rnd() < 0.5 ? SAMPLES[int(SAMPLES.length)].data.readUInt32BE(4) : int(2 ** 32), 4);
  } else {
    return { ...s, down: !s.down };
  }
  return { ...s, data };
}

/** What must match between the two machines when both ran handle(): all but the random bytes of sealed sends. */
function shape(out: ProxyOutput[]): unknown[] {
  return out.map((o) => (o.type === 'send' ? { to: o.to, length: o.data.length } : o));
}

/** `claims`: what forward() answers for the live sessions' FILESEGs: an Endpoint, null, or nothing. */
function bothWays(name: string, cfg: ProxyConfig, claims: 'forwards' | 'takes' | 'nothing'): void {
  test(`${name}: forward() and handle() agree on ${SAMPLES.length} captured and 4000 mutated packets`, () => {
    // Two clocks in step: each TimerWheel moves its own.
    const fastClock = new FakeClock();
    const slowClock = new FakeClock();
    const fast = createProxy(cfg) as Required<ProxyMachine>;
    const slow = createProxy(cfg);
    const fastWheel = new TimerWheel(fast, fastClock);
    const slowWheel = new TimerWheel(slow, slowClock);
    fastWheel.feed(fast.start(fastClock));
    slowWheel.feed(slow.start(slowClock));
    // The daemon passes a view of a buffer it reuses: forward() must keep nothing of it.
    const scratch = Buffer.alloc(65536);
    const tally = { forwarded: 0, taken: 0, handled: 0 };
    const rnd = prng(0x5eed + name.length);
    const feed = (s: Sample) => {
      fastClock.advance(1);
      slowClock.advance(1);
      const { from, to } = route(cfg.mode, s);
      s.data.copy(scratch);
      const claim = fast.forward(scratch.subarray(0, s.data.length), fastClock);
      scratch.fill(0xa5);
      const out = slowWheel.handle(datagram(Buffer.from(s.data), from, to));
      const where = `${s.data.toString('hex')} (${s.down ? 'down' : 'up'})`;
      if (claim === undefined) {
        tally.handled++;
        const mine = fastWheel.handle(datagram(Buffer.from(s.data), from, to));
        expect({ where, out: shape(mine) }).toEqual({ where, out: shape(out) });
        // A FILESEG the fast path leaves alone is one that handle() drops, never silently.
        if (s.data.length >= HEADER_LEN && s.data[0] === UFTP_VERSION && s.data[1] === MessageType.FILESEG) {
          const kinds = out.map((o) => (o.type === 'log' && o.level >= 4 ? 'debug-log' : o.type));
          expect({ where, kinds }).toEqual({ where, kinds: ['debug-log', 'count'] });
        }
        return;
      }
      if (claim === null) {
        tally.taken++;
        expect({ where, out }).toEqual({ where, out: [] });
        return;
      }
      tally.forwarded++;
      expect({ where, out }).toEqual({ where, out: [{ type: 'send', data: s.data, to: claim }] });
    };
    // Time passes alike for both: aggregates go out, silent sessions end, with the same outputs.
    const wait = (ms: number) => expect(shape(fastWheel.advance(ms))).toEqual(shape(slowWheel.advance(ms)));
    const announces = SAMPLES.filter((s) => s.data[1] === MessageType.ANNOUNCE && s.down);
    // Sessions first: every ANNOUNCE as captured, then all the traffic, then the mutants.
    announces.forEach(feed);
    expect(slow.sessionCount()).toBeGreaterThan(5);
    SAMPLES.forEach(feed);
    for (let i = 0; i < 4000; i++) {
      feed(mutate(SAMPLES[Math.floor(rnd() * SAMPLES.length)], rnd));
      if (i % 500 === 499) {
        wait(300 + Math.floor(rnd() * 1000));
        announces.forEach(feed);
      }
    }
    wait(60_000);
    expect(slow.sessionCount()).toBe(0);
    expect(fast.sessionCount()).toBe(slow.sessionCount());
    // The fast path is really taken (for FILESEGs of live sessions), and so is handle().
    expect(tally.forwarded > 100).toBe(claims === 'forwards');
    expect(tally.taken > 100).toBe(claims === 'takes');
    expect(tally.handled).toBeGreaterThan(1000);
  });
}

describe('forward() gives the outcome of handle()', () => {
  bothWays('server proxy (-s dest)', config('server'), 'forwards');
  bothWays('server proxy (-s fp=..., no heartbeat yet)', config('server', { downstreamFingerprint: KEYS[0].fingerprint }), 'nothing');
  bothWays('client proxy (-c, with keys)', config('client', { keys: KEYS }), 'forwards');
  bothWays('client proxy (-c -C list)', config('client', { keys: KEYS, clientList: [{ id: 0x5e000013 }] }), 'forwards');
  bothWays('response proxy (-r, with keys)', config('response', { keys: KEYS }), 'takes');
});

describe('a FILESEG that does not go on is dropped by handle(), logged and counted, and forward() leaves it', () => {
  const seg = hex(REAL.fileseg);
  const cases: Array<[string, ProxyConfig, Buffer, string]> = [
    ['no downstream yet (-s fp=...)', config('server', { downstreamFingerprint: KEYS[0].fingerprint }), seg, 'drop.unexpected'],
    ['from someone other than the session\'s server', config('server'), withSource(seg, 0xc6121503), 'drop.unexpected'],
    ['shorter than its fixed part', config('client'), seg.subarray(0, HEADER_LEN + 7), 'drop.malformed'],
    ['header length past the end', config('client'), withByte(seg, HEADER_LEN + 1, 0x40), 'drop.malformed'],
    ['body that is not a FILESEG', config('client'), withByte(seg, HEADER_LEN, MessageType.DONE), 'drop.malformed'],
    ['unknown group', config('client'), withByte(seg, 9, 0), 'drop.unknown-group'],
  ];
  test.each(cases)('%s', (_what, cfg, data, counter) => {
    const clock = new FakeClock();
    const machine = createProxy(cfg) as Required<ProxyMachine>;
    const from = cfg.mode === 'client' ? SERVER_PROXY : SERVER;
    const to = cfg.mode === 'client' ? CLIENT_PROXY.address : '230.4.4.1';
    machine.handle(datagram(hex(REAL.announce), from, to), clock);
    expect(machine.forward(data, clock)).toBeUndefined();
    const out = machine.handle(datagram(data, from, to), clock);
    expect(out).toEqual([expect.objectContaining({ type: 'log', level: 5 }), { type: 'count', name: counter }]);
    // The intact FILESEG still goes on, through either path.
    if (cfg.downstream || cfg.mode === 'client') expect(machine.forward(seg, clock)).toEqual(cfg.downstream ?? { address: '230.5.5.117', port: 1044 });
  });
});

function withSource(b: Buffer, srcId: number): Buffer {
  const copy = Buffer.from(b);
  copy.writeUInt32BE(srcId, 4);
  return copy;
}

function withByte(b: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(b);
  copy[at] = value;
  return copy;
}
