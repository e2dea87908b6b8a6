// The daemons' statistics: one count per name (drop.crypto, ...), logged as one line when they stop.
export class Counters {
  private readonly counts = new Map<string, number>();

  add(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** "Counters: a=1, b=2" in name order, or "Counters: none". */
  line(): string {
    const summary = [...this.counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
    return `Counters: ${summary.length > 0 ? summary.join(', ') : 'none'}`;
  }
}
