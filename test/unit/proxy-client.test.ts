// Client proxy (-c): takes the server proxy's unicast, multicasts it on its segment (ANNOUNCE on the public
// group, the rest on the private group), and answers upstream for its clients with aggregated messages.
import {
  CompletionStatus, MessageType, NO_EXTENSIONS, decodePacket, type Register, type Status, type TfmccAckInfoExt,
} from '../../lib/protocol';
import { createProxy } from '../../lib/proxy';
import { aggregationWaitMs } from '../../lib/session/timing';
import type { ProxyConfig } from '../../lib/proxy/types';
import {
  C1, C2, CLIENT_PROXY, FakeClock, PROXY_UID, REAL, SERVER_ID, SERVER_PROXY, TimerWheel, complete, config, counts,
  datagram, decoded, fileInfoAck, hex, packet, regConf, sends,
} from './proxy-helpers';

const C1_ID = 0xc6121503;
const C2_ID = 0xc6121504;
const ANNOUNCE_TS = { sec: 0x6b023781, usec: 0x079f91 };

function clientProxy(extra: Partial<ProxyConfig> = {}) {
  const clock = new FakeClock();
  clock.wall = ANNOUNCE_TS.sec * 1000 + ANNOUNCE_TS.usec / 1000;
  const machine = createProxy(config('client', extra));
  const wheel = new TimerWheel(machine, clock);
  wheel.handle(datagram(hex(REAL.announce), SERVER_PROXY, CLIENT_PROXY.address));
  return { clock, machine, wheel };
}

function register(id: number, sec: number, usec: number): Buffer {
  const msg: Register = {
    type: MessageType.REGISTER, tsSec: sec, tsUsec: usec, random: new Uint8Array(32), keyInfo: new Uint8Array(0),
    extensions: NO_EXTENSIONS, clientIds: [],
  };
  return packet(msg, id, { grtt: 0, gsize: 0 });
}

describe('client proxy: downstream', () => {
  test('joins nothing at start: it hears its server proxy by unicast', () => {
    expect(createProxy(config('client')).start(new FakeClock())).toEqual([]);
  });

  test('the ANNOUNCE goes out on the public group, everything else on the private group, at the clients\' port', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('client', { destPort: 2044 }));
    const announce = hex(REAL.announce);
    const out = machine.handle(datagram(announce, SERVER_PROXY, CLIENT_PROXY.address), clock);
    expect(sends(out)).toEqual([{ type: 'send', data: announce, to: { address: '230.4.4.1', port: 2044 } }]);
    expect(out.some((o) => o.type === 'join')).toBe(false);
    const seg = hex(REAL.fileseg);
    expect(sends(machine.handle(datagram(seg, SERVER_PROXY, CLIENT_PROXY.address), clock))).toEqual([
      { type: 'send', data: seg, to: { address: '230.5.5.117', port: 2044 } },
    ]);
    const conf = packet(regConf([C1_ID]), SERVER_ID);
    expect(sends(machine.handle(datagram(conf, SERVER_PROXY, CLIENT_PROXY.address), clock))[0].to.address).toBe('230.5.5.117');
  });

  test('server traffic that arrives by multicast is not sent again (no loop through its own multicast)', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('client'));
    const out = machine.handle(datagram(hex(REAL.announce), SERVER_PROXY, '230.4.4.1'), clock);
    expect(sends(out)).toEqual([]);
    expect(counts(out)).toEqual(['drop.unexpected']);
    expect(machine.sessionCount()).toBe(0);
  });
});

describe('client proxy: aggregation', () => {
  test('the real clients\' REGISTERs leave as one REGISTER of the proxy\'s, shaped as the real proxy\'s, after 1 x GRTT', () => {
    const { wheel, clock } = clientProxy();
    clock.advance(1);
    expect(sends(wheel.handle(datagram(hex(REAL.registerC2), C2, CLIENT_PROXY.address)))).toEqual([]);
    wheel.handle(datagram(hex(REAL.registerC1), C1, CLIENT_PROXY.address));
    const wait = aggregationWaitMs(0x9d, undefined);
    expect(sends(wheel.advance(wait - 2))).toEqual([]);
    const out = sends(wheel.advance(2));
    expect(out).toHaveLength(1);
    expect(out[0].to).toEqual(SERVER_PROXY);
    const real = decoded(hex(REAL.registerByProxy));
    const ours = decoded(out[0].data);
    expect(out[0].data.length).toBe(hex(REAL.registerByProxy).length);
    expect(ours.header).toEqual({ ...real.header, seq: 0 });
    expect(new Set((ours.message as Register).clientIds)).toEqual(new Set([C1_ID, C2_ID]));
  });

  test('the longest-RTT client goes first with its timestamp, moved on by the time held', () => {
    const { wheel, clock } = clientProxy();
    // C1 echoes a timestamp 5 ms old on arrival, C2 one 20 ms old: C2 has the longer RTT.
    clock.advance(30);
    wheel.handle(datagram(register(C1_ID, ANNOUNCE_TS.sec, ANNOUNCE_TS.usec + 25_000), C1, CLIENT_PROXY.address));
    wheel.handle(datagram(register(C2_ID, ANNOUNCE_TS.sec, ANNOUNCE_TS.usec + 10_000), C2, CLIENT_PROXY.address));
    const out = sends(wheel.advance(600));
    const reg = decoded(out[0].data).message as Register;
    expect(reg.clientIds).toEqual([C2_ID, C1_ID]);
    const held = aggregationWaitMs(0x9d, undefined);
    const expectedUsec = ANNOUNCE_TS.usec + 10_000 + Math.round(held * 1000);
    expect(reg.tsSec * 1e6 + reg.tsUsec).toBe(ANNOUNCE_TS.sec * 1e6 + expectedUsec);
  });

  test('-T 50 halves the wait', () => {
    const { wheel } = clientProxy({ aggregationPct: 50 });
    wheel.handle(datagram(hex(REAL.registerC1), C1, CLIENT_PROXY.address));
    const half = aggregationWaitMs(0x9d, 50);
    expect(half).toBeCloseTo(aggregationWaitMs(0x9d, undefined) / 2);
    expect(sends(wheel.advance(half - 1))).toEqual([]);
    expect(sends(wheel.advance(1))).toHaveLength(1);
  });

  test('FILEINFO_ACK and COMPLETE aggregate per file (and COMPLETE per status), each listing its clients', () => {
    const { wheel } = clientProxy();
    const grtt = { grtt: 0x6a };
    wheel.handle(datagram(packet(regConf([C1_ID, C2_ID]), SERVER_ID, grtt), SERVER_PROXY, CLIENT_PROXY.address));
    for (const [id, from] of [[C1_ID, C1], [C2_ID, C2]] as const) {
      wheel.handle(datagram(packet(fileInfoAck(1, ANNOUNCE_TS.sec, 0), id), from, CLIENT_PROXY.address));
      wheel.handle(datagram(packet(complete(2, id === C1_ID ? CompletionStatus.NORMAL : CompletionStatus.SKIPPED), id), from, CLIENT_PROXY.address));
    }
    const out = sends(wheel.advance(aggregationWaitMs(0x6a, undefined))).map((s) => decoded(s.data));
    expect(out.map((p) => [MessageType[p.message.type], (p.message as { clientIds: number[] }).clientIds.sort()])).toEqual([
      ['FILEINFO_ACK', [C1_ID, C2_ID].sort()],
      ['COMPLETE', [C1_ID]],
      ['COMPLETE', [C2_ID]],
    ]);
    expect(out.every((p) => p.header.srcId === PROXY_UID)).toBe(true);
    expect(out.map((p) => p.header.seq)).toEqual([0, 1, 2]);
  });

  test('STATUS: NAKs of all clients merged, with the limiting receiver\'s congestion info', () => {
    const { wheel } = clientProxy();
    const ack = (clientId: number, ccRate: number): TfmccAckInfoExt => ({
      kind: 'tfmccAckInfo', flags: 0x02, reserved: 0, ccSeq: 7, ccRate, clientId, tsSec: ANNOUNCE_TS.sec, tsUsec: 0,
    });
    const status = (id: number, naks: number[], rate: number): Status => ({
      type: MessageType.STATUS, fileId: 1, section: 3, reserved: 0, extensions: [ack(id, rate)], naks: Uint8Array.from(naks),
    });
    wheel.handle(datagram(packet(status(C1_ID, [0x04, 0x00], 900), C1_ID), C1, CLIENT_PROXY.address));
    wheel.handle(datagram(packet(status(C2_ID, [0x01, 0x06, 0x80], 300), C2_ID), C2, CLIENT_PROXY.address));
    const out = sends(wheel.advance(1000));
    expect(out).toHaveLength(1);
    const merged = decoded(out[0].data).message as Status;
    expect(Array.from(merged.naks)).toEqual([0x05, 0x06, 0x80]);
    expect(merged.section).toBe(3);
    expect(merged.extensions[0]).toMatchObject({ kind: 'tfmccAckInfo', clientId: C2_ID, ccRate: 300 });
  });

  test('CC_ACK goes upstream at once, unchanged; a client ABORT goes on in the proxy\'s name with Host = client', () => {
    const { wheel } = clientProxy();
    const ccAck = packet({
      type: MessageType.CC_ACK, reserved: 0,
      extensions: [{ kind: 'tfmccAckInfo', flags: 2, reserved: 0, ccSeq: 1, ccRate: 5, clientId: C1_ID, tsSec: 1, tsUsec: 2 }],
    }, C1_ID);
    expect(sends(wheel.handle(datagram(ccAck, C1, CLIENT_PROXY.address)))).toEqual([{ type: 'send', data: ccAck, to: SERVER_PROXY }]);
    const abort = packet({
      type: MessageType.ABORT, flags: 0, reserved: 0, host: 0, message: Buffer.from('disk full\0'), extensions: NO_EXTENSIONS,
    }, C1_ID);
    const sent = sends(wheel.handle(datagram(abort, C1, CLIENT_PROXY.address)));
    const p = decoded(sent[0].data);
    expect(p.header.srcId).toBe(PROXY_UID);
    expect(p.message).toMatchObject({ type: MessageType.ABORT, host: C1_ID });
  });

  test('-C: a client not on the list is not served', () => {
    const { wheel } = clientProxy({ clientList: [{ id: C2_ID }] });
    const out = wheel.handle(datagram(hex(REAL.registerC1), C1, CLIENT_PROXY.address));
    expect(counts(out)).toEqual(['drop.access']);
    wheel.handle(datagram(hex(REAL.registerC2), C2, CLIENT_PROXY.address));
    const reg = decoded(sends(wheel.advance(1000))[0].data).message as Register;
    expect(reg.clientIds).toEqual([C2_ID]);
  });

  test('a KEYINFO_ACK in an unencrypted session is dropped with a debug line and a counter', () => {
    const { wheel } = clientProxy();
    const ack = packet({ type: MessageType.KEYINFO_ACK, reserved: 0, verifyData: new Uint8Array(12), extensions: NO_EXTENSIONS }, C1_ID);
    const out = wheel.handle(datagram(ack, C1, CLIENT_PROXY.address));
    expect(out).toEqual([expect.objectContaining({ type: 'log', level: 5 }), { type: 'count', name: 'drop.unexpected' }]);
  });

  test('a plain response in a session gone silent: the session ends only once its aggregate is sent', () => {
    const { machine, wheel } = clientProxy();
    wheel.handle(datagram(hex(REAL.registerC1), C1, CLIENT_PROXY.address));
    const out = wheel.advance(60_000);
    expect(sends(out)).toHaveLength(1);
    expect(machine.sessionCount()).toBe(0);
    expect(decodePacket(sends(out)[0].data).ok).toBe(true);
  });
});
