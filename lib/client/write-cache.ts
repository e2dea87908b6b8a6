// Received blocks gathered before they are written (-c): a window of consecutive blocks in one buffer.
// A block inside the window is copied to its place; one outside it (the next stretch of the file, or a
// repaired block from an earlier pass) flushes the window and starts a new one there. A flush hands each
// run of consecutive blocks to the writer as a view of the old buffer, and the window takes a fresh one
// (from a WindowPool, where the daemon gives one: it reuses the old ones once their writes have ended):
// each datagram's data is copied once, into the buffer the write goes out from.
import type { WindowPool } from './window-pool';

export type WriteSink = (offset: number, data: Uint8Array) => void;

export class WriteCache {
  private buffer: Buffer;
  private readonly slots: number;
  private readonly present: Uint8Array;
  private base = 0;
  private count = 0;
  /** The slot holding the file's short last block, and its length (-1: none held). */
  private shortSlot = -1;
  private shortLength = 0;

  constructor(
    cacheBytes: number,
    private readonly blockSize: number,
    private readonly sink: WriteSink,
    private readonly pool?: WindowPool,
  ) {
    this.slots = Math.max(1, Math.floor(cacheBytes / blockSize));
    this.buffer = this.window();
    this.present = new Uint8Array(this.slots);
  }

  get held(): number {
    return this.count;
  }

  /** Takes a copy of `data` (block `block`, `data.length` bytes: less than a block only for the last one). */
  add(block: number, data: Uint8Array): void {
    let slot = block - this.base;
    if (slot < 0 || slot >= this.slots) {
      this.flush();
      this.base = block;
      slot = 0;
    }
    this.buffer.set(data, slot * this.blockSize);
    if (data.length !== this.blockSize) {
      this.shortSlot = slot;
      this.shortLength = data.length;
    }
    if (this.present[slot] === 0) {
      this.present[slot] = 1;
      this.count++;
    }
    if (this.count === this.slots) this.flush();
  }

  /** Writes out every run of blocks held, then empties the window. */
  flush(): void {
    if (this.count === 0) return;
    const old = this.buffer;
    let run = -1;
    for (let i = 0; i <= this.slots; i++) {
      const here = i < this.slots && this.present[i] !== 0;
      if (here && run < 0) run = i;
      if (!here && run >= 0) {
        const end = this.shortSlot >= run && this.shortSlot < i ? this.shortSlot * this.blockSize + this.shortLength : i * this.blockSize;
        const view = old.subarray(run * this.blockSize, end);
        this.pool?.writeStarted(view);
        this.sink((this.base + run) * this.blockSize, view);
        run = -1;
      }
    }
    this.present.fill(0);
    this.count = 0;
    this.shortSlot = -1;
    this.pool?.retire(old);
    this.buffer = this.window();
  }

  private window(): Buffer {
    const bytes = this.slots * this.blockSize;
    return this.pool ? this.pool.take(bytes) : Buffer.allocUnsafe(bytes);
  }
}
