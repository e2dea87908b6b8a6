// Named one-shot timers at monotonic deadlines, one Node timer per name. Re-arming a name to a
// later deadline (a session's silence timeout pushed back on every packet) does not touch Node's
// timer: it fires at the old deadline, sees the new one and sleeps again.
export type MonotonicNow = () => number;

interface Entry {
  at: number;
  handle: NodeJS.Timeout;
  /** When the Node timer will wake up. */
  wakeAt: number;
}

export class TimerTable {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly fire: (id: string) => void,
    private readonly now: MonotonicNow = () => performance.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  set(id: string, at: number): void {
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.wakeAt <= at) {
      entry.at = at;
      return;
    }
    if (entry !== undefined) clearTimeout(entry.handle);
    this.entries.set(id, this.arm(id, at));
  }

  cancel(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    clearTimeout(entry.handle);
    this.entries.delete(id);
  }

  clear(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.handle);
    this.entries.clear();
  }

  private arm(id: string, at: number): Entry {
    const delay = Math.max(0, at - this.now());
    const handle = setTimeout(() => this.wake(id), delay);
    return { at, handle, wakeAt: this.now() + delay };
  }

  private wake(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    if (entry.at > this.now() + 1) {
      this.entries.set(id, this.arm(id, entry.at));
      return;
    }
    this.entries.delete(id);
    this.fire(id);
  }
}
