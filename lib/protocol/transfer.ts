// File transfer and completion: FILESEG, DONE, STATUS, COMPLETE, DONE_CONF (protocol.txt 5.2.11-5.2.15).
import { MessageType } from './constants';
import { put16, put24, u16, u24 } from './bytes';
import { Decoded, ok } from './errors';
import { Extension, NO_EXTENSIONS } from './extensions';
import { Codec, decodeIds, encodedHeaderLength, extensionsAfter, headerLength, writeFrame, writeIds } from './frame';

export interface FileSeg {
  type: MessageType.FILESEG;
  fileId: number;
  section: number;
  blockNum: number;
  extensions: readonly Extension[];
  /** The block: a view into the datagram, not a copy. */
  data: Uint8Array;
}

export interface Done {
  type: MessageType.DONE;
  /** 0 starts the Completion/Confirmation phase. */
  fileId: number;
  section: number;
  reserved: number;
  extensions: readonly Extension[];
  clientIds: number[];
}

export interface Status {
  type: MessageType.STATUS;
  fileId: number;
  section: number;
  reserved: number;
  extensions: readonly Extension[];
  /** NAK bitmap of the section's blocks; a view into the datagram. */
  naks: Uint8Array;
}

export interface Complete {
  type: MessageType.COMPLETE;
  fileId: number;
  status: number;
  reserved: number;
  extensions: readonly Extension[];
  clientIds: number[];
}

export interface DoneConf {
  type: MessageType.DONE_CONF;
  reserved: number;
  extensions: readonly Extension[];
  clientIds: number[];
}

const FILESEG_FIXED = 8;

/** Hot path: fixed offsets, no extension parsing unless the header is longer than 8 bytes. */
export function decodeFileSeg(b: Uint8Array): Decoded<FileSeg> {
  const hlen = b.length >= FILESEG_FIXED ? b[1] << 2 : -1;
  if (hlen === FILESEG_FIXED) {
    return {
      ok: true,
      value: {
        type: MessageType.FILESEG, fileId: (b[2] << 8) | b[3], section: (b[4] << 8) | b[5],
        blockNum: (b[6] << 8) | b[7], extensions: NO_EXTENSIONS, data: b.subarray(FILESEG_FIXED),
      },
    };
  }
  const h = headerLength(b, FILESEG_FIXED, 'FILESEG');
  if (!h.ok) return h;
  const ext = extensionsAfter(b, FILESEG_FIXED, h.value, 'FILESEG');
  if (!ext.ok) return ext;
  return ok({
    type: MessageType.FILESEG, fileId: u16(b, 2), section: u16(b, 4), blockNum: u16(b, 6),
    extensions: ext.value, data: b.subarray(h.value),
  });
}

export const fileSegCodec: Codec<FileSeg> = {
  decode: decodeFileSeg,
  length(m) {
    return encodedHeaderLength(FILESEG_FIXED, m.extensions) + m.data.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.fileId);
    put16(out, off + 4, m.section);
    put16(out, off + 6, m.blockNum);
    out.set(m.data, writeFrame(MessageType.FILESEG, FILESEG_FIXED, m.extensions, out, off));
  },
};

export const doneCodec: Codec<Done> = {
  decode(b) {
    const hlen = headerLength(b, 8, 'DONE');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 8, hlen.value, 'DONE');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'DONE');
    if (!ids.ok) return ids;
    return ok({
      type: MessageType.DONE, fileId: u16(b, 2), section: u16(b, 4), reserved: u16(b, 6),
      extensions: ext.value, clientIds: ids.value,
    });
  },
  length(m) {
    return encodedHeaderLength(8, m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.fileId);
    put16(out, off + 4, m.section);
    put16(out, off + 6, m.reserved);
    writeIds(m.clientIds, out, writeFrame(MessageType.DONE, 8, m.extensions, out, off));
  },
};

export const statusCodec: Codec<Status> = {
  decode(b) {
    const hlen = headerLength(b, 8, 'STATUS');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 8, hlen.value, 'STATUS');
    if (!ext.ok) return ext;
    return ok({
      type: MessageType.STATUS, fileId: u16(b, 2), section: u16(b, 4), reserved: u16(b, 6),
      extensions: ext.value, naks: b.subarray(hlen.value),
    });
  },
  length(m) {
    return encodedHeaderLength(8, m.extensions) + m.naks.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.fileId);
    put16(out, off + 4, m.section);
    put16(out, off + 6, m.reserved);
    out.set(m.naks, writeFrame(MessageType.STATUS, 8, m.extensions, out, off));
  },
};

/** True when block `i` of the section is NAKed: block i is bit (i % 8), counted from the low bit, of byte i / 8. */
export function isNaked(naks: Uint8Array, i: number): boolean {
  return i >= 0 && i >> 3 < naks.length && (naks[i >> 3] & (1 << (i & 7))) !== 0;
}

/** The NAKed block numbers of a bitmap. */
export function nakedBlocks(naks: Uint8Array): number[] {
  const blocks: number[] = [];
  for (let i = 0; i < naks.length * 8; i++) if (isNaked(naks, i)) blocks.push(i);
  return blocks;
}

export const completeCodec: Codec<Complete> = {
  decode(b) {
    const hlen = headerLength(b, 8, 'COMPLETE');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 8, hlen.value, 'COMPLETE');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'COMPLETE');
    if (!ids.ok) return ids;
    return ok({
      type: MessageType.COMPLETE, fileId: u16(b, 2), status: b[4], reserved: u24(b, 5),
      extensions: ext.value, clientIds: ids.value,
    });
  },
  length(m) {
    return encodedHeaderLength(8, m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.fileId);
    out[off + 4] = m.status;
    put24(out, off + 5, m.reserved);
    writeIds(m.clientIds, out, writeFrame(MessageType.COMPLETE, 8, m.extensions, out, off));
  },
};

export const doneConfCodec: Codec<DoneConf> = {
  decode(b) {
    const hlen = headerLength(b, 4, 'DONE_CONF');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, 4, hlen.value, 'DONE_CONF');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'DONE_CONF');
    if (!ids.ok) return ids;
    return ok({ type: MessageType.DONE_CONF, reserved: u16(b, 2), extensions: ext.value, clientIds: ids.value });
  },
  length(m) {
    return encodedHeaderLength(4, m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.reserved);
    writeIds(m.clientIds, out, writeFrame(MessageType.DONE_CONF, 4, m.extensions, out, off));
  },
};

