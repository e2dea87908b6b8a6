// FILEINFO and FILEINFO_ACK (protocol.txt 5.2.9, 5.2.10). Names stay bytes: a path is whatever the sender's
// file system holds, and Node's fs takes Buffer paths as they are.
import { MessageType } from './constants';
import { allZero, pad4, put16, put24, put32, u16, u24, u32 } from './bytes';
import { fail, ok } from './errors';
import { Extension } from './extensions';
import { Codec, decodeIds, encodedHeaderLength, extensionsAfter, headerLength, writeFrame, writeIds } from './frame';

export const FILEINFO_ACK_PARTIAL = 0x01;

export interface FileInfo {
  type: MessageType.FILEINFO;
  fileId: number;
  fileType: number;
  reserved: number;
  /** File name without its NUL padding; '/' separates directories. */
  name: Buffer;
  /** Symbolic link target without padding; empty unless fileType is SYMLINK. */
  link: Buffer;
  /** 48-bit size in bytes. */
  size: number;
  fileTstamp: number;
  tsSec: number;
  tsUsec: number;
  extensions: readonly Extension[];
  clientIds: number[];
}

export interface FileInfoAck {
  type: MessageType.FILEINFO_ACK;
  fileId: number;
  /** PARTIAL 0x01. */
  flags: number;
  reserved: number;
  tsSec: number;
  tsUsec: number;
  extensions: readonly Extension[];
  clientIds: number[];
}

const FILEINFO_FIXED = 28;

/** A name field: the text, then NULs up to the next word, as nameFieldLength lays it out. */
function decodeName(b: Uint8Array, at: number, end: number, what: string): Buffer | string {
  let nul = at;
  while (nul < end && b[nul] !== 0) nul++;
  if (!allZero(b, nul, end)) return `FILEINFO ${what} has bytes after its terminating NUL`;
  const name = Buffer.from(b.buffer, b.byteOffset + at, nul - at);
  if (nameFieldLength(name) !== end - at) {
    return `FILEINFO ${what} field of ${end - at} bytes is not its ${nul - at} bytes plus NUL padding to a word`;
  }
  return name;
}

/** Field size in bytes of a name: NUL-padded to a word; a name of whole words gets no NUL (as the real uftp). */
export function nameFieldLength(name: Uint8Array): number {
  return pad4(name.length);
}

export const fileInfoCodec: Codec<FileInfo> = {
  decode(b) {
    const hlen = headerLength(b, FILEINFO_FIXED, 'FILEINFO');
    if (!hlen.ok) return hlen;
    const nameEnd = FILEINFO_FIXED + b[8] * 4;
    const linkEnd = nameEnd + b[9] * 4;
    if (linkEnd > hlen.value) return fail('length', `FILEINFO names end at ${linkEnd}, past the header length ${hlen.value}`);
    const name = decodeName(b, FILEINFO_FIXED, nameEnd, 'name');
    if (typeof name === 'string') return fail('field', name);
    const link = decodeName(b, nameEnd, linkEnd, 'link name');
    if (typeof link === 'string') return fail('field', link);
    const ext = extensionsAfter(b, linkEnd, hlen.value, 'FILEINFO');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'FILEINFO');
    if (!ids.ok) return ids;
    return ok({
      type: MessageType.FILEINFO, fileId: u16(b, 2), fileType: b[4], reserved: u24(b, 5),
      name: Buffer.from(name), link: Buffer.from(link), size: u16(b, 10) * 2 ** 32 + u32(b, 12),
      fileTstamp: u32(b, 16), tsSec: u32(b, 20), tsUsec: u32(b, 24), extensions: ext.value, clientIds: ids.value,
    });
  },
  length(m) {
    const varEnd = FILEINFO_FIXED + nameFieldLength(m.name) + nameFieldLength(m.link);
    return encodedHeaderLength(varEnd, m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    const nameLen = nameFieldLength(m.name);
    const linkLen = nameFieldLength(m.link);
    put16(out, off + 2, m.fileId);
    out[off + 4] = m.fileType;
    put24(out, off + 5, m.reserved);
    out[off + 8] = nameLen / 4;
    out[off + 9] = linkLen / 4;
    put16(out, off + 10, Math.floor(m.size / 2 ** 32));
    put32(out, off + 12, m.size % 2 ** 32);
    put32(out, off + 16, m.fileTstamp);
    put32(out, off + 20, m.tsSec);
    put32(out, off + 24, m.tsUsec);
    out.set(m.name, off + FILEINFO_FIXED);
    out.set(m.link, off + FILEINFO_FIXED + nameLen);
    const varEnd = FILEINFO_FIXED + nameLen + linkLen;
    writeIds(m.clientIds, out, writeFrame(MessageType.FILEINFO, varEnd, m.extensions, out, off));
  },
};

const FILEINFO_ACK_FIXED = 16;

export const fileInfoAckCodec: Codec<FileInfoAck> = {
  decode(b) {
    const hlen = headerLength(b, FILEINFO_ACK_FIXED, 'FILEINFO_ACK');
    if (!hlen.ok) return hlen;
    const ext = extensionsAfter(b, FILEINFO_ACK_FIXED, hlen.value, 'FILEINFO_ACK');
    if (!ext.ok) return ext;
    const ids = decodeIds(b, hlen.value, 'FILEINFO_ACK');
    if (!ids.ok) return ids;
    return ok({
      type: MessageType.FILEINFO_ACK, fileId: u16(b, 2), flags: b[4], reserved: u24(b, 5), tsSec: u32(b, 8),
      tsUsec: u32(b, 12), extensions: ext.value, clientIds: ids.value,
    });
  },
  length(m) {
    return encodedHeaderLength(FILEINFO_ACK_FIXED, m.extensions) + 4 * m.clientIds.length;
  },
  write(m, out, off) {
    put16(out, off + 2, m.fileId);
    out[off + 4] = m.flags;
    put24(out, off + 5, m.reserved);
    put32(out, off + 8, m.tsSec);
    put32(out, off + 12, m.tsUsec);
    writeIds(m.clientIds, out, writeFrame(MessageType.FILEINFO_ACK, FILEINFO_ACK_FIXED, m.extensions, out, off));
  },
};
