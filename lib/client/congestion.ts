// TFMCC on the client (protocol.txt 3.3): the rate news in FILESEG and CONG_CTRL, our RTT from CONG_CTRL,
// CC_ACK at once when we are the limiting receiver or when our feedback round's back-off runs out, and the
// EXT_TFMCC_ACK_INFO that STATUS and CC_ACK carry.
import { MessageType, quantizeRate, unquantizeGrtt, unquantizeGroupSize, unquantizeRate, type CongCtrl, type TfmccAckInfoExt } from '../protocol';
import { u16 } from '../protocol/bytes';
import { glog, type Ctx } from './context';
import { echoTimestamp, noteServerTime, sendToServer } from './outgoing';
import type { ClientSession } from './session';
import { CC_CLR } from './tfmcc';

export type RandomSource = () => number;

/** The machine's random numbers for back-offs (injected by tests). */
export const random: { next: RandomSource } = { next: Math.random };

const TFMCC_DATA_INFO = 2;

/** EXT_TFMCC_DATA_INFO of a FILESEG body (header length `hlen` > 8). */
export function onDataInfo(ctx: Ctx, session: ClientSession, body: Uint8Array, hlen: number): void {
  if (body[8] !== TFMCC_DATA_INFO || hlen < 16 || body[9] * 4 < 8) return;
  news(ctx, session, u16(body, 12), unquantizeRate(u16(body, 14)));
}

function news(ctx: Ctx, session: ClientSession, ccSeq: number, ccRate: number): void {
  const cc = session.tfmcc!;
  const before = cc.feedbackAt;
  cc.onRateNews(ccSeq, ccRate, ctx.clock.now, session.grtt, Math.max(2, session.groupSize), random.next());
  if (cc.feedbackAt !== 0 && cc.feedbackAt !== before) ctx.out.push({ type: 'setTimer', id: session.timerId('cc'), at: cc.feedbackAt });
}

export function onCongCtrl(ctx: Ctx, session: ClientSession, msg: CongCtrl, headerGsize: number): void {
  const cc = session.tfmcc;
  if (!cc) {
    glog(ctx, session, 3, 'Rejecting CONG_CTRL: not allowed for given congestion control type');
    return;
  }
  noteServerTime(session, msg.tsSec, msg.tsUsec, ctx.clock.wall);
  session.groupSize = unquantizeGroupSize(headerGsize);
  const ours = msg.items.find((i) => i.clientId >>> 0 === ctx.config.uid >>> 0);
  if (ours) {
    cc.onMeasuredRtt(unquantizeGrtt(ours.rtt), (ours.flags & CC_CLR) !== 0);
    if (cc.isClr) sendCcAck(ctx, session);
  } else {
    cc.isClr = false;
  }
  news(ctx, session, msg.ccSeq, unquantizeRate(msg.ccRate));
}

export function onFeedbackTimer(ctx: Ctx, session: ClientSession): void {
  const cc = session.tfmcc;
  if (!cc || cc.feedbackAt === 0) return;
  if (ctx.clock.now + 1 < cc.feedbackAt) {
    ctx.out.push({ type: 'setTimer', id: session.timerId('cc'), at: cc.feedbackAt });
    return;
  }
  if (!cc.isClr) sendCcAck(ctx, session);
  cc.feedbackAt = 0;
}

function sendCcAck(ctx: Ctx, session: ClientSession): void {
  sendToServer(ctx, session, { type: MessageType.CC_ACK, reserved: 0, extensions: [ackInfo(ctx, session)] });
  glog(ctx, session, 4, 'CC_ACK sent');
}

export function ackInfo(ctx: Ctx, session: ClientSession): TfmccAckInfoExt {
  const cc = session.tfmcc!;
  const ts = echoTimestamp(session, ctx.clock.wall);
  return {
    kind: 'tfmccAckInfo', flags: cc.flags(), reserved: 0, ccSeq: cc.ccSeq,
    ccRate: quantizeRate(cc.rate(ctx.clock.now, session.grtt)), clientId: ctx.config.uid >>> 0, tsSec: ts.sec, tsUsec: ts.usec,
  };
}
