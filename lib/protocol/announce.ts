// ANNOUNCE (protocol.txt 5.2.3): the server opens a session on the public address.
import { MessageType } from './constants';
import { put16, put32, u16, u32 } from './bytes';
import { ok } from './errors';
import { Extension } from './extensions';
import { Codec, decodeIds, encodedHeaderLength, extensionsAfter, headerLength, writeFrame, writeIds } from './frame';
import { formatIp, parseIp } from './ip';

export const ANNOUNCE_SYNC_MODE = 0x01;
export const ANNOUNCE_SYNC_PREVIEW = 0x02;
export const ANNOUNCE_IPV6 = 0x04;

export interface Announce {
  type: MessageType.ANNOUNCE;
  /** SYNC_MODE 0x01, SYNC_PREVIEW 0x02, IPV6 0x04 (which also sets the address size). */
  flags: number;
  robust: number;
  ccType: number;
  reserved: number;
  blockSize: number;
  tsSec: number;
  tsUsec: number;
  publicAddr: string;
  privateAddr: string;
  extensions: readonly Extension[];
  /** Closed group membership: the clients allowed in. */
  clientIds: number[];
}

const FIXED = 16;

function addrLen(flags: number): 4 | 16 {
  return flags & ANNOUNCE_IPV6 ? 16 : 4;
}

export const announceCodec: Codec<Announce> = {
  decode(b) {
    const a = b.length >= 3 ? addrLen(b[2]) : 4;
    const hlen = headerLength(b, FIXED + 2 * a, 'ANNOUNCE');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, FIXED + 2 * a, hlen.value, 'ANNOUNCE');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'ANNOUNCE');
    if (!ids.ok) return ids;
    return ok({
      type: MessageType.ANNOUNCE, flags: b[2], robust: b[3], ccType: b[4], reserved: b[5], blockSize: u16(b, 6),
      tsSec: u32(b, 8), tsUsec: u32(b, 12), publicAddr: formatIp(b, FIXED, a), privateAddr: formatIp(b, FIXED + a, a),
      extensions: ext.value, clientIds: ids.value,
    });
  },
  length(m) {
    return encodedHeaderLength(FIXED + 2 * addrLen(m.flags), m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    const a = addrLen(m.flags);
    out[off + 2] = m.flags;
    out[off + 3] = m.robust;
    out[off + 4] = m.ccType;
    out[off + 5] = m.reserved;
    put16(out, off + 6, m.blockSize);
    put32(out, off + 8, m.tsSec);
    put32(out, off + 12, m.tsUsec);
    writeAddr(m.publicAddr, a, out, off + FIXED);
    writeAddr(m.privateAddr, a, out, off + FIXED + a);
    writeIds(m.clientIds, out, writeFrame(MessageType.ANNOUNCE, FIXED + 2 * a, m.extensions, out, off));
  },
};

/** An address that does not parse, or is of the other family than the IPV6 flag says, is left as zeros. */
function writeAddr(text: string, len: 4 | 16, out: Uint8Array, off: number): void {
  const raw = parseIp(text);
  if (raw && raw.length === len) out.set(raw, off);
}
