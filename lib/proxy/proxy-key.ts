// A response proxy's answer to KEY_REQ (5.2.19, 5.2.20): PROXY_KEY on every public group with its public key,
// its long-lived ECDH key (with -r:curve) and a signed nonce. Each costs a signature, so at most one a second:
// requests in between are answered together by one PROXY_KEY when the second is up (it goes to the group,
// where every client waiting hears it). A flood of KEY_REQs costs one signature a second.
import { randomBytes } from 'node:crypto';
import { generateEcdhKey, signMessage } from '../crypto';
import { MessageType, NO_EXTENSIONS, type ProxyKey as ProxyKeyMsg } from '../protocol';
import { count, log, send, type Ctx } from './context';
import { groupless, NONCE_HASH } from '../session/heartbeat';
import type { EcdhPair } from '../session/registrant';
import { blobOf, nonceBytes } from '../session/keys';
import type { ProxyConfig } from './types';

export const PROXY_KEY_INTERVAL_MS = 1000;
export const PROXY_KEY_TIMER = 'proxy-key';

export interface ProxyKeyState {
  ecdh?: EcdhPair;
  lastSent?: number;
  /** A PROXY_KEY is due when the interval is up. */
  pending?: boolean;
}

export function newProxyKeyState(config: ProxyConfig): ProxyKeyState {
  return config.mode === 'response' && config.ecdhCurve ? { ecdh: generateEcdhKey(config.ecdhCurve) } : {};
}

export function onKeyReq(ctx: Ctx, state: ProxyKeyState, fromAddress: string): void {
  askForProxyKey(ctx, state, `KEY_REQ from ${fromAddress}`);
}

/** A reload changed the key: a PROXY_KEY unasked (within the once-a-second limit), so clients take the new one. */
export function onNewKey(ctx: Ctx, state: ProxyKeyState): void {
  askForProxyKey(ctx, state, 'the new key of a reload');
}

function askForProxyKey(ctx: Ctx, state: ProxyKeyState, why: string): void {
  const key = ctx.config.keys[0];
  if (!key) {
    log(ctx, 1, `${why}, but no key is loaded`);
    return;
  }
  if (state.lastSent !== undefined && ctx.clock.now - state.lastSent < PROXY_KEY_INTERVAL_MS) {
    log(ctx, 5, `${why}: PROXY_KEY follows when a second has passed since the last`);
    count(ctx, 'proxy_key.held');
    if (!state.pending) ctx.out.push({ type: 'setTimer', id: PROXY_KEY_TIMER, at: state.lastSent + PROXY_KEY_INTERVAL_MS });
    state.pending = true;
    return;
  }
  sendProxyKey(ctx, state, key);
  log(ctx, 3, `Sent PROXY_KEY for ${why}`);
}

/** The interval is up: the PROXY_KEY that requests in it asked for. */
export function onProxyKeyTimer(ctx: Ctx, state: ProxyKeyState): void {
  const key = ctx.config.keys[0];
  if (!state.pending || !key) return;
  sendProxyKey(ctx, state, key);
  log(ctx, 3, 'Sent PROXY_KEY for the KEY_REQs held');
}

function sendProxyKey(ctx: Ctx, state: ProxyKeyState, key: Ctx['config']['keys'][number]): void {
  state.lastSent = ctx.clock.now;
  state.pending = false;
  const nonce = randomBytes(4).readUInt32BE(0);
  const msg: ProxyKeyMsg = {
    type: MessageType.PROXY_KEY, nonce, publicKey: blobOf(key.key), dhKey: state.ecdh ? blobOf(state.ecdh.publicKey) : null,
    signedNonce: signMessage(NONCE_HASH, key.key, nonceBytes(nonce)), extensions: NO_EXTENSIONS,
  };
  const packet = groupless(ctx.config.uid, msg);
  for (const group of ctx.config.publicGroups) send(ctx, packet, { address: group, port: ctx.config.destPort });
}
