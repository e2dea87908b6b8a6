// The receiver's half of TFMCC (RFC 4654) as UFTP runs it (protocol.txt 3.3): loss events found from the
// server's packet sequence numbers, the loss event rate over the last eight intervals, the TCP throughput
// equation (or, before the first loss, twice the rate received), feedback rounds with a randomised
// back-off, and the RTT the server measures for us in CONG_CTRL. Times are monotonic milliseconds.

/** A packet this far behind the newest is judged lost (and older ones are not looked at again). */
export const MAX_MISORDER = 5;

const WEIGHTS = [1, 1, 1, 1, 0.8, 0.6, 0.4, 0.2];
const SEQ_SPACE = 0x10000;

export const CC_CLR = 0x01;
export const CC_RTT = 0x02;
export const CC_START = 0x04;

interface LossEvent {
  /** Sequence number, extended past 16 bits by the wrap count. */
  start: number;
  length: number;
  at: number;
}

export class TfmccReceiver {
  private readonly found = new Uint8Array(SEQ_SPACE);
  private readonly arrived = new Float64Array(SEQ_SPACE);
  private readonly sizes = new Uint32Array(SEQ_SPACE);
  private readonly events: LossEvent[] = [];
  private maxSeq: number;
  private readonly startSeq: number;
  private wraps = 0;
  slowStart = true;
  /** Our RTT as the server measured it (seconds); 0 until a CONG_CTRL names us. */
  rtt = 0;
  isClr = false;
  ccSeq = 0;
  /** When our CC_ACK of this feedback round is due (monotonic ms); 0 = none. */
  feedbackAt = 0;
  private initRate = 0;

  /** `firstSeq`, `size`, `at`: the ANNOUNCE that opened the session. `packetSize`: bytes of a full data packet. */
  constructor(firstSeq: number, size: number, at: number, private readonly packetSize: number) {
    this.startSeq = firstSeq;
    this.maxSeq = firstSeq;
    this.found[firstSeq] = 1;
    this.arrived[firstSeq] = at;
    this.sizes[firstSeq] = size;
  }

  /** A packet from the server: its header sequence number, its size on the wire, when it came (and ECN CE). */
  onPacket(seq: number, wireSize: number, now: number, grttSec: number, congested = false): void {
    this.found[seq] = 1;
    this.arrived[seq] = now;
    this.sizes[seq] = wireSize;
    const ahead = ((seq - this.maxSeq) << 16) >> 16;
    if (ahead > 0) {
      if (seq < this.maxSeq) this.wraps++;
      const gap = ahead;
      const span = now - this.arrived[this.maxSeq];
      for (let i = 1; i < gap; i++) {
        const s = (this.maxSeq + i) & 0xffff;
        this.found[s] = 0;
        this.arrived[s] = this.arrived[this.maxSeq] + (span * i) / gap;
      }
      const seen = this.wraps > 0 || ((this.maxSeq - this.startSeq) & 0xffff) >= MAX_MISORDER;
      if (seen) {
        for (let i = 0; i < gap; i++) {
          const s = (this.maxSeq - MAX_MISORDER + i) & 0xffff;
          if (this.found[s] === 0 && this.startsEvent(s, grttSec)) this.newLossEvent(s, seq, grttSec);
        }
      }
      this.maxSeq = seq;
      if (congested && this.startsEvent(seq, grttSec)) this.newLossEvent(seq, seq, grttSec);
    }
    if (this.events.length > 0) this.events[0].length = this.extended(this.maxSeq) - this.events[0].start;
  }

  private startsEvent(seq: number, grttSec: number): boolean {
    return this.slowStart || this.events.length === 0 || this.arrived[seq] - this.events[0].at > grttSec * 1000;
  }

  private extended(seq: number): number {
    return this.wraps * SEQ_SPACE + seq;
  }

  /** `seq` starts a loss event; `newest` is the packet that revealed it (already counted in the wraps). */
  private newLossEvent(seq: number, newest: number, grttSec: number): void {
    const at = (seq > newest ? this.wraps - 1 : this.wraps) * SEQ_SPACE + seq;
    if (this.slowStart) {
      this.slowStart = false;
      // The interval before the first loss, as if it had been at the rate received (RFC 4654 3.2 / TFRC).
      const window = grttSec * 1000;
      let bytes = 0;
      let packets = 0;
      for (let s = this.maxSeq; packets < SEQ_SPACE - 1 && s !== this.startSeq; s = (s - 1) & 0xffff) {
        if (this.arrived[seq] - this.arrived[s] >= window) break;
        if (this.found[s]) bytes += this.sizes[s];
        packets++;
      }
      const rate = bytes / Math.max(grttSec, 1e-6);
      const rtt = this.rtt || grttSec;
      const avg = packets > 0 && bytes > 0 ? bytes / packets : this.packetSize;
      const first = Math.max(1, Math.round(((rate * rtt) / (Math.sqrt(1.5) * avg)) ** 2));
      this.events.unshift({ start: at - first, length: first, at: this.arrived[seq] });
    } else if (this.events.length > 0) {
      this.events[0].length = at - this.events[0].start;
    }
    this.events.unshift({ start: at, length: 0, at: this.arrived[seq] });
    if (this.events.length > 9) this.events.length = 9;
  }

  /** The loss event rate: the inverse of the weighted mean interval, with and without the open one. */
  lossRate(): number {
    if (this.slowStart) return 0;
    let withOpen = 0;
    let weights = 0;
    for (let i = 0; i < 8 && i < this.events.length; i++) {
      if (this.events[i].length === 0) continue;
      withOpen += this.events[i].length * WEIGHTS[i];
      weights += WEIGHTS[i];
    }
    let closed = 0;
    for (let i = 1; i < 9 && i < this.events.length; i++) closed += this.events[i].length * WEIGHTS[i - 1];
    const mean = Math.max(withOpen, closed);
    return mean > 0 ? weights / mean : 0;
  }

  /** The rate (bytes/s) this receiver can take, by the throughput equation or twice what it got lately. */
  rate(now: number, grttSec: number): number {
    const p = this.lossRate();
    if (p === 0) {
      const window = 4 * grttSec * 1000;
      let bytes = 0;
      for (let s = this.maxSeq, n = 0; n < SEQ_SPACE - 1 && s !== this.startSeq; s = (s - 1) & 0xffff, n++) {
        if (now - this.arrived[s] >= window) break;
        if (this.found[s]) bytes += this.sizes[s];
      }
      return (2 * bytes) / (4 * Math.max(grttSec, 1e-6));
    }
    const rtt = this.rtt || grttSec;
    return this.packetSize / (rtt * (Math.sqrt((2 * p) / 3) + 12 * Math.sqrt((3 * p) / 8) * p * (1 + 32 * p * p)));
  }

  /** A new feedback round (a higher CC sequence number): our CC_ACK waits a random back-off (RFC 4654 4.4). */
  private newRound(ccSeq: number, now: number, grttSec: number, groupSize: number, random: number): void {
    this.ccSeq = ccSeq;
    const u = random > 0 ? random : 1;
    const backoff = Math.max(0, 6 * grttSec * (1 + Math.log(u) / Math.log(Math.max(2, groupSize))));
    this.feedbackAt = now + backoff * 1000;
    this.initRate = this.rate(now, grttSec);
  }

  /** The server's rate news in a FILESEG or CONG_CTRL: start a round, or cancel ours when someone slower spoke. */
  onRateNews(ccSeq: number, ccRateBytes: number, now: number, grttSec: number, groupSize: number, random: number): void {
    if ((((ccSeq - this.ccSeq) << 16) >> 16) > 0) {
      this.newRound(ccSeq, now, grttSec, groupSize, random);
    } else if (this.feedbackAt !== 0 && (ccRateBytes < this.rate(now, grttSec) || ccRateBytes < this.initRate) && grttSec > this.rtt) {
      this.feedbackAt = 0;
    }
  }

  /** A CONG_CTRL item naming us: our RTT, and whether we are the current limiting receiver. */
  onMeasuredRtt(rttSec: number, clr: boolean): void {
    this.isClr = clr;
    const weight = clr ? 0.1 : 0.5;
    this.rtt = this.rtt === 0 ? rttSec : (1 - weight) * this.rtt + weight * rttSec;
  }

  flags(): number {
    return (this.slowStart ? CC_START : 0) | (this.rtt !== 0 ? CC_RTT : 0);
  }
}
