// The server's file reading: chunks read ahead and let go of (ReadAhead), and the runner's reader that reads
// into let-go buffers again (FileReader).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileReader } from '../../lib/api/file-reader';
import { CHUNK_TARGET_BYTES, ReadAhead } from '../../lib/server/read-ahead';

describe('ReadAhead', () => {
  const blockSize = 1000;
  const perChunk = Math.floor(CHUNK_TARGET_BYTES / blockSize);

  it('asks for the chunks ahead once, serves blocks from them, and hands back those behind', () => {
    const recycled: Uint8Array[] = [];
    const size = perChunk * blockSize * 3 + 10;
    const reads = new ReadAhead(size, blockSize, (d) => recycled.push(d));
    const wanted = reads.wanted([0, perChunk, 2 * perChunk, 3 * perChunk]);
    expect(wanted.map((w) => [w.chunk, w.offset, w.length])).toEqual([
      [0, 0, perChunk * blockSize],
      [1, perChunk * blockSize, perChunk * blockSize],
      [2, 2 * perChunk * blockSize, perChunk * blockSize],
      [3, 3 * perChunk * blockSize, 10],
    ]);
    expect(reads.wanted([0])).toEqual([]); // pending: not asked again
    const chunks = wanted.map((w) => new Uint8Array(w.length).fill(w.chunk + 1));
    wanted.forEach((w, i) => reads.arrived(w.chunk, chunks[i]));
    expect(reads.block(perChunk + 1, blockSize)?.[0]).toBe(2);
    expect(reads.block(3 * perChunk, 10)?.length).toBe(10);
    reads.release(2 * perChunk);
    expect(recycled).toEqual([chunks[0], chunks[1]]);
    expect(reads.block(0, blockSize)).toBeUndefined();
    reads.clear();
    expect(recycled).toEqual(chunks);
  });
});

describe('FileReader', () => {
  it('reads ranges, short at the end, and reads into a recycled buffer again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'reader-'));
    const file = path.join(dir, 'data.bin');
    const bytes = randomBytes(3 * 4096 + 100);
    writeFileSync(file, bytes);
    const reader = new FileReader();
    const first = await reader.read(file, 0, 8192);
    expect(Buffer.compare(first, bytes.subarray(0, 8192))).toBe(0);
    reader.recycle(first);
    const again = await reader.read(file, 8192, 8192);
    expect(again.buffer).toBe(first.buffer);
    expect(Buffer.compare(again, bytes.subarray(8192))).toBe(0);
    expect(again.length).toBe(4196);
    await reader.close();
  });
});
