// Refusals of unauthenticated first messages (forged ANNOUNCEs, REGISTERs), summed up for one log line per
// interval rather than a line per packet: how many for each reason, which sources sent most, and when the
// line is due. Its users word the line (lib/session/admission.ts, lib/server/admission.ts).

/** Refusals are summed up in one log line per this interval. */
export const REFUSAL_REPORT_MS = 10_000;
export const REFUSAL_REPORT_TIMER = 'admission-report';
/** Sources tallied (and remembered by the rate limits) at most. */
export const MAX_TRACKED_SOURCES = 4096;

export interface RefusalSummary<R extends string> {
  counts: Record<R, number>;
  /** The sources refused most, as 'address (n)', at most three. */
  busiest: string[];
}

export class RefusalTally<R extends string> {
  private counts: Record<R, number>;
  private readonly bySource = new Map<string, number>();
  private due: number | undefined;

  constructor(private readonly reasons: readonly R[]) {
    this.counts = this.none();
  }

  /** When the summary is due, while refusals wait for it. */
  get nextReport(): number | undefined {
    return this.due;
  }

  /** n refusals of `source` for `why`; the first since the last summary makes the next one due. */
  note(why: R, n: number, source: string, now: number): void {
    if (n <= 0) return;
    this.counts[why] += n;
    if (this.bySource.has(source) || this.bySource.size < MAX_TRACKED_SOURCES) this.bySource.set(source, (this.bySource.get(source) ?? 0) + n);
    this.due ??= now + REFUSAL_REPORT_MS;
  }

  /** The refusals since the last summary once it is due (`now` undefined: at once), counting afresh after it. */
  take(now?: number): RefusalSummary<R> | undefined {
    if (this.due === undefined || (now !== undefined && now < this.due)) return undefined;
    this.due = undefined;
    const busiest = [...this.bySource].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([s, n]) => `${s} (${n})`);
    const summary = { counts: this.counts, busiest };
    this.counts = this.none();
    this.bySource.clear();
    return summary;
  }

  private none(): Record<R, number> {
    return Object.fromEntries(this.reasons.map((r) => [r, 0])) as Record<R, number>;
  }
}
