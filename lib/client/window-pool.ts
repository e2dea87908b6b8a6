// The write cache's windows (a buffer of -c bytes each), reused. A full window goes out as views of it,
// one write per run of blocks, and the cache takes another; the old one may be filled again only once
// every one of those writes has ended. Without reuse each finished window is garbage, and the collector
// comes seldom when the receive path allocates little else: with coalesced receiving, 47-54 MiB of
// finished windows were seen waiting for it (bench:chain). The write cache counts a write as it hands it
// out, the daemon's file executor when it has ended, however it ended; a write that is never carried out only
// keeps its window from coming back (it is then the collector's, as before).

/** Bytes of windows kept for reuse, per size (two windows at least: -c goes up to 20 MiB). */
const KEEP_BYTES = 8 * 1024 * 1024;

export class WindowPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly writes = new WeakMap<ArrayBufferLike, number>();
  private readonly retired = new WeakSet<ArrayBufferLike>();
  private readonly ours = new WeakSet<ArrayBufferLike>();

  /** A window of `bytes`: a reused one if there is one. */
  take(bytes: number): Buffer {
    const spare = this.free.get(bytes)?.pop();
    if (spare !== undefined) return Buffer.from(spare, 0, bytes);
    const fresh = Buffer.allocUnsafeSlow(bytes); // a backing store of its own, never Node's shared pool
    this.ours.add(fresh.buffer);
    return fresh;
  }

  /** A write of (a view of) a window is handed out (by the write cache). */
  writeStarted(data: Uint8Array): void {
    if (this.ours.has(data.buffer)) this.writes.set(data.buffer, (this.writes.get(data.buffer) ?? 0) + 1);
  }

  /** That write has ended (done or failed). */
  writeEnded(data: Uint8Array): void {
    const store = data.buffer;
    const left = (this.writes.get(store) ?? 0) - 1;
    if (left > 0) {
      this.writes.set(store, left);
      return;
    }
    this.writes.delete(store);
    if (this.retired.has(store)) this.release(store);
  }

  /** The cache is done with the window: it comes back once its writes have ended (now, if none is left). */
  retire(window: Uint8Array): void {
    const store = window.buffer;
    if (!this.ours.has(store)) return;
    if ((this.writes.get(store) ?? 0) > 0) this.retired.add(store);
    else this.release(store);
  }

  private release(store: ArrayBufferLike): void {
    this.retired.delete(store);
    const list = this.free.get(store.byteLength) ?? [];
    if (list.length < Math.max(2, Math.floor(KEEP_BYTES / store.byteLength))) list.push(store as ArrayBuffer);
    this.free.set(store.byteLength, list);
  }
}
