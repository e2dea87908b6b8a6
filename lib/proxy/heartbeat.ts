// Heartbeats (protocol.txt 4, 5.2.17, 5.2.18). A proxy with -H sends HB_REQ to each listed proxy every -h
// seconds and signs the nonce of a challenge with its first key. A server proxy with -s fp=... adopts as its
// downstream whoever proves that key: HB_REQ from the current downstream is accepted as is, from anywhere
// else it is challenged with a fresh nonce, and a wrong key or signature is refused and changes nothing.
import { randomBytes } from 'node:crypto';
import { signMessage, verifyMessage } from '../crypto';
import {
  HeartbeatAuth, MessageType, NO_EXTENSIONS, UFTP_VERSION, encodePacket, type HbReq, type HbResp, type Message,
  type UftpHeader,
} from '../protocol';
import { sameFingerprint } from './access';
import { count, log, send, type Ctx } from './context';
import { dropped } from './drop';
import { blobFingerprint, blobOf, keyOfBlob, nonceBytes } from './keys';
import type { Endpoint } from './types';

export const HEARTBEAT_TIMER = 'heartbeat';

/** Heartbeats and PROXY_KEY are signed with SHA-1 over the nonce's 4 bytes (checked on real captures). */
export const NONCE_HASH = 'sha1';

/** Heartbeat messages belong to no group: group 0, sequence 0, as the real proxies send them. */
export function groupless(uid: number, msg: Message): Buffer {
  const header: UftpHeader = { version: UFTP_VERSION, func: 0, seq: 0, srcId: uid, groupId: 0, groupInst: 0, grtt: 0, gsize: 0, reserved: 0 };
  return encodePacket(header, msg);
}

function endpointText(e: Endpoint): string {
  return `${e.address}:${e.port}`;
}

/** The -H side: periodic HB_REQ, signed answers to challenges. */
export class HeartbeatSender {
  start(ctx: Ctx): void {
    if (ctx.config.heartbeats.length > 0) ctx.out.push({ type: 'setTimer', id: HEARTBEAT_TIMER, at: ctx.clock.now });
  }

  onTimer(ctx: Ctx): void {
    const { config } = ctx;
    const req: HbReq = { type: MessageType.HB_REQ, reserved: 0, nonce: 0, publicKey: null, signedNonce: new Uint8Array(0), extensions: NO_EXTENSIONS };
    const packet = groupless(config.uid, req);
    for (const target of config.heartbeats) {
      send(ctx, packet, target);
      log(ctx, 4, `Sent HB_REQ to ${endpointText(target)}`);
    }
    ctx.out.push({ type: 'setTimer', id: HEARTBEAT_TIMER, at: ctx.clock.now + config.heartbeatIntervalSec * 1000 });
  }

  onResp(ctx: Ctx, resp: HbResp, from: Endpoint): void {
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

/** The receiving side: every proxy answers HB_REQ; a server proxy with -s fp=... learns its downstream. */
export class HeartbeatGate {
  /** The adopted downstream of a -s fp=... server proxy. */
  downstream: Endpoint | undefined;
  private nonce = 0;

  constructor(private readonly fingerprint: string | undefined) {}

  onReq(ctx: Ctx, req: HbReq, from: Endpoint): void {
    const answer = this.judge(ctx, req, from);
    const resp: HbResp = { type: MessageType.HB_RESP, authenticated: answer.auth, reserved: 0, nonce: answer.nonce, extensions: NO_EXTENSIONS };
    send(ctx, groupless(ctx.config.uid, resp), from);
  }

  private judge(ctx: Ctx, req: HbReq, from: Endpoint): { auth: HeartbeatAuth; nonce: number } {
    const want = this.fingerprint;
    const current = this.downstream;
    if (want === undefined || (current && current.address === from.address && current.port === from.port)) {
      log(ctx, 4, `Received HB_REQ from ${from.address}`);
      return { auth: HeartbeatAuth.OK, nonce: 0 };
    }
    if (!req.publicKey || req.signedNonce.length === 0) {
      this.nonce = randomBytes(4).readUInt32BE(0) || 1;
      log(ctx, 4, `Challenging HB_REQ from ${endpointText(from)}`);
      return { auth: HeartbeatAuth.CHALLENGE, nonce: this.nonce };
    }
    const why = this.refusal(req, want);
    if (why) {
      dropped(ctx.out, 'heartbeat', `HB_REQ from ${endpointText(from)}: ${why}`);
      return { auth: HeartbeatAuth.FAILED, nonce: 0 };
    }
    this.downstream = { address: from.address, port: from.port };
    this.nonce = randomBytes(4).readUInt32BE(0) || 1;
    log(ctx, 2, `Using ${endpointText(from)} as downstream address:port`);
    count(ctx, 'heartbeat.adopted');
    return { auth: HeartbeatAuth.OK, nonce: 0 };
  }

  private refusal(req: HbReq, want: string): string | undefined {
    if (this.nonce === 0 || req.nonce !== this.nonce) return 'nonce is not the one last sent';
    const fp = blobFingerprint(req.publicKey);
    if (fp === undefined || !sameFingerprint(fp, want)) return 'key does not match the fingerprint';
    const key = keyOfBlob(req.publicKey);
    if (!key || !verifyMessage(NONCE_HASH, key, nonceBytes(req.nonce), req.signedNonce)) return 'signature does not verify';
    return undefined;
  }
}
