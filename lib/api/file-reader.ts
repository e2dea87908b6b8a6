// The server's reads of its own files, off the sending path: one descriptor kept open for the file being sent.
import { open, type FileHandle } from 'node:fs/promises';

/** Buffers kept for reuse: about the read-ahead's depth. Reusing them keeps a long file from piling up garbage. */
const POOL = 16;

export class FileReader {
  private current?: { path: string; handle: Promise<FileHandle> };
  private readonly pool: ArrayBuffer[] = [];

  /** A buffer handed out by read() and no longer used by anyone. */
  recycle(data: Uint8Array): void {
    if (this.pool.length < POOL && data.buffer instanceof ArrayBuffer) this.pool.push(data.buffer);
  }

  private buffer(length: number): Buffer {
    const i = this.pool.findIndex((b) => b.byteLength >= length);
    if (i < 0) return Buffer.alloc(length);
    const [found] = this.pool.splice(i, 1);
    return Buffer.from(found, 0, length);
  }

  /** Bytes [offset, offset + length) of `path` (fewer at its end). */
  async read(path: string, offset: number, length: number): Promise<Buffer> {
    // Switched synchronously: reads come several at a time, and each must find the one handle of its file.
    if (this.current?.path !== path) {
      const previous = this.current;
      this.current = { path, handle: open(path, 'r') };
      if (previous) void closeHandle(previous.handle);
    }
    const handle = await this.current.handle;
    const buf = this.buffer(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (current) await closeHandle(current.handle);
  }
}

/** Node's FileHandle.close waits for the reads still running on it. */
async function closeHandle(handle: Promise<FileHandle>): Promise<void> {
  await (await handle.catch(() => undefined))?.close().catch(() => undefined);
}
