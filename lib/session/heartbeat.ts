// Heartbeats out (protocol.txt 4, 5.2.17, 5.2.18): a client or proxy with -H sends HB_REQ to each listed
// proxy every -h seconds and signs the nonce of a challenge with its first key.
import { signMessage } from '../crypto';
import {
  HeartbeatAuth, MessageType, NO_EXTENSIONS, UFTP_VERSION, encodePacket, type HbReq, type HbResp, type Message,
  type UftpHeader,
} from '../protocol';
import { count, log, send, type OutputSink } from './context';
import { dropped } from './drop';
import { blobOf, nonceBytes } from './keys';
import type { Clock, Endpoint, LoadedKey } from './types';

export const HEARTBEAT_TIMER = 'heartbeat';

/** Heartbeats and PROXY_KEY are signed with SHA-1 over the nonce's 4 bytes (checked on real captures). */
export const NONCE_HASH = 'sha1';

export interface HeartbeatConfig {
  uid: number;
  heartbeats: Endpoint[];
  heartbeatIntervalSec: number;
  /** The first signs answers to challenges. */
  keys: LoadedKey[];
}

type HbCtx = { readonly config: HeartbeatConfig; readonly clock: Clock; readonly out: OutputSink };

/** Messages that belong to no group (heartbeats, KEY_REQ, PROXY_KEY): group 0, sequence 0, as the real programs send them. */
export function groupless(uid: number, msg: Message): Buffer {
  const header: UftpHeader = { version: UFTP_VERSION, func: 0, seq: 0, srcId: uid, groupId: 0, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 };
  return encodePacket(header, msg);
}

export function endpointText(e: Endpoint): string {
  return `${e.address}:${e.port}`;
}

/** The -H side: periodic HB_REQ, signed answers to challenges. */
export class HeartbeatSender {
  start(ctx: HbCtx): void {
    if (ctx.config.heartbeats.length > 0) ctx.out.push({ type: 'setTimer', id: HEARTBEAT_TIMER, at: ctx.clock.now });
  }

  onTimer(ctx: HbCtx): void {
    const { config } = ctx;
    const req: HbReq = { type: MessageType.HB_REQ, reserved: 0, nonce: 0, publicKey: null, signedNonce: new Uint8Array(0), extensions: NO_EXTENSIONS };
    const packet = groupless(config.uid, req);
    for (const target of config.heartbeats) {
      send(ctx, packet, target);
      log(ctx, 4, `Sent HB_REQ to ${endpointText(target)}`);
    }
    ctx.out.push({ type: 'setTimer', id: HEARTBEAT_TIMER, at: ctx.clock.now + config.heartbeatIntervalSec * 1000 });
  }

  onResp(ctx: HbCtx, resp: HbResp, from: Endpoint): void {
    const { config } = ctx;
    const known = config.heartbeats.some((t) => t.address === from.address && t.port === from.port);
    if (!known) {
      dropped(ctx.out, 'heartbeat', `HB_RESP from ${endpointText(from)}, not a heartbeat target`, undefined, 5);
      return;
    }
    if (resp.authenticated === HeartbeatAuth.OK) {
      log(ctx, 4, `Received HB_RESP from ${from.address}`);
    } else if (resp.authenticated === HeartbeatAuth.CHALLENGE) {
      const key = config.keys[0];
      if (!key) {
        log(ctx, 1, `Heartbeat authentication required by ${from.address}, but no key to sign with`);
        return;
      }
      log(ctx, 4, 'Heartbeat authentication required');
      const req: HbReq = {
        type: MessageType.HB_REQ, reserved: 0, nonce: resp.nonce, publicKey: blobOf(key.key),
        signedNonce: signMessage(NONCE_HASH, key.key, nonceBytes(resp.nonce)), extensions: NO_EXTENSIONS,
      };
      send(ctx, groupless(config.uid, req), from);
      log(ctx, 4, `Sent authenticated HB_REQ to ${endpointText(from)}`);
    } else {
      log(ctx, 1, `Heartbeat authentication failed at ${from.address}`);
      count(ctx, 'heartbeat.refused');
    }
  }
}
