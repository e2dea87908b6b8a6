// -R -1 ("as fast as possible") without drowning the receivers. The real uftp is held back by its own
// one-datagram-a-call sending; ours sends in GSO batches and can outrun a receiver several times over,
// and a receiver that overflows its socket turns the surplus into repair passes. So under -R -1 the rate
// starts unlimited and is cut when NAKs show a receiver losing a share of a section: to a little under
// the rate the data actually went out at, less the share lost. Only NAKs for data sent after the last cut
// count (earlier sections went out at the old rate). Between cuts the rate grows back slowly.

/** NAKs below this share of a section are taken for chance loss, not overflow. */
const NOISE_SHARE = 0.005;
/** A cut leaves this much headroom below the rate the receiver kept up with. */
const HEADROOM = 0.9;
/** The most one cut takes away. */
const MAX_CUT_SHARE = 0.5;
/** After a cut the rate doubles in this many round trips, and in no less than GROWTH_MIN_MS. */
const GROWTH_GRTTS = 20;
const GROWTH_MIN_MS = 2000;
/** The send rate is measured over windows of this length (ms)... */
const WINDOW_MS = 50;
/** ...and the fastest of the last few counts: a window in which the sender stalled says nothing of the receivers. */
const WINDOWS = 8;
/** Never below this (bytes/s): a slow start would make a lossy link crawl. */
const FLOOR = 1_000_000;

/** Where the sending was: a pass and a section of it. */
export interface SendPoint {
  pass: number;
  section: number;
}

export class RateFinder {
  private cutRate = Infinity;
  private cutAt = 0;
  /** The section being sent at the last cut: NAKs for it and those before it are of data sent before. */
  private cutPoint: SendPoint = { pass: 0, section: -1 };
  private windowStart = -1;
  private windowBytes = 0;
  private readonly recent: number[] = [];

  /** Bytes/s to pace at now (Infinity until the first cut). */
  rate(now: number, grttMs: number): number {
    if (!Number.isFinite(this.cutRate)) return Infinity;
    const doubling = Math.max(GROWTH_MIN_MS, GROWTH_GRTTS * grttMs);
    return this.cutRate * (1 + (now - this.cutAt) / doubling);
  }

  /** Data went out: the measured send rate follows. */
  sent(now: number, bytes: number): void {
    if (this.windowStart < 0) this.windowStart = now;
    this.windowBytes += bytes;
    const span = now - this.windowStart;
    if (span >= WINDOW_MS) {
      this.recent.push((this.windowBytes * 1000) / span);
      if (this.recent.length > WINDOWS) this.recent.shift();
      this.windowStart = now;
      this.windowBytes = 0;
    }
  }

  /**
   * A receiver NAKed `lost` of the `blocks` of section `of` (sent in the current pass); `sending` is where
   * the sending is now. True when the rate was cut.
   */
  loss(now: number, of: SendPoint, lost: number, blocks: number, sending: SendPoint, grttMs: number): boolean {
    const share = blocks > 0 ? lost / blocks : 0;
    const measured = Math.max(0, ...this.recent);
    if (share < NOISE_SHARE || measured <= 0) return false;
    const before = of.pass < this.cutPoint.pass || (of.pass === this.cutPoint.pass && of.section <= this.cutPoint.section);
    if (before) return false;
    const base = Math.min(measured, this.rate(now, grttMs));
    this.cutRate = Math.max(FLOOR, base * (1 - Math.min(MAX_CUT_SHARE, share)) * HEADROOM);
    this.cutAt = now;
    this.cutPoint = { ...sending };
    return true;
  }
}
