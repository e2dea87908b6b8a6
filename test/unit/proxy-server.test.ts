// Server proxy (-s dest): learns sessions from ANNOUNCE, joins the private group, forwards the server's
// traffic to its downstream byte for byte and the clients' traffic back to the server; sessions end after
// 4 x ROBUST x GRTT of silence with nothing left behind.
import { randomBytes } from 'node:crypto';
import { createProxy } from '../../lib/proxy';
import { pendingTimeoutMs } from '../../lib/session/admission';
import { grttMs, sessionTimeoutMs } from '../../lib/session/timing';
import {
  CLIENT_PROXY, FakeClock, REAL, SERVER, SERVER_PROXY, TimerWheel, complete, config, counts, datagram, decoded,
  hex, packet, sends, timers,
} from './proxy-helpers';

function serverProxy() {
  const clock = new FakeClock();
  const machine = createProxy(config('server'));
  return { clock, machine, wheel: new TimerWheel(machine, clock) };
}

describe('server proxy', () => {
  test('start joins the public groups', () => {
    const machine = createProxy(config('server', { publicGroups: ['230.4.4.1', '230.4.4.2'] }));
    expect(machine.start(new FakeClock())).toEqual([
      { type: 'join', group: '230.4.4.1' },
      { type: 'join', group: '230.4.4.2' },
    ]);
  });

  // The private group is joined when the session gets past its ANNOUNCE (the first REGISTER comes before
  // anything the server sends there): forged ANNOUNCEs take no multicast memberships.
  test('a real ANNOUNCE opens a session and goes downstream unchanged; the first REGISTER joins the private group', () => {
    const { machine, wheel } = serverProxy();
    const announce = hex(REAL.announce);
    const out = wheel.handle(datagram(announce, SERVER, '230.4.4.1'));
    expect(out.filter((o) => o.type === 'join')).toEqual([]);
    expect(sends(out)).toEqual([{ type: 'send', data: announce, to: CLIENT_PROXY }]);
    expect(machine.sessionCount()).toBe(1);
    const reg = wheel.handle(datagram(hex(REAL.registerByProxy), CLIENT_PROXY, SERVER_PROXY.address));
    expect(reg.filter((o) => o.type === 'join')).toEqual([{ type: 'join', group: '230.5.5.117' }]);
    expect(wheel.handle(datagram(hex(REAL.registerByProxy), CLIENT_PROXY, SERVER_PROXY.address)).filter((o) => o.type === 'join')).toEqual([]);
  });

  // The real proxy's lines read "[GROUPID/II:FFFF]: ..."; a restarted session (instance 3) must say 03.
  test('session log lines carry the group instance', () => {
    const { clock, machine, wheel } = serverProxy();
    const announce = hex(REAL.announce);
    announce[12] = 3; // the header's group instance
    const groupId = announce.readUInt32BE(8);
    const out = wheel.handle(datagram(announce, SERVER, '230.4.4.1'));
    const logs = out.filter((o) => o.type === 'log');
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(line).toMatchObject({ groupId, groupInst: 3 });
    clock.advance(60_000);
    const ended = machine.handle({ type: 'timer', id: timers(out)[0].id }, clock);
    expect(ended).toContainEqual(expect.objectContaining({ type: 'log', message: expect.stringMatching(/^Session ended/), groupId, groupInst: 3 }));
  });

  test('FILESEG goes on as the very same bytes, and only for a known group', () => {
    const { wheel } = serverProxy();
    const seg = hex(REAL.fileseg);
    expect(counts(wheel.handle(datagram(seg, SERVER, '230.5.5.117')))).toEqual(['drop.unknown-group']);
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    const out = wheel.handle(datagram(seg, SERVER, '230.5.5.117'));
    expect(out).toHaveLength(1);
    expect(sends(out)[0].data).toBe(seg);
    expect(sends(out)[0].to).toEqual(CLIENT_PROXY);
  });

  test('upstream traffic goes back where the ANNOUNCE came from, byte for byte', () => {
    const { wheel } = serverProxy();
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    const reg = hex(REAL.registerByProxy);
    expect(sends(wheel.handle(datagram(reg, CLIENT_PROXY, SERVER_PROXY.address)))).toEqual([{ type: 'send', data: reg, to: SERVER }]);
    const done = packet(complete(1), 0xc6121502);
    expect(sends(wheel.handle(datagram(done, CLIENT_PROXY, SERVER_PROXY.address)))[0].data).toBe(done);
  });

  test('a malformed message in a known session is dropped with a counter, not forwarded', () => {
    const { wheel } = serverProxy();
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    const bad = hex(REAL.registerByProxy).subarray(0, 30);
    const out = wheel.handle(datagram(bad, CLIENT_PROXY, SERVER_PROXY.address));
    expect(sends(out)).toEqual([]);
    expect(counts(out)).toEqual(['drop.malformed']);
    expect(out.find((o) => o.type === 'log')).toMatchObject({ level: 4 });
  });

  test('a chain: a second server proxy takes the first one\'s unicast ANNOUNCE and answers back to it', () => {
    const clock = new FakeClock();
    const second = createProxy(config('server', { downstream: { address: '198.18.22.2', port: 1044 } }));
    const out = second.handle(datagram(hex(REAL.announce), SERVER_PROXY, '198.18.20.9'), clock);
    expect(sends(out)[0].to).toEqual({ address: '198.18.22.2', port: 1044 });
    const reg = hex(REAL.registerByProxy);
    expect(sends(second.handle(datagram(reg, { address: '198.18.22.2', port: 1044 }, '198.18.20.9'), clock))[0].to).toEqual(SERVER_PROXY);
  });

  test('silence for 4 x ROBUST x GRTT ends the session and leaves the private group; traffic keeps it', () => {
    const { machine, wheel } = serverProxy();
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    wheel.handle(datagram(hex(REAL.registerByProxy), CLIENT_PROXY, SERVER_PROXY.address));
    const timeout = sessionTimeoutMs(0x9d, 20);
    expect(wheel.advance(timeout - 1).filter((o) => o.type !== 'setTimer')).toEqual([]);
    // A FILESEG now: the session lives on, and its GRTT drops to 0x6a (10.5 ms), so its timeout to the 1 s floor.
    wheel.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117'));
    expect(wheel.advance(999).filter((o) => o.type !== 'setTimer')).toEqual([]);
    expect(machine.sessionCount()).toBe(1);
    const end = wheel.advance(2);
    expect(end).toContainEqual({ type: 'leave', group: '230.5.5.117' });
    expect(machine.sessionCount()).toBe(0);
    expect(sends(wheel.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117')))).toEqual([]);
  });

  // protocol.txt 3.2: the server repeats its ANNOUNCE every 3 x GRTT (ROBUST times) until clients answer.
  test('a server that repeats its ANNOUNCE every 3 x GRTT keeps the session: no timeout, no leave and join again', () => {
    const { machine, wheel } = serverProxy();
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    const every = 3 * grttMs(0x9d);
    const out = [];
    for (let i = 0; i < 20; i++) {
      out.push(...wheel.advance(every), ...wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1')));
    }
    expect(out.filter((o) => o.type === 'join' || o.type === 'leave' || o.type === 'count')).toEqual([]);
    expect(machine.sessionCount()).toBe(1);
  });

  test('a session that never gets past its ANNOUNCE ends after two missed repeats, with a debug line only', () => {
    const { machine, wheel, clock } = serverProxy();
    const out = wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    const pending = pendingTimeoutMs(0x9d, sessionTimeoutMs(0x9d, 20));
    expect(pending).toBe(6 * grttMs(0x9d));
    expect(pending).toBeLessThan(sessionTimeoutMs(0x9d, 20) / 10);
    expect(timers(out)[0].at).toBe(clock.now + pending);
    const end = wheel.advance(pending + 1);
    expect(machine.sessionCount()).toBe(0);
    expect(end.filter((o) => o.type === 'log').map((o) => o.type === 'log' && o.level)).toEqual([4]);
    expect(counts(end)).toEqual(['session.pending']);
    expect(end.filter((o) => o.type === 'leave')).toEqual([]); // it never joined
  });

  test('10 000 random datagrams: none throws, the session in flight still forwards', () => {
    const { machine, wheel, clock } = serverProxy();
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    for (let i = 0; i < 10_000; i++) {
      const junk = randomBytes(1 + (i % 400));
      if (i % 3 === 0) junk[0] = 0x40;
      if (i % 6 === 0) hex(REAL.announce).copy(junk, 4, 4, 13);
      machine.handle(datagram(junk, { address: '198.18.20.66', port: 4000 + (i % 100) }, i % 2 ? '230.5.5.117' : SERVER_PROXY.address), clock);
    }
    const seg = hex(REAL.fileseg);
    expect(sends(wheel.handle(datagram(seg, SERVER, '230.5.5.117')))[0].data).toBe(seg);
    expect(decoded(seg).header.groupId).toBe(0xc6527bee);
  });
});
