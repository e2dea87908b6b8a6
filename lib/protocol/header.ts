// The 16-byte UFTP header (protocol.txt 5.2.1) that opens every packet.
import { UFTP_VERSION } from './constants';
import { Decoded, fail, ok } from './errors';

export const HEADER_LEN = 16;

export interface UftpHeader {
  version: number;
  func: number;
  seq: number;
  srcId: number;
  groupId: number;
  groupInst: number;
  /** Quantized GRTT byte (see quantize.ts). */
  grtt: number;
  /** Quantized group size byte (see quantize.ts). */
  gsize: number;
  reserved: number;
}

export function decodeHeader(packet: Uint8Array): Decoded<UftpHeader> {
  if (packet.length < HEADER_LEN) {
    return fail('length', `packet of ${packet.length} bytes is shorter than the ${HEADER_LEN}-byte UFTP header`);
  }
  const view = new DataView(packet.buffer, packet.byteOffset, HEADER_LEN);
  const version = view.getUint8(0);
  if (version !== UFTP_VERSION) {
    return fail('version', `UFTP ID 0x${version.toString(16)} is not 0x${UFTP_VERSION.toString(16)}`);
  }
  return ok({
    version,
    func: view.getUint8(1),
    seq: view.getUint16(2),
    srcId: view.getUint32(4),
    groupId: view.getUint32(8),
    groupInst: view.getUint8(12),
    grtt: view.getUint8(13),
    gsize: view.getUint8(14),
    reserved: view.getUint8(15),
  });
}

/** Writes the header at `offset` of `out` (which must have 16 bytes there). */
export function writeHeader(header: UftpHeader, out: Uint8Array, offset = 0): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, HEADER_LEN);
  view.setUint8(0, header.version);
  view.setUint8(1, header.func);
  view.setUint16(2, header.seq);
  view.setUint32(4, header.srcId >>> 0);
  view.setUint32(8, header.groupId >>> 0);
  view.setUint8(12, header.groupInst);
  view.setUint8(13, header.grtt);
  view.setUint8(14, header.gsize);
  view.setUint8(15, header.reserved);
}
