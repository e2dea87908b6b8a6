// -R: responses go to a response proxy, and in encrypted sessions the key exchange is with its keys. The
// client asks for them with KEY_REQ every 5 seconds until a PROXY_KEY from that proxy checks out (its
// fingerprint, when -R gives one, and its signature over the nonce).
import { verifyMessage } from '../crypto';
import { MessageType, NO_EXTENSIONS, type ProxyKey } from '../protocol';
import { sameFingerprint } from '../session/access';
import { log, send } from '../session/context';
import { groupless, NONCE_HASH } from '../session/heartbeat';
import { blobFingerprint, keyOfBlob, nonceBytes } from '../session/keys';
import type { ProxyKeys } from './announce';
import type { Ctx } from './context';
import type { Endpoint } from './types';

export const KEY_REQ_TIMER = 'keyreq';
const KEY_REQ_INTERVAL_MS = 5000;

export function onKeyReqTimer(ctx: Ctx, have: ProxyKeys | undefined): void {
  const proxy = ctx.config.responseProxy;
  if (!proxy || have) return;
  send(ctx, groupless(ctx.config.uid, { type: MessageType.KEY_REQ, reserved: 0, extensions: NO_EXTENSIONS }), proxy);
  log(ctx, 2, `Sent KEY_REQ to ${proxy.address}:${proxy.port}`);
  ctx.out.push({ type: 'setTimer', id: KEY_REQ_TIMER, at: ctx.clock.now + KEY_REQ_INTERVAL_MS });
}

/** The proxy's keys when this PROXY_KEY is from our response proxy and checks out; else undefined (logged). */
export function onProxyKey(ctx: Ctx, msg: ProxyKey, from: Endpoint): ProxyKeys | undefined {
  log(ctx, 2, `Received PROXY_KEY from ${from.address}`);
  const proxy = ctx.config.responseProxy;
  if (!proxy) {
    log(ctx, 2, 'No reply proxy specified');
    return undefined;
  }
  if (proxy.address !== from.address) {
    log(ctx, 2, 'PROXY_KEY not from specified reply proxy');
    return undefined;
  }
  const key = keyOfBlob(msg.publicKey);
  if (!key) {
    log(ctx, 0, 'Failed to import public key from PROXY_KEY');
    return undefined;
  }
  if (proxy.fingerprint !== undefined) {
    const fp = blobFingerprint(msg.publicKey);
    if (fp === undefined || !sameFingerprint(fp, proxy.fingerprint)) {
      log(ctx, 1, 'Failed to verify PROXY_KEY fingerprint');
      return undefined;
    }
  }
  if (!verifyMessage(NONCE_HASH, key, nonceBytes(msg.nonce), msg.signedNonce)) {
    log(ctx, 1, 'Failed to verify PROXY_KEY signature');
    return undefined;
  }
  let dh;
  if (msg.dhKey) {
    dh = keyOfBlob(msg.dhKey);
    if (!dh) {
      log(ctx, 0, 'Failed to import ECDH public key from PROXY_KEY');
      return undefined;
    }
  }
  return { key, dh };
}
