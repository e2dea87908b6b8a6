// The client table's array-free walks (asked after every answer of every client, so once per datagram while
// hundreds register) and the GRTT worked out with them: the same answers as the array-building forms.
import { MessageType, encodePacket, quantizeGroupSize, type UftpHeader } from '../../lib/protocol';
import { Server } from '../../lib/server';
import { ClientTable } from '../../lib/server/clients';
import { Grtt } from '../../lib/server/grtt';
import { ServerState } from '../../lib/server/state';
import { serverConfig } from './server-helpers';

describe('ClientTable walks without arrays', () => {
  function table(): ClientTable {
    const t = new ClientTable(true);
    for (let i = 0; i < 7; i++) t.add(0x0a000001 + i, true);
    t.get(0x0a000002)!.isProxy = true;
    t.get(0x0a000003)!.state = 'active';
    t.get(0x0a000005)!.state = 'aborted';
    return t;
  }

  it('values() visits what all() lists, in the same order', () => {
    const t = table();
    expect([...t.values()]).toEqual(t.all());
  });

  it('every() answers as all().every() does', () => {
    const t = table();
    const tests = [(c: { state: string }) => c.state !== 'lost', (c: { state: string }) => c.state === 'mute', () => true];
    for (const test of tests) expect(t.every(test)).toBe(t.all().every(test));
    expect(new ClientTable(false).every(() => false)).toBe(true); // nobody: vacuously
  });

  it('receiverCount() is receivers().length: proxies are not counted', () => {
    const t = table();
    expect(t.receiverCount()).toBe(t.receivers().length);
    expect(t.receiverCount()).toBe(6);
  });
});

describe('GRTT from the table', () => {
  it('is the largest RTT measured among those still in, within -r bounds', () => {
    const state = new ServerState(serverConfig({ grtt: { init: 0.5, min: 0.01, max: 1 } }));
    for (const [id, rtt, measured] of [[1, 0.02, true], [2, 0.3, false], [3, 0.04, true], [4, 0.9, true]] as const) {
      const c = state.clients.add(id);
      c.rtt = rtt;
      c.rttMeasured = measured;
    }
    state.clients.get(4)!.state = 'lost';
    state.recalculateGrtt();
    expect(state.grtt.value).toBeCloseTo(0.04); // 2 is not measured, 4 is gone
    state.clients.get(3)!.rtt = 5;
    state.recalculateGrtt();
    expect(state.grtt.value).toBe(1); // capped at max
  });

  it('stays put with nothing measured, and never falls below 0.9 of its last value', () => {
    const state = new ServerState(serverConfig({ grtt: { init: 0.25, min: 0.01, max: 1 } }));
    state.clients.add(1);
    state.recalculateGrtt();
    expect(state.grtt.value).toBe(0.25);
    const c = state.clients.get(1)!;
    c.rttMeasured = true;
    c.rtt = 0.2;
    state.recalculateGrtt();
    expect(state.grtt.value).toBeCloseTo(0.2);
    c.rtt = 0.05;
    state.recalculateGrtt();
    expect(state.grtt.value).toBeCloseTo(0.18);
  });

  it('recalculateFrom(largest) is recalculate(rtts) given their largest', () => {
    const [a, b] = [new Grtt({ init: 0.5, min: 0.01, max: 1 }), new Grtt({ init: 0.5, min: 0.01, max: 1 })];
    for (const rtts of [[0.3, 0.1], [0.001], [2, 0.4], []]) {
      a.recalculate(rtts);
      b.recalculateFrom(rtts.length ? Math.max(...rtts) : undefined);
      expect(b.value).toBe(a.value);
    }
  });
});

describe('a closed group of many clients registering', () => {
  const N = 300;
  const header = (srcId: number, seq: number): UftpHeader => ({
    version: 0x40, func: MessageType.REGISTER, seq, srcId, groupId: 0x12345678, groupInst: 0, grtt: 0, gsize: 0, reserved: 0,
  });

  it('takes every REGISTER, ends the phase one GRTT after the last, and counts them all in the group size', () => {
    const ids = Array.from({ length: N }, (_, i) => 0x0a000001 + i);
    const server = new Server(serverConfig({ groupId: 0x12345678, clients: ids.map((id) => ({ id })) }));
    const wall = Date.UTC(2026, 11, 4, 12, 0, 0);
    server.start({ now: 0, wall });
    let last: ReturnType<Server['receive']> = [];
    ids.forEach((id, i) => {
      const ts = { tsSec: Math.floor(wall / 1000), tsUsec: 0 };
      const data = encodePacket(header(id, i), { type: MessageType.REGISTER, ...ts, random: new Uint8Array(32), keyInfo: new Uint8Array(0), extensions: [], clientIds: [] });
      last = server.receive(data, { address: '198.18.0.2', port: 1044 }, { now: 20, wall: wall + 20 });
    });
    expect(server.state.clients.every((c) => c.state === 'active')).toBe(true);
    const logs = last.filter((o) => o.type === 'log').map((o) => (o as { message: string }).message);
    expect(logs).toContain('Late registers:');
    expect(logs.some((m) => /^Sending REG_CONF 2\.\d+$/.test(m))).toBe(true);
    // The round timer now runs one GRTT: 20 ms of RTT measured, above the 10 ms minimum.
    const timer = last.find((o) => o.type === 'setTimer' && o.id === 'round') as { at: number } | undefined;
    expect(timer?.at).toBeCloseTo(20 + 20);
    const sent = last.filter((o) => o.type === 'send') as Array<{ data: Uint8Array }>;
    expect(sent.length).toBeGreaterThan(0);
    for (const s of sent) expect(s.data[14]).toBe(quantizeGroupSize(N));
  });
});
