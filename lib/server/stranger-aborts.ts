// ABORTs to hosts outside the session ("Not in host list", "Max destinations exceeded") go to the address a
// REGISTER came from, and that address can be forged: each 60-byte REGISTER would become a 324-byte ABORT
// sent wherever the forger likes. A real client gives up at its first ABORT, so one a second per address is
// enough, and a few dozen a second in all bounds what many forged addresses can draw. Sans-I/O: the clock
// comes in.
import { RecentSources } from '../session/recent-sources';

/** One ABORT per address in this interval. */
export const STRANGER_ABORT_INTERVAL_MS = 1000;
/** ABORTs to hosts outside the session per second, all addresses together. */
export const STRANGER_ABORTS_PER_SEC = 50;

export class StrangerAborts {
  /** When each address was last sent one. */
  private readonly lastSent = new RecentSources<number>();
  private secondStart = -Infinity;
  private inSecond = 0;

  /** Whether an ABORT may go to `address` at `now`; if so, it is counted as sent. */
  allow(address: string, now: number): boolean {
    const last = this.lastSent.get(address);
    if (last !== undefined && now - last < STRANGER_ABORT_INTERVAL_MS) return false;
    if (now - this.secondStart >= 1000) {
      this.secondStart = now;
      this.inSecond = 0;
    }
    if (this.inSecond >= STRANGER_ABORTS_PER_SEC) return false;
    this.inSecond++;
    this.lastSent.set(address, now);
    return true;
  }
}
