// The test datagrams of `uftp_diag send`: a magic, a sequence number and a filler derived from it,
// so a receiver can tell order, loss and corruption from the bytes alone.
//   bytes 0-3  "UDIG"
//   bytes 4-7  sequence number, big-endian
//   bytes 8-   filler: byte i holds (seq + i) & 0xff

const MAGIC = 0x55444947; // "UDIG"
export const PAYLOAD_MIN = 8;

// The filler of any seq is a window of one 0,1,...,255,0,1,... ramp, so it is copied, not computed:
// a fast sender must not spend a loop per byte.
let ramp = Buffer.alloc(0);

function rampFor(length: number): Buffer {
  if (ramp.length < length + 256) {
    ramp = Buffer.alloc(length + 256);
    for (let i = 0; i < ramp.length; i++) ramp[i] = i & 0xff;
  }
  return ramp;
}

function fillerOf(seq: number, length: number): Buffer {
  const start = (seq & 0xff) + PAYLOAD_MIN;
  return rampFor(length).subarray(start, start + length - PAYLOAD_MIN);
}

/** Writes the payload of datagram `seq` over the whole of `out` (at least PAYLOAD_MIN bytes). */
export function writePayload(out: Buffer, seq: number): void {
  out.writeUInt32BE(MAGIC, 0);
  out.writeUInt32BE(seq >>> 0, 4);
  fillerOf(seq, out.length).copy(out, PAYLOAD_MIN);
}

/** The sequence number of an intact test payload, or null for anything else. */
export function readPayload(data: Uint8Array): number | null {
  if (data.length < PAYLOAD_MIN) return null;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  if (buf.readUInt32BE(0) !== MAGIC) return null;
  const seq = buf.readUInt32BE(4);
  return fillerOf(seq, buf.length).equals(buf.subarray(PAYLOAD_MIN)) ? seq : null;
}
