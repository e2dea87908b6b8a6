// Bounded state from unauthenticated packets, for the client (lib/client/admission.ts): a burst of forged
// ANNOUNCEs with new group IDs from one host opens only a burst's worth of sessions and then a trickle (a
// rate per source), never more than the session limit; the sessions that get no further than their REGISTER
// end after two missed ANNOUNCE repeats, not after the 4 x ROBUST x GRTT the forger asks for; at the limit
// such a session makes room for a new one; refusals are counted per packet and logged once per interval; the
// transfer in flight and a new legitimate server keep working throughout.
import { randomBytes } from 'node:crypto';
import { MessageType, quantizeGrtt, type Message } from '../../lib/protocol';
import { DEFAULT_MAX_SESSIONS } from '../../lib/client/admission';
import {
  NEW_SESSIONS_BURST, NEW_SESSIONS_BURST_PER_ADDRESS, NEW_SESSIONS_PER_SEC, NEW_SESSIONS_PER_SEC_PER_ADDRESS, REFUSAL_REPORT_MS,
  pendingTimeoutMs,
} from '../../lib/session/admission';
import { sessionTimeoutMs } from '../../lib/session/timing';
import type { Endpoint } from '../../lib/client/types';
import { BLOCK, Harness, PRIVATE, SERVER, ServerSim, clientConfig } from './client-helpers';

const ATTACKER: Endpoint = { address: '198.18.0.66', port: 4444 };
const OTHER: Endpoint = { address: '198.18.0.5', port: 40005 };
/** The real uftp's default timing: GRTT 0.5 s, ROBUST 20 (a registration may take 4 x 20 x GRTT, about 43 s). */
const GRTT = quantizeGrtt(0.5);
const ROBUST = 20;

/** A forger's ANNOUNCE: the real server's default timing, under another group ID (and server ID). */
function forged(groupId: number, serverId = 0x0bad0001, grtt = GRTT): Buffer {
  const s = new ServerSim({ groupId });
  s.grtt = grtt;
  const b = s.announce({ robust: ROBUST });
  b.writeUInt32BE(serverId >>> 0, 4);
  return b;
}

function sentTo(h: Harness, to: Endpoint, type?: MessageType): Message[] {
  const reader = new ServerSim();
  return h.sent.filter((s) => s.to.address === to.address).map((s) => reader.read(s.data).msg).filter((m) => type === undefined || m.type === type);
}

/** Joins (true) and leaves (false) of the sessions' private group. */
function privateJoins(h: Harness): boolean[] {
  return h.joins.filter((j) => j.group === PRIVATE).map((j) => j.join);
}

function count(h: Harness, name: string): number {
  return h.counts.get(name) ?? 0;
}

const summaries = (h: Harness): string[] => h.logs.filter((l) => l.message.startsWith('New sessions refused')).map((l) => l.message);

describe('client session admission', () => {
  test('the default limit is the real uftpd\'s', () => {
    expect(DEFAULT_MAX_SESSIONS).toBe(100);
  });

  test('5000 forged ANNOUNCEs mid-transfer: a burst\'s worth of sessions, one summary line; the transfer and a new server go on', () => {
    const h = new Harness();
    const s = new ServerSim();
    h.deliver(s.announce());
    h.deliver(s.regConf());
    const data = randomBytes(50 * BLOCK + 3);
    h.deliver(s.fileInfo(1, 'during', data.length));
    let block = 0;
    const segment = (i: number): Buffer => s.fileSeg(1, 0, i, data.subarray(i * BLOCK, (i + 1) * BLOCK));

    for (let i = 0; i < 5000; i++) {
      h.deliver(forged(0x10000000 + i), ATTACKER);
      if (i % 250 === 0) h.deliver(segment(block++));
    }
    expect(h.client.sessionCount()).toBe(1 + NEW_SESSIONS_BURST);
    expect(count(h, 'drop.limit')).toBe(5000 - NEW_SESSIONS_BURST);
    expect(count(h, 'session.refused.rate')).toBe(5000 - NEW_SESSIONS_BURST);
    // A REGISTER and a join for each session let in, nothing for the rest; no log line per refusal.
    expect(sentTo(h, ATTACKER, MessageType.REGISTER)).toHaveLength(NEW_SESSIONS_BURST);
    expect(privateJoins(h).filter((j) => j)).toHaveLength(1 + NEW_SESSIONS_BURST);
    expect(h.logs.filter((l) => l.level <= 1)).toEqual([]);
    expect(h.logs.length).toBeLessThan(10 * NEW_SESSIONS_BURST);

    // A new server on another host, during the burst: in at once.
    const other = new ServerSim({ groupId: 0x0abc0001 });
    h.deliver(other.announce(), OTHER);
    expect(sentTo(h, OTHER, MessageType.REGISTER)).toHaveLength(1);
    h.deliver(other.regConf(), OTHER);
    const second = randomBytes(3 * BLOCK);
    h.deliver(other.fileInfo(1, 'second', second.length), OTHER);
    for (let i = 0; i < 3; i++) h.deliver(other.fileSeg(1, 0, i, second.subarray(i * BLOCK, (i + 1) * BLOCK)), OTHER);
    h.deliver(other.done(1, 0), OTHER);
    h.deliver(other.done(0, 0), OTHER);
    h.deliver(other.doneConf(), OTHER);

    // The interval: one summary line; the forged sessions end meanwhile (two missed repeats of their ANNOUNCE).
    for (let t = 0; t < REFUSAL_REPORT_MS; t += 500) {
      h.advance(500);
      if (block * BLOCK < data.length) h.deliver(segment(block++));
    }
    while (block * BLOCK < data.length) h.deliver(segment(block++));
    h.deliver(s.done(1, 0));
    h.deliver(s.done(0, 0));
    h.deliver(s.doneConf());
    expect(summaries(h)).toEqual([
      `New sessions refused in the last 10 s: ${5000 - NEW_SESSIONS_BURST} over ${NEW_SESSIONS_PER_SEC} new per second from one server ` +
        `(${NEW_SESSIONS_PER_SEC_PER_ADDRESS} from one address); most from ${ATTACKER.address} (${5000 - NEW_SESSIONS_BURST})`,
    ]);
    expect(h.file('/recv/during')).toEqual(data);
    expect(h.file('/recv/second')).toEqual(second);
    expect(h.client.sessionCount()).toBe(0);
    // Each forged session cost two REGISTERs and one ABORT, not 20 REGISTERs over 43 s.
    expect(sentTo(h, ATTACKER, MessageType.REGISTER)).toHaveLength(2 * NEW_SESSIONS_BURST);
    expect(sentTo(h, ATTACKER, MessageType.ABORT)).toHaveLength(NEW_SESSIONS_BURST);
    expect(privateJoins(h).filter((j) => !j)).toHaveLength(2 + NEW_SESSIONS_BURST);
  });

  test('the rate refills; one host forging a new server ID each time is held to the per-address rate', () => {
    const h = new Harness();
    let group = 0x20000000;
    for (let i = 0; i < 1000; i++) h.deliver(forged(group++, 0x70000000 + i), ATTACKER);
    expect(h.client.sessionCount()).toBe(NEW_SESSIONS_BURST_PER_ADDRESS);
    h.advance(1000);
    const before = h.client.sessionCount();
    for (let i = 0; i < 100; i++) h.deliver(forged(group++, 0x71000000 + i), ATTACKER);
    expect(h.client.sessionCount() - before).toBe(NEW_SESSIONS_PER_SEC_PER_ADDRESS);
  });

  test.each([
    ['the real default GRTT', GRTT, pendingTimeoutMs(GRTT, sessionTimeoutMs(GRTT, ROBUST))],
    ['a GRTT of 1000 s', quantizeGrtt(1000), 30_000],
  ])('a session that gets no further than its REGISTER ends after two missed ANNOUNCEs (%s), without restart state', (_, grtt, pendingMs) => {
    const h = new Harness(clientConfig({ tempDir: '/tmpdir' }));
    h.deliver(forged(0x30000001, undefined, grtt), ATTACKER);
    expect(pendingMs).toBeLessThan(sessionTimeoutMs(grtt, ROBUST));
    h.advance(pendingMs - 1);
    expect(h.client.sessionCount()).toBe(1);
    h.advance(1);
    expect(h.client.sessionCount()).toBe(0);
    expect(h.logs).toContainEqual({ level: 1, message: 'Registration unconfirmed by server' });
    expect(sentTo(h, ATTACKER, MessageType.ABORT)).toHaveLength(1);
    expect(privateJoins(h)).toEqual([true, false]);
    expect(h.restart.size).toBe(0); // the real uftpd writes a restart file for each
  });

  test('a server that repeats its ANNOUNCE keeps its registration going to the full 4 x ROBUST x GRTT', () => {
    const h = new Harness();
    const s = new ServerSim();
    s.grtt = quantizeGrtt(0.1);
    const full = sessionTimeoutMs(s.grtt, ROBUST);
    expect(pendingTimeoutMs(s.grtt, full)).toBe(1000);
    h.deliver(s.announce({ robust: ROBUST }));
    for (let t = 0; t + 300 < full; t += 300) {
      h.advance(300);
      h.deliver(s.announce({ robust: ROBUST }));
    }
    expect(h.client.sessionCount()).toBe(1);
    h.advance(1000);
    expect(h.client.sessionCount()).toBe(0);
    expect(h.logs).toContainEqual({ level: 1, message: 'Registration unconfirmed by server' });
    expect(sentTo(h, SERVER, MessageType.REGISTER).length).toBeGreaterThan(full / 400 - 1); // every 4 x GRTT all along
  });

  test('at the limit a session still registering makes room; sessions under way never do', () => {
    const h = new Harness(clientConfig({ maxSessions: 3 }));
    const host = (i: number): Endpoint => ({ address: `198.18.0.${10 + i}`, port: 40000 + i });
    const servers = [1, 2, 3].map((i) => new ServerSim({ groupId: 0x40000000 + i }));
    servers.forEach((s, i) => h.deliver(s.announce(), host(i)));
    h.deliver(servers[0].regConf(), host(0));
    h.deliver(servers[1].regConf(), host(1));
    expect(h.client.sessionCount()).toBe(3);

    // A fourth: the one still registering goes (an ABORT tells its server, a debug line), the new one is in.
    const fourth = new ServerSim({ groupId: 0x40000004 });
    h.deliver(fourth.announce(), host(3));
    expect(h.client.sessionCount()).toBe(3);
    expect(count(h, 'session.evicted')).toBe(1);
    expect(sentTo(h, host(2), MessageType.ABORT)).toHaveLength(1);
    expect(sentTo(h, host(3), MessageType.REGISTER)).toHaveLength(1);
    expect(h.logs.filter((l) => l.level <= 1)).toEqual([]);
    h.deliver(fourth.regConf(), host(3));

    // All under way: a fifth is refused, counted, and summed up once.
    h.deliver(new ServerSim({ groupId: 0x40000005 }).announce(), host(4));
    expect(h.client.sessionCount()).toBe(3);
    expect(count(h, 'session.refused.full')).toBe(1);
    expect(sentTo(h, host(4))).toEqual([]);
    for (const [i, s] of [[0, servers[0]], [1, servers[1]], [3, fourth]] as const) h.deliver(s.announce(), host(i)); // keep them alive
    h.advance(REFUSAL_REPORT_MS);
    expect(summaries(h)).toEqual([
      `New sessions refused in the last 10 s: 1 at the limit of 3 sessions, 1 sessions that never got past their ANNOUNCE ended early to make room; most from ${host(4).address} (1)`,
    ]);
  });
});
