// How fast data goes out: a token bucket filled at the sending rate (bytes/s), each packet taking its wire
// size; unlimited (-R -1) when the rate is Infinity. A burst is capped (a few ms of traffic), so a late
// timer does not release a flood.

const BURST_MS = 5;
const MIN_BURST_PACKETS = 4;

export class Pacer {
  private tokens = 0;
  private last = -1;

  constructor(
    /** Bytes per second; Infinity = no limit. */
    public rate: number,
    private readonly packetBytes: number,
  ) {}

  get unlimited(): boolean {
    return !Number.isFinite(this.rate);
  }

  private burst(): number {
    return Math.max(MIN_BURST_PACKETS * this.packetBytes, (this.rate * BURST_MS) / 1000);
  }

  private fill(now: number): void {
    if (this.last < 0) {
      this.last = now;
      this.tokens = this.packetBytes;
      return;
    }
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
  }

  /** Packets that may go now. */
  allowance(now: number): number {
    if (this.unlimited) return Number.MAX_SAFE_INTEGER;
    this.fill(now);
    // The epsilon keeps a packet that is due 'now' by the clock from being a rounding error short.
    return Math.floor(this.tokens / this.packetBytes + 1e-9);
  }

  /** `n` packets went out. */
  spend(n: number): void {
    if (!this.unlimited) this.tokens -= n * this.packetBytes;
  }

  /** When the next packet may go (monotonic ms). */
  nextAt(now: number): number {
    if (this.unlimited || this.tokens >= this.packetBytes) return now;
    return now + Math.max(0.01, ((this.packetBytes - this.tokens) * 1000) / this.rate);
  }

  setRate(rate: number): void {
    this.rate = rate;
  }
}
