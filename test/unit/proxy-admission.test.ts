// Bounded state from unauthenticated packets: a burst of forged ANNOUNCEs with new group IDs from one host
// opens only a few sessions (per-source rate), never more than the session limit, none of which joins a
// group; they end quickly; refusals are counted per packet and logged once per interval; the session in
// flight and a new legitimate server keep working throughout.
import {
  NEW_SESSIONS_BURST, NEW_SESSIONS_BURST_PER_ADDRESS, NEW_SESSIONS_PER_SEC, REFUSAL_REPORT_MS, REFUSAL_REPORT_TIMER, pendingTimeoutMs,
} from '../../lib/session/admission';
import { DEFAULT_MAX_SESSIONS } from '../../lib/proxy/machine';
import { createProxy } from '../../lib/proxy';
import type { ProxyOutput } from '../../lib/proxy/types';
import { grttMs, sessionTimeoutMs } from '../../lib/session/timing';
import {
  CLIENT_PROXY, FakeClock, REAL, SERVER, SERVER_PROXY, TimerWheel, config, counts, datagram, hex, sends,
} from './proxy-helpers';

const ATTACKER = { address: '198.18.20.66', port: 4444 };

/** The captured ANNOUNCE under another group ID (and server ID). */
function announceOf(groupId: number, serverId?: number): Buffer {
  const b = hex(REAL.announce);
  b.writeUInt32BE(groupId >>> 0, 8);
  if (serverId !== undefined) b.writeUInt32BE(serverId >>> 0, 4);
  return b;
}

/** The client proxy's captured REGISTER under another group ID. */
function registerOf(groupId: number): Buffer {
  const b = hex(REAL.registerByProxy);
  b.writeUInt32BE(groupId >>> 0, 8);
  return b;
}

/** A FILESEG of the captured session under another group ID. */
function filesegOf(groupId: number): Buffer {
  const b = hex(REAL.fileseg);
  b.writeUInt32BE(groupId >>> 0, 8);
  return b;
}

function tally(out: ProxyOutput[], name: string): number {
  return counts(out).filter((c) => c === name).length;
}

function setUp(maxSessions?: number) {
  const clock = new FakeClock();
  const machine = createProxy(config('server', maxSessions === undefined ? {} : { maxSessions }));
  return { clock, machine, wheel: new TimerWheel(machine, clock) };
}

describe('session admission', () => {
  test('the default limit', () => {
    expect(DEFAULT_MAX_SESSIONS).toBe(1000);
    expect(createProxy(config('server')).sessionCount()).toBe(0);
  });

  test('a burst of 5000 forged ANNOUNCEs from one host: a burst\'s worth of sessions, no joins, one log line', () => {
    const { machine, wheel } = setUp();
    // A real session under way (past its ANNOUNCE) before the burst.
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    wheel.handle(datagram(hex(REAL.registerByProxy), CLIENT_PROXY, SERVER_PROXY.address));
    const out: ProxyOutput[] = [];
    for (let i = 0; i < 5000; i++) {
      out.push(...wheel.handle(datagram(announceOf(0x10000000 + i), ATTACKER, '230.4.4.1')));
      // The session in flight keeps forwarding in the middle of it.
      if (i % 1000 === 0) expect(sends(wheel.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117')))).toHaveLength(1);
    }
    expect(machine.sessionCount()).toBe(1 + NEW_SESSIONS_BURST);
    expect(tally(out, 'drop.limit')).toBe(5000 - NEW_SESSIONS_BURST);
    expect(tally(out, 'session.refused.rate')).toBe(5000 - NEW_SESSIONS_BURST);
    expect(out.filter((o) => o.type === 'join')).toEqual([]);
    // Log lines: "Received request" of the sessions let in, and nothing for the refused ones.
    const shown = out.filter((o) => o.type === 'log' && o.level <= 2);
    expect(shown).toHaveLength(NEW_SESSIONS_BURST);
    expect(out.filter((o) => o.type === 'log').length).toBeLessThan(5 * NEW_SESSIONS_BURST);
    expect(out.filter((o) => o.type === 'setTimer' && o.id === REFUSAL_REPORT_TIMER)).toHaveLength(1);

    // A new legitimate server on another host starts a session during the burst.
    const legit = { address: '198.18.20.5', port: 40000 };
    expect(sends(wheel.handle(datagram(announceOf(0x0abc0001), legit, '230.4.4.1')))).toHaveLength(1);
    expect(machine.sessionCount()).toBe(2 + NEW_SESSIONS_BURST);

    // One summary line for the interval, naming the source; the transfer goes on meanwhile.
    const later: ProxyOutput[] = [];
    for (let t = 0; t < REFUSAL_REPORT_MS; t += 500) {
      later.push(...wheel.advance(500));
      expect(sends(wheel.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117')))).toHaveLength(1);
      wheel.handle(datagram(announceOf(0x0abc0001), legit, '230.4.4.1')); // the new server repeats its ANNOUNCE
    }
    const lines = later.filter((o) => o.type === 'log' && o.level <= 2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 1, message: expect.stringContaining(`${5000 - NEW_SESSIONS_BURST} over ${NEW_SESSIONS_PER_SEC} new per second`) });
    expect(lines[0]).toMatchObject({ message: expect.stringContaining(`most from ${ATTACKER.address} (${5000 - NEW_SESSIONS_BURST})`) });
    // By then the forged sessions (ANNOUNCE only, never repeated) have ended; the two real ones remain.
    expect(machine.sessionCount()).toBe(2);
    expect(sends(wheel.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117')))).toHaveLength(1);
  });

  // A client proxy hears every server through its server proxy: a flood forwarded from there (one forged
  // server ID) must not use up the rate of a real server behind the same address.
  test('a client proxy: a flood through the server proxy does not starve another server behind it', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('client'));
    const wheel = new TimerWheel(machine, clock);
    for (let i = 0; i < 1000; i++) wheel.handle(datagram(announceOf(0x50000000 + i), SERVER_PROXY, CLIENT_PROXY.address));
    expect(machine.sessionCount()).toBe(NEW_SESSIONS_BURST);
    const legit = wheel.handle(datagram(announceOf(0x0abc0002, 0xc6121499), SERVER_PROXY, CLIENT_PROXY.address));
    expect(sends(legit)).toHaveLength(1);
    expect(machine.sessionCount()).toBe(NEW_SESSIONS_BURST + 1);
  });

  test('one host forging a new server ID with each ANNOUNCE is held to the per-address rate', () => {
    const { machine, wheel } = setUp();
    for (let i = 0; i < 1000; i++) wheel.handle(datagram(announceOf(0x60000000 + i, 0x70000000 + i), ATTACKER, '230.4.4.1'));
    expect(machine.sessionCount()).toBe(NEW_SESSIONS_BURST_PER_ADDRESS);
  });

  test('a report timer that fires early sets itself again; the summary comes at its time', () => {
    const { machine, clock } = setUp();
    const out: ProxyOutput[] = [];
    for (let i = 0; i < NEW_SESSIONS_BURST + 3; i++) out.push(...machine.handle(datagram(announceOf(0x80000000 + i), ATTACKER, '230.4.4.1'), clock));
    const due = out.find((o) => o.type === 'setTimer' && o.id === REFUSAL_REPORT_TIMER);
    expect(due).toBeDefined();
    const at = (due as { at: number }).at;
    clock.advance(at - clock.now - 0.5);
    const early = machine.handle({ type: 'timer', id: REFUSAL_REPORT_TIMER }, clock);
    expect(early.filter((o) => o.type === 'log')).toEqual([]);
    expect(early).toEqual([{ type: 'setTimer', id: REFUSAL_REPORT_TIMER, at }]);
    clock.advance(0.5);
    const onTime = machine.handle({ type: 'timer', id: REFUSAL_REPORT_TIMER }, clock);
    expect(onTime).toEqual([expect.objectContaining({ type: 'log', level: 1, message: expect.stringMatching(/^New sessions refused in the last 10 s: 3 over/) })]);
  });

  test('the rate refills: a source may open NEW_SESSIONS_PER_SEC more sessions each second', () => {
    const { machine, wheel } = setUp();
    let group = 0x20000000;
    for (let i = 0; i < NEW_SESSIONS_BURST + 10; i++) wheel.handle(datagram(announceOf(group++), ATTACKER, '230.4.4.1'));
    expect(machine.sessionCount()).toBe(NEW_SESSIONS_BURST);
    wheel.advance(1000);
    const before = machine.sessionCount();
    for (let i = 0; i < 20; i++) wheel.handle(datagram(announceOf(group++), ATTACKER, '230.4.4.1'));
    expect(machine.sessionCount() - before).toBe(NEW_SESSIONS_PER_SEC);
  });

  test('at the limit a session still at its ANNOUNCE makes room; sessions under way never do', () => {
    const { machine, wheel } = setUp(3);
    const host = (i: number) => ({ address: `198.18.30.${i}`, port: 5000 });
    // Two sessions under way (a REGISTER came back for each), one still at its ANNOUNCE.
    for (const i of [1, 2]) {
      wheel.handle(datagram(announceOf(0x30000000 + i), host(i), '230.4.4.1'));
      expect(wheel.handle(datagram(registerOf(0x30000000 + i), CLIENT_PROXY, SERVER_PROXY.address)).some((o) => o.type === 'join')).toBe(true);
    }
    wheel.handle(datagram(announceOf(0x30000003), host(3), '230.4.4.1'));
    expect(machine.sessionCount()).toBe(3);
    // A fourth server: the pending one goes, quietly (a debug line), and the new one is in.
    const fourth = wheel.handle(datagram(announceOf(0x30000004), host(4), '230.4.4.1'));
    expect(sends(fourth)).toHaveLength(1);
    expect(counts(fourth)).toEqual(['session.evicted']);
    expect(fourth).toContainEqual({ type: 'cancelTimer', id: 'session:30000003/0' });
    expect(fourth.filter((o) => o.type === 'log' && o.level <= 2).map((o) => o.type === 'log' && o.message)).toEqual([
      `Received request from 0xC6121401 at ${host(4).address}`,
    ]);
    expect(machine.sessionCount()).toBe(3);
    // The sessions under way still forward; the evicted one is gone.
    expect(sends(wheel.handle(datagram(filesegOf(0x30000001), host(1), '230.5.5.117')))).toHaveLength(1);
    expect(counts(wheel.handle(datagram(filesegOf(0x30000003), host(3), '230.5.5.117')))).toEqual(['drop.unknown-group']);
  });

  test('all sessions under way and at the limit: a new one is refused and counted', () => {
    const { machine, wheel } = setUp(2);
    for (const i of [1, 2]) {
      wheel.handle(datagram(announceOf(0x40000000 + i), SERVER, '230.4.4.1'));
      wheel.handle(datagram(registerOf(0x40000000 + i), CLIENT_PROXY, SERVER_PROXY.address));
    }
    const out = wheel.handle(datagram(announceOf(0x40000003), { address: '198.18.20.7', port: 1 }, '230.4.4.1'));
    expect(sends(out)).toEqual([]);
    expect(counts(out)).toEqual(['drop.limit', 'session.refused.full']);
    expect(machine.sessionCount()).toBe(2);
    const report = wheel.advance(REFUSAL_REPORT_MS).filter((o) => o.type === 'log' && o.level === 1);
    expect(report).toEqual([expect.objectContaining({ message: expect.stringContaining('1 at the limit of 2 sessions') })]);
  });

  test('the pending timeout: two missed ANNOUNCE repeats, 1 s floor, 30 s cap, never past the full timeout', () => {
    expect(pendingTimeoutMs(0x9d, sessionTimeoutMs(0x9d, 20))).toBe(6 * grttMs(0x9d));
    expect(pendingTimeoutMs(0x6a, sessionTimeoutMs(0x6a, 20))).toBe(1000);
    expect(pendingTimeoutMs(0xff, sessionTimeoutMs(0xff, 20))).toBe(30_000);
    expect(pendingTimeoutMs(0x9d, 2000)).toBe(2000);
  });
});
