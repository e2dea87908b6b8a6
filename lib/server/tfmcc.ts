// The sender's half of TFMCC (RFC 4654) as UFTP runs it (protocol.txt 3.3): a sending rate set by the current
// limiting receiver (CLR), feedback rounds of 6 x GRTT in which receivers with a lower rate speak up,
// CONG_CTRL once per GRTT naming the CLR and the RTTs measured, the rate halved when the CLR goes quiet
// for 4 x GRTT and the CLR dropped after ROBUST x GRTT; slow start below one packet per GRTT.
import { quantizeGrtt, type CcItem } from '../protocol';

export const CC_CLR = 0x01;
export const CC_RTT = 0x02;
export const CC_START = 0x04;
const NO_LIMIT = 0xffffffff;

export interface CcReceiver {
  id: number;
  rtt: number;
  rttSent: boolean;
}

export interface AckInfo {
  flags: number;
  /** The receiver's rate, bytes/s. */
  rate: number;
}

export class TfmccSender {
  /** Bytes per second. */
  rate: number;
  slowStart = true;
  clr?: number;
  ccSeq = 0;
  /** The suppression rate of the round (bytes/s): only slower receivers answer. */
  ccRate = NO_LIMIT;
  /** Seconds: the GRTT advertised while sending, never below one packet's time at the rate. */
  advGrtt: number;
  private lastClrAt: number;
  private clrDropped = false;
  private newRate = 0;
  private roundEnd: number;
  private nextCongCtrl: number;

  constructor(
    private readonly packetBytes: number,
    private readonly bounds: { min?: number; init?: number; max?: number },
    grtt: number,
    now: number,
    receivers: CcReceiver[],
    private readonly robust: number,
  ) {
    this.rate = bounds.init ?? packetBytes / grtt;
    this.advGrtt = Math.max(packetBytes / this.rate, grtt);
    this.lastClrAt = now;
    this.roundEnd = now + 6 * this.advGrtt * 1000;
    this.nextCongCtrl = now;
    const slowest = [...receivers].sort((a, b) => b.rtt - a.rtt)[0];
    this.clr = slowest?.id;
  }

  /** The floor the rate never goes under: the -C min, else one packet per GRTT. */
  private floor(grtt: number): number {
    const onePerGrtt = this.packetBytes / grtt;
    return this.bounds.min !== undefined && this.bounds.min > 0 ? Math.min(this.bounds.min, onePerGrtt) : onePerGrtt;
  }

  private clampLow(grtt: number): void {
    const floor = this.floor(grtt);
    if (this.rate < floor) {
      this.slowStart = true;
      this.rate = floor;
    }
  }

  /** When the next tick is due (monotonic ms). */
  nextTick(): number {
    return Math.min(this.nextCongCtrl, this.roundEnd, this.lastClrAt + 4 * this.advGrtt * 1000);
  }

  /**
   * The clock's work: CONG_CTRL due (answers its items), the rate halved when the CLR is silent, a new
   * feedback round. `giveUp`: no feedback from anyone for 2 x ROBUST GRTTs (and 5 s).
   */
  tick(now: number, grtt: number, receivers: CcReceiver[]): { congCtrl?: CcItem[]; giveUp: boolean } {
    let congCtrl: CcItem[] | undefined;
    if (now >= this.nextCongCtrl) {
      congCtrl = this.items(receivers);
      this.nextCongCtrl = now + this.advGrtt * 1000;
    }
    const silent = now - this.lastClrAt;
    let giveUp = false;
    if (silent > 4 * this.advGrtt * 1000) {
      this.rate /= 2;
      this.clampLow(grtt);
      if (silent > 2 * this.robust * this.advGrtt * 1000 && silent > 5000) giveUp = true;
    }
    if (silent > this.robust * this.advGrtt * 1000 && this.clr !== undefined) {
      this.clr = undefined;
      this.clrDropped = true;
    }
    if (now >= this.roundEnd) {
      if (this.clrDropped) {
        this.clrDropped = false;
        if (this.newRate) this.rate = this.newRate;
      }
      this.advGrtt = Math.max(this.packetBytes / this.rate, grtt);
      this.clampLow(grtt);
      this.roundEnd = now + 6 * this.advGrtt * 1000;
      this.ccRate = NO_LIMIT;
      this.ccSeq = (this.ccSeq + 1) & 0xffff;
    }
    return { congCtrl, giveUp };
  }

  /** CONG_CTRL's list: the CLR first, then those whose RTT was not sent yet, then the rest, as many as fit. */
  private items(receivers: CcReceiver[]): CcItem[] {
    const start = this.slowStart ? CC_START : 0;
    const list: CcItem[] = [];
    const clr = receivers.find((r) => r.id === this.clr);
    if (clr) {
      list.push({ clientId: clr.id, flags: CC_CLR | CC_RTT | start, rtt: quantizeGrtt(clr.rtt), reserved: 0 });
      clr.rttSent = true;
    }
    const others = receivers.filter((r) => r !== clr);
    for (const r of [...others.filter((o) => !o.rttSent), ...others.filter((o) => o.rttSent)]) {
      list.push({ clientId: r.id, flags: CC_RTT | start, rtt: quantizeGrtt(r.rtt), reserved: 0 });
      r.rttSent = true;
    }
    return list;
  }

  /** A receiver's feedback (EXT_TFMCC_ACK_INFO in STATUS or CC_ACK): its RTT is already measured. */
  onFeedback(now: number, receiver: CcReceiver, info: AckInfo, grtt: number): void {
    let clientRate = info.rate;
    const slowStarting = (info.flags & CC_START) !== 0;
    const hasRtt = (info.flags & CC_RTT) !== 0;
    if (!slowStarting) this.slowStart = false;
    // A receiver that had no RTT of its own computed its rate with the advertised GRTT: scale to its own.
    if (!slowStarting && !hasRtt) clientRate = clientRate * (this.advGrtt / receiver.rtt);
    const step = this.packetBytes / grtt;
    if (receiver.id === this.clr) {
      this.rate = clientRate > this.rate + step && !this.slowStart ? this.rate + step : clientRate;
      this.lastClrAt = now;
    } else {
      if (info.rate < this.ccRate) this.ccRate = info.rate * 0.9;
      if (clientRate < this.rate || this.clr === undefined) {
        if (!this.clrDropped) this.rate = clientRate;
        else this.newRate = Math.min(clientRate, this.rate);
        this.clr = receiver.id;
        this.lastClrAt = now;
      }
    }
    if (this.bounds.max !== undefined && this.bounds.max > 0 && this.rate > this.bounds.max) {
      this.rate = this.bounds.max;
      this.slowStart = false;
    }
    this.clampLow(grtt);
    this.advGrtt = Math.max(this.advGrtt, Math.max(this.packetBytes / this.rate, grtt));
  }
}
