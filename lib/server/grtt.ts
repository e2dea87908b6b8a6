// The group round trip time (protocol.txt 3.1): the largest RTT among the receivers, within -r's bounds,
// never falling below 0.9 of its previous value once set (RFC 5401). RTTs come from the timestamps
// REGISTER, FILEINFO_ACK and congestion feedback echo; none is taken as under 1 ms (as the real uftp:
// `rtt = 0.001000` at -x 3, and 1 ms in CONG_CTRL's items, from which TFMCC receivers compute their rate).
import { quantizeGrtt } from '../protocol';
import { timestampToWall } from '../session/timing';

/** The smallest RTT a client is taken to have, in seconds. */
export const CLIENT_RTT_MIN = 0.001;

export class Grtt {
  /** Seconds. */
  value: number;
  private set = false;

  constructor(private readonly bounds: { init: number; min: number; max: number }) {
    this.value = bounds.init;
  }

  /** The byte that goes in the header. */
  get quantized(): number {
    return quantizeGrtt(this.value);
  }

  /**
   * Recomputes from the RTTs measured. `final`: the end of a phase, where a value may be set even with nothing
   * measured (it then stays where it is).
   */
  recalculate(rtts: number[]): void {
    if (rtts.length === 0) return;
    this.recalculateFrom(Math.max(...rtts));
  }

  /** As recalculate(), given the largest RTT measured (undefined: none measured). */
  recalculateFrom(largest: number | undefined): void {
    if (largest === undefined) return;
    let next = Math.min(this.bounds.max, Math.max(this.bounds.min, largest));
    if (this.set && next < 0.9 * this.value) next = 0.9 * this.value;
    this.value = next;
    this.set = true;
  }
}

/** The RTT an echoed timestamp shows, at wall time `now` (ms). */
export function rttFrom(tsSec: number, tsUsec: number, nowWall: number): number {
  return Math.max(CLIENT_RTT_MIN, (nowWall - timestampToWall(tsSec, tsUsec)) / 1000);
}
