// A reload of uftpproxyd (SIGHUP) as the proxy machine sees it: new -S and -C lists and keys. A session keeps
// the configuration it began with to its end; the sessions announced afterwards use the new one; the public
// groups' source-specific joins follow the new -S list; a response proxy with a new key says so unasked.
import { generateKeyPairSync } from 'node:crypto';
import { fingerprint } from '../../lib/crypto';
import { MessageType, type ProxyKey as ProxyKeyMsg, type Register } from '../../lib/protocol';
import { createProxy } from '../../lib/proxy';
import { keyOfBlob } from '../../lib/session/keys';
import type { ProxyReconfig } from '../../lib/proxy/types';
import {
  C1, C2, CLIENT_PROXY, FakeClock, REAL, SERVER, SERVER_ID, SERVER_PROXY, TimerWheel, config, counts, datagram, decoded, hex, sends,
} from './proxy-helpers';

const C1_ID = 0xc6121503;
const C2_ID = 0xc6121504;
const OTHER = { address: '198.18.20.9', port: 33682 };
const NEXT_GROUP = 0x0badcafe;

/** A captured packet moved to another group (the header's group ID), optionally an ANNOUNCE with SSM public and private addresses. */
function inGroup(h: string, groupId: number, ssm = false): Buffer {
  const b = hex(h);
  b.writeUInt32BE(groupId, 8);
  if (ssm) {
    b.set([232, 4, 4, 1], b.length - 8);
    b.set([232, 5, 5, 117], b.length - 4);
  }
  return b;
}

function rsaKey() {
  const key = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  return { key, type: 'rsa' as const, fingerprint: fingerprint(key) };
}

describe('server proxy: -S reloaded', () => {
  const listed = (address: string): ProxyReconfig => ({ serverList: [{ id: SERVER_ID, address }], keys: [] });

  test('the public group moves to the new sources (join first), an unchanged list changes nothing', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('server', listed(SERVER.address)));
    expect(machine.start(clock)).toEqual([{ type: 'join', group: '230.4.4.1', sources: [SERVER.address] }]);
    expect(machine.handle({ type: 'reconfigure', change: listed(OTHER.address) }, clock)).toEqual([
      { type: 'join', group: '230.4.4.1', sources: [OTHER.address] },
      { type: 'leave', group: '230.4.4.1', sources: [SERVER.address] },
    ]);
    expect(machine.handle({ type: 'reconfigure', change: listed(OTHER.address) }, clock)).toEqual([]);
  });

  test('the session under way keeps forwarding, its repeated ANNOUNCE too; a new one from the dropped server is refused', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('server', listed(SERVER.address)));
    const announce = inGroup(REAL.announce, 0xc6527bee, true);
    expect(sends(machine.handle(datagram(announce, SERVER, '230.4.4.1'), clock))).toHaveLength(1);
    machine.handle({ type: 'reconfigure', change: listed(OTHER.address) }, clock);

    expect(sends(machine.handle(datagram(announce, SERVER, '230.4.4.1'), clock))).toEqual([{ type: 'send', data: announce, to: CLIENT_PROXY }]);
    expect(sends(machine.handle(datagram(hex(REAL.fileseg), SERVER, '232.5.5.117'), clock))).toHaveLength(1);

    const next = inGroup(REAL.announce, NEXT_GROUP, true);
    expect(counts(machine.handle(datagram(next, SERVER, '230.4.4.1'), clock))).toEqual(['drop.access']);
    expect(sends(machine.handle(datagram(next, OTHER, '230.4.4.1'), clock))).toHaveLength(1);
    expect(machine.sessionCount()).toBe(2);
  });
});

describe('client proxy: -C reloaded', () => {
  test('a client dropped from the list is still served in the session under way, not in the next one', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('client', { clientList: [{ id: C1_ID }] }));
    const wheel = new TimerWheel(machine, clock);
    wheel.handle(datagram(hex(REAL.announce), SERVER_PROXY, CLIENT_PROXY.address));
    wheel.handle({ type: 'reconfigure', change: { clientList: [{ id: C2_ID }], keys: [] } });

    expect(counts(wheel.handle(datagram(hex(REAL.registerC1), C1, CLIENT_PROXY.address)))).toEqual([]);
    expect(counts(wheel.handle(datagram(hex(REAL.registerC2), C2, CLIENT_PROXY.address)))).toEqual(['drop.access']);
    expect((decoded(sends(wheel.advance(1000))[0].data).message as Register).clientIds).toEqual([C1_ID]);

    wheel.handle(datagram(inGroup(REAL.announce, NEXT_GROUP), SERVER_PROXY, CLIENT_PROXY.address));
    expect(counts(wheel.handle(datagram(inGroup(REAL.registerC1, NEXT_GROUP), C1, CLIENT_PROXY.address)))).toEqual(['drop.access']);
    expect(counts(wheel.handle(datagram(inGroup(REAL.registerC2, NEXT_GROUP), C2, CLIENT_PROXY.address)))).toEqual([]);
    const next = sends(wheel.advance(1000)).map((s) => decoded(s.data)).find((p) => p.header.groupId === NEXT_GROUP);
    expect((next!.message as Register).clientIds).toEqual([C2_ID]);
  });
});

describe('response proxy: keys reloaded', () => {
  test('a new key goes out in a PROXY_KEY unasked; the same key again sends nothing', () => {
    const clock = new FakeClock();
    const [oldKey, newKey] = [rsaKey(), rsaKey()];
    const machine = createProxy(config('response', { keys: [oldKey] }));
    const out = sends(machine.handle({ type: 'reconfigure', change: { keys: [newKey] } }, clock));
    expect(out).toHaveLength(1);
    expect(out[0].to).toEqual({ address: '230.4.4.1', port: 1044 });
    const msg = decoded(out[0].data).message as ProxyKeyMsg;
    expect(msg.type).toBe(MessageType.PROXY_KEY);
    expect(fingerprint(keyOfBlob(msg.publicKey)!)).toBe(newKey.fingerprint);
    clock.advance(2000);
    expect(sends(machine.handle({ type: 'reconfigure', change: { keys: [newKey] } }, clock))).toEqual([]);
  });
});
