// State kept per source (an address, or an address and an ID) by the rate limits, for a bounded number of
// sources: anyone can make up new ones, so past the limit the least recently used is forgotten (its limit
// would be back to full soon anyway). A Map keeps insertion order, so moving a key to the end on each use
// keeps it least recently used first.
import { MAX_TRACKED_SOURCES } from './refusal-tally';

export class RecentSources<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly limit = MAX_TRACKED_SOURCES) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  /** Stores `value` as the most recently used; the least recently used source goes past the limit. */
  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
  }
}
