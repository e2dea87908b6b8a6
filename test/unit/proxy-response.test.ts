// Response proxy (-r) and access lists (-S): a response proxy forwards nothing from the server, answers
// KEY_REQ with a signed PROXY_KEY, and aggregates its clients' responses; -S admits only listed servers
// with SSM private addresses and joins source-specifically.
import { generateKeyPairSync } from 'node:crypto';
import { fingerprint, verifyMessage } from '../../lib/crypto';
import { MessageType, NO_EXTENSIONS, type ProxyKey as ProxyKeyMsg, type Register } from '../../lib/protocol';
import { createProxy, isSsmAddress } from '../../lib/proxy';
import { groupless } from '../../lib/session/heartbeat';
import { keyOfBlob, nonceBytes } from '../../lib/session/keys';
import {
  C1, CLIENT_PROXY, FakeClock, REAL, SERVER, SERVER_ID, SERVER_PROXY, TimerWheel, config, counts, datagram, decoded, hex, sends,
} from './proxy-helpers';

const KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
const KEYS = [{ key: KEY, type: 'rsa' as const, fingerprint: fingerprint(KEY) }];
const keyReq = groupless(0xc6121503, { type: MessageType.KEY_REQ, reserved: 0, extensions: NO_EXTENSIONS });

describe('response proxy', () => {
  test('joins the public groups, and the private group of an ANNOUNCE, but forwards nothing from the server', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('response', { keys: KEYS }));
    expect(machine.start(clock)).toEqual([{ type: 'join', group: '230.4.4.1' }]);
    const out = machine.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'), clock);
    expect(sends(out)).toEqual([]);
    // Joined with the first client's REGISTER, before the server sends anything on the private group.
    expect(machine.handle(datagram(hex(REAL.registerC1), C1, CLIENT_PROXY.address), clock)).toContainEqual({ type: 'join', group: '230.5.5.117' });
    expect(sends(machine.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117'), clock))).toEqual([]);
  });

  test('clients\' REGISTERs go to the server as one REGISTER of the proxy\'s', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('response', { keys: KEYS }));
    const wheel = new TimerWheel(machine, clock);
    wheel.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'));
    wheel.handle(datagram(hex(REAL.registerC1), C1, CLIENT_PROXY.address));
    const out = sends(wheel.advance(600));
    expect(out[0].to).toEqual(SERVER);
    expect((decoded(out[0].data).message as Register).clientIds).toEqual([0xc6121503]);
  });

  test('KEY_REQ is answered with PROXY_KEY on the public group, nonce signed with SHA-1, at most once a second', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('response', { keys: KEYS, ecdhCurve: 'prime256v1' }));
    const out = sends(machine.handle(datagram(keyReq, C1, CLIENT_PROXY.address), clock));
    expect(out[0].to).toEqual({ address: '230.4.4.1', port: 1044 });
    const msg = decoded(out[0].data).message as ProxyKeyMsg;
    expect(fingerprint(keyOfBlob(msg.publicKey)!)).toBe(fingerprint(KEY));
    expect(msg.dhKey).not.toBeNull();
    expect(verifyMessage('sha1', keyOfBlob(msg.publicKey)!, nonceBytes(msg.nonce), msg.signedNonce)).toBe(true);
    clock.advance(400);
    const held = machine.handle(datagram(keyReq, C1, CLIENT_PROXY.address), clock);
    expect(sends(held)).toEqual([]);
    expect(held).toContainEqual({ type: 'setTimer', id: 'proxy-key', at: clock.now + 600 });
    expect(machine.handle(datagram(keyReq, C1, CLIENT_PROXY.address), clock).filter((o) => o.type === 'setTimer')).toEqual([]);
    clock.advance(600);
    expect(sends(machine.handle({ type: 'timer', id: 'proxy-key' }, clock))).toHaveLength(1); // the held ones, answered once
    expect(sends(machine.handle({ type: 'timer', id: 'proxy-key' }, clock))).toEqual([]);
    clock.advance(1000);
    expect(sends(machine.handle(datagram(keyReq, C1, CLIENT_PROXY.address), clock))).toHaveLength(1);
  });

  test('other modes do not answer KEY_REQ', () => {
    expect(counts(createProxy(config('client', { keys: KEYS })).handle(datagram(keyReq, C1, CLIENT_PROXY.address), new FakeClock())))
      .toEqual(['drop.unexpected']);
  });
});

describe('-S server list', () => {
  /** The captured ANNOUNCE with its private address (the last 4 bytes) and optionally its public one (4 before) in 232/8. */
  const withSsm = (publicToo: boolean): Buffer => {
    const b = hex(REAL.announce);
    b.set([232, 5, 5, 117], b.length - 4);
    if (publicToo) b.set([232, 4, 4, 1], b.length - 8);
    return b;
  };
  const ssmAnnounce = withSsm(true);

  test('SSM addresses', () => {
    expect(['232.1.2.3', 'ff3e::8000:1', 'FF35::1'].every(isSsmAddress)).toBe(true);
    expect(['230.4.4.1', 'ff15::1', '233.0.0.1'].some(isSsmAddress)).toBe(false);
  });

  test('a server proxy joins public groups for the listed servers only and refuses others', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('server', { serverList: [{ id: SERVER_ID, address: SERVER.address }] }));
    expect(machine.start(clock)).toEqual([{ type: 'join', group: '230.4.4.1', sources: [SERVER.address] }]);
    const stranger = { address: '198.18.20.77', port: 5000 };
    expect(counts(machine.handle(datagram(ssmAnnounce, stranger, '230.4.4.1'), clock))).toEqual(['drop.access']);
    const notSsm = machine.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'), clock);
    expect(counts(notSsm)).toEqual(['drop.access']);
    // The public address is checked as well as the private one.
    const publicNotSsm = machine.handle(datagram(withSsm(false), SERVER, '230.4.4.1'), clock);
    expect(counts(publicNotSsm)).toEqual(['drop.access']);
    expect(publicNotSsm).toContainEqual(expect.objectContaining({ type: 'log', message: expect.stringContaining('public address 230.4.4.1, not an SSM address') }));
    expect(machine.sessionCount()).toBe(0);
    const ok = machine.handle(datagram(ssmAnnounce, SERVER, '230.4.4.1'), clock);
    expect(sends(ok)).toHaveLength(1);
    const reg = machine.handle(datagram(hex(REAL.registerByProxy), CLIENT_PROXY, SERVER_PROXY.address), clock);
    expect(reg).toContainEqual({ type: 'join', group: '232.5.5.117', sources: [SERVER.address] });
  });
});
