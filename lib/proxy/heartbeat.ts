// Heartbeats in (protocol.txt 4, 5.2.17, 5.2.18): every proxy answers HB_REQ; a server proxy with -s fp=...
// adopts as its downstream whoever proves that key: HB_REQ from the current downstream is accepted as is, from
// anywhere else it is challenged with a fresh nonce, and a wrong key or signature is refused and changes
// nothing. Sending heartbeats (-H) is shared with the client: lib/session/heartbeat.ts.
import { randomBytes } from 'node:crypto';
import { verifyMessage } from '../crypto';
import { HeartbeatAuth, MessageType, NO_EXTENSIONS, type HbReq, type HbResp } from '../protocol';
import { sameFingerprint } from '../session/access';
import { count, log, send } from '../session/context';
import { dropped } from '../session/drop';
import { endpointText, groupless, NONCE_HASH } from '../session/heartbeat';
import { blobFingerprint, keyOfBlob, nonceBytes } from '../session/keys';
import type { Ctx } from './context';
import type { Endpoint } from './types';

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
