// The file's data, read ahead of the sending position in large chunks (the file is read by the runner, off
// the sending path). Chunks are whole numbers of blocks; those behind the position are let go, and a
// repair pass reads again only the chunks that hold blocks to resend.

export const CHUNK_TARGET_BYTES = 1 << 20;
const CHUNKS_AHEAD = 8;

export interface ReadRequest {
  chunk: number;
  offset: number;
  length: number;
}

export class ReadAhead {
  readonly blocksPerChunk: number;
  private readonly chunks = new Map<number, Uint8Array>();
  private readonly pending = new Set<number>();

  constructor(
    private readonly size: number,
    private readonly blockSize: number,
    /** Chunks let go of, for the runner to read into again. */
    private readonly recycle: (data: Uint8Array) => void = () => undefined,
  ) {
    this.blocksPerChunk = Math.max(1, Math.floor(CHUNK_TARGET_BYTES / blockSize));
  }

  chunkOf(block: number): number {
    return Math.floor(block / this.blocksPerChunk);
  }

  /** Block `block`'s bytes, or undefined when its chunk is not read yet. */
  block(block: number, length: number): Uint8Array | undefined {
    const chunk = this.chunks.get(this.chunkOf(block));
    if (!chunk) return undefined;
    const at = (block % this.blocksPerChunk) * this.blockSize;
    return chunk.subarray(at, at + length);
  }

  /** Reads to ask for: the chunks of the next blocks to send (`upcoming` gives block numbers in order). */
  wanted(upcoming: Iterable<number>): ReadRequest[] {
    const requests: ReadRequest[] = [];
    const seen = new Set<number>();
    for (const block of upcoming) {
      const chunk = this.chunkOf(block);
      if (seen.has(chunk)) continue;
      seen.add(chunk);
      if (seen.size > CHUNKS_AHEAD) break;
      if (this.chunks.has(chunk) || this.pending.has(chunk)) continue;
      this.pending.add(chunk);
      const offset = chunk * this.blocksPerChunk * this.blockSize;
      requests.push({ chunk, offset, length: Math.min(this.blocksPerChunk * this.blockSize, this.size - offset) });
    }
    return requests;
  }

  arrived(chunk: number, data: Uint8Array): void {
    this.pending.delete(chunk);
    this.chunks.set(chunk, data);
  }

  failed(chunk: number): void {
    this.pending.delete(chunk);
  }

  /** Lets go of chunks before `block`'s. */
  release(block: number): void {
    const keep = this.chunkOf(block);
    for (const [chunk, data] of this.chunks) {
      if (chunk >= keep) continue;
      this.chunks.delete(chunk);
      this.recycle(data);
    }
  }

  clear(): void {
    for (const data of this.chunks.values()) this.recycle(data);
    this.chunks.clear();
    this.pending.clear();
  }
}
