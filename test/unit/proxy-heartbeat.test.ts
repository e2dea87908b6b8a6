// Heartbeats: a proxy with -H sends HB_REQ every -h seconds and signs challenges with its first key; a server
// proxy with -s fp=... adopts as downstream only whoever proves the key with that fingerprint.
import { generateKeyPairSync } from 'node:crypto';
import { fingerprint, signMessage, verifyMessage } from '../../lib/crypto';
import { HeartbeatAuth, MessageType, NO_EXTENSIONS, type HbReq, type HbResp } from '../../lib/protocol';
import { createProxy, HEARTBEAT_TIMER, NONCE_HASH } from '../../lib/proxy';
import { groupless } from '../../lib/session/heartbeat';
import { blobOf, keyOfBlob, nonceBytes } from '../../lib/session/keys';
import type { ProxyKey } from '../../lib/proxy/types';
import {
  CLIENT_PROXY, FakeClock, PROXY_UID, REAL, SERVER, SERVER_PROXY, config, counts, datagram, decoded, hex, sends,
} from './proxy-helpers';

function rsaKey(): ProxyKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return { key: privateKey, type: 'rsa', bits: 1024, fingerprint: fingerprint(privateKey) };
}

const OURS = rsaKey();
const STRANGER = rsaKey();

function hbReq(nonce = 0, key?: ProxyKey, signNonce = nonce): Buffer {
  const msg: HbReq = {
    type: MessageType.HB_REQ, reserved: 0, nonce, publicKey: key ? blobOf(key.key) : null, extensions: NO_EXTENSIONS,
    signedNonce: key ? signMessage(NONCE_HASH, key.key, nonceBytes(signNonce)) : new Uint8Array(0),
  };
  return groupless(PROXY_UID, msg);
}

function resp(out: ReturnType<ReturnType<typeof createProxy>['handle']>): HbResp {
  return decoded(sends(out)[0].data).message as HbResp;
}

describe('heartbeat sender (-H)', () => {
  test('sends an unsigned HB_REQ to every target at start and every -h seconds', () => {
    const clock = new FakeClock();
    const targets = [SERVER_PROXY, { address: '198.18.30.1', port: 2000 }];
    const machine = createProxy(config('client', { heartbeats: targets, heartbeatIntervalSec: 3 }));
    expect(machine.start(clock)).toEqual([{ type: 'setTimer', id: HEARTBEAT_TIMER, at: clock.now }]);
    const out = machine.handle({ type: 'timer', id: HEARTBEAT_TIMER }, clock);
    expect(sends(out).map((s) => s.to)).toEqual(targets);
    const req = decoded(sends(out)[0].data);
    expect(req.header).toMatchObject({ srcId: PROXY_UID, groupId: 0, seq: 0 });
    expect(req.message).toMatchObject({ type: MessageType.HB_REQ, nonce: 0, publicKey: null });
    expect(out).toContainEqual({ type: 'setTimer', id: HEARTBEAT_TIMER, at: clock.now + 3000 });
  });

  test('a challenge is answered with the nonce signed (SHA-1) by the first key', () => {
    const clock = new FakeClock();
    const machine = createProxy(config('client', { heartbeats: [SERVER_PROXY], keys: [OURS, STRANGER] }));
    const challenge: HbResp = { type: MessageType.HB_RESP, authenticated: HeartbeatAuth.CHALLENGE, reserved: 0, nonce: 0xdeadbeef, extensions: NO_EXTENSIONS };
    const out = machine.handle(datagram(groupless(0xc6121402, challenge), SERVER_PROXY, CLIENT_PROXY.address), clock);
    const req = decoded(sends(out)[0].data).message as HbReq;
    expect(req.nonce).toBe(0xdeadbeef);
    expect(fingerprint(keyOfBlob(req.publicKey)!)).toBe(OURS.fingerprint);
    expect(verifyMessage('sha1', keyOfBlob(req.publicKey)!, nonceBytes(0xdeadbeef), req.signedNonce)).toBe(true);
  });

  test('HB_RESP from somewhere not listed in -H is dropped', () => {
    const machine = createProxy(config('client', { heartbeats: [SERVER_PROXY], keys: [OURS] }));
    const challenge: HbResp = { type: MessageType.HB_RESP, authenticated: HeartbeatAuth.CHALLENGE, reserved: 0, nonce: 5, extensions: NO_EXTENSIONS };
    const out = machine.handle(datagram(groupless(1, challenge), SERVER, CLIENT_PROXY.address), new FakeClock());
    expect(sends(out)).toEqual([]);
    expect(counts(out)).toEqual(['drop.heartbeat']);
  });
});

describe('server proxy with -s fp=...', () => {
  function gate() {
    const clock = new FakeClock();
    const machine = createProxy(config('server', { downstreamFingerprint: OURS.fingerprint }));
    machine.handle(datagram(hex(REAL.announce), SERVER, '230.4.4.1'), clock);
    return { clock, machine };
  }

  test('forwards nothing until a heartbeat proves the key; then forwards to the heartbeat\'s address', () => {
    const { clock, machine } = gate();
    expect(sends(machine.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117'), clock))).toEqual([]);
    const challenge = resp(machine.handle(datagram(hbReq(), CLIENT_PROXY, SERVER_PROXY.address), clock));
    expect(challenge.authenticated).toBe(HeartbeatAuth.CHALLENGE);
    expect(challenge.nonce).not.toBe(0);
    const ok = resp(machine.handle(datagram(hbReq(challenge.nonce, OURS), CLIENT_PROXY, SERVER_PROXY.address), clock));
    expect(ok.authenticated).toBe(HeartbeatAuth.OK);
    expect(sends(machine.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117'), clock))[0].to).toEqual(CLIENT_PROXY);
    // Later heartbeats from the adopted address pass without a challenge.
    expect(resp(machine.handle(datagram(hbReq(), CLIENT_PROXY, SERVER_PROXY.address), clock)).authenticated).toBe(HeartbeatAuth.OK);
  });

  test('another key, a wrong signature or a stale nonce is refused and the downstream stays', () => {
    const { clock, machine } = gate();
    const nonce = () => resp(machine.handle(datagram(hbReq(), CLIENT_PROXY, SERVER_PROXY.address), clock)).nonce;
    machine.handle(datagram(hbReq(nonce(), OURS), CLIENT_PROXY, SERVER_PROXY.address), clock);
    const moved = { address: '203.0.113.9', port: 40000 };
    const challenge = resp(machine.handle(datagram(hbReq(), moved, SERVER_PROXY.address), clock));
    expect(challenge.authenticated).toBe(HeartbeatAuth.CHALLENGE);
    for (const bad of [hbReq(challenge.nonce, STRANGER), hbReq(challenge.nonce, OURS, challenge.nonce + 1), hbReq(challenge.nonce + 1, OURS)]) {
      const out = machine.handle(datagram(bad, moved, SERVER_PROXY.address), clock);
      expect(resp(out).authenticated).toBe(HeartbeatAuth.FAILED);
      expect(counts(out)).toContain('drop.heartbeat');
    }
    expect(sends(machine.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117'), clock))[0].to).toEqual(CLIENT_PROXY);
    // The right key from the new address moves the downstream (a NAT that changed the port).
    machine.handle(datagram(hbReq(challenge.nonce, OURS), moved, SERVER_PROXY.address), clock);
    expect(sends(machine.handle(datagram(hex(REAL.fileseg), SERVER, '230.5.5.117'), clock))[0].to).toEqual(moved);
  });

  test('a server proxy with a fixed downstream answers heartbeats with OK', () => {
    const machine = createProxy(config('server'));
    expect(resp(machine.handle(datagram(hbReq(), CLIENT_PROXY, SERVER_PROXY.address), new FakeClock())).authenticated).toBe(HeartbeatAuth.OK);
  });
});
