// File writes run on the thread pool, each holding its buffer until it is done. When data comes in faster
// than the disk takes it, those buffers would pile up without end; so past a high-water mark of bytes in
// flight the sockets are held (nothing read: the kernel's buffer fills, then drops, and the server hears of
// it through NAKs, which slow it), and released once the writes are down to the low-water mark.

export const HOLD_ABOVE_BYTES = 8 * 1024 * 1024;
export const RELEASE_BELOW_BYTES = 2 * 1024 * 1024;

export class WriteBacklog {
  private bytes = 0;
  private holding = false;
  /** Times the sockets were held, for the counters. */
  holds = 0;

  constructor(
    private readonly hold: (on: boolean) => void,
    private readonly high = HOLD_ABOVE_BYTES,
    private readonly low = RELEASE_BELOW_BYTES,
  ) {}

  get inFlight(): number {
    return this.bytes;
  }

  started(bytes: number): void {
    this.bytes += bytes;
    if (!this.holding && this.bytes > this.high) {
      this.holding = true;
      this.holds++;
      this.hold(true);
    }
  }

  finished(bytes: number): void {
    this.bytes -= bytes;
    if (this.holding && this.bytes <= this.low) {
      this.holding = false;
      this.hold(false);
    }
  }
}
