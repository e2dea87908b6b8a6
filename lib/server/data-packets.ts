// FILESEG datagrams, built straight into a reused slab (plain) or sealed in ENCRYPTED: UFTP header, the
// FILESEG header (file ID, section, block in section), EXT_TFMCC_DATA_INFO under TFMCC, the block.
// Views into the slab are valid until the slab comes round again (256 packets later): the runner sends each
// batch at once, and asks for no more than that at a time (ServerInput 'writable').
import { HEADER_LEN, MessageType, UFTP_VERSION, encodeMessage, type Extension } from '../protocol';
import { put16, put32 } from '../protocol/bytes';
import { wrap } from '../protocol/encrypted';
import { nextIv } from '../session/registrant';
import type { ServerKeys } from './group-keys';

const FILESEG_FIXED = 8;
const TFMCC_EXT = 8;
const SLAB_PACKETS = 256;

export interface DataHeaderFields {
  seq: number;
  grtt: number;
  gsize: number;
  /** TFMCC: the send rate, CC sequence and CC rate (already quantized). */
  cc?: { sendRate: number; ccSeq: number; ccRate: number };
}

export class DataPackets {
  private slab: Buffer;
  private used = 0;
  private readonly packetBytes: number;

  constructor(
    private readonly session: { uid: number; groupId: number; groupInst: number },
    private readonly fileId: number,
    blockSize: number,
    private readonly tfmcc: boolean,
    private readonly keys?: ServerKeys,
  ) {
    this.packetBytes = HEADER_LEN + FILESEG_FIXED + (tfmcc ? TFMCC_EXT : 0) + blockSize;
    this.slab = Buffer.allocUnsafe(this.packetBytes * SLAB_PACKETS);
  }

  /** One FILESEG for `data` (block `blockNum` of `section`). */
  build(section: number, blockNum: number, data: Uint8Array, f: DataHeaderFields): Uint8Array {
    if (this.keys) return this.sealed(section, blockNum, data, f);
    if (this.used + this.packetBytes > this.slab.length) this.used = 0;
    const b = this.slab;
    const at = this.used;
    b[at] = UFTP_VERSION;
    b[at + 1] = MessageType.FILESEG;
    put16(b, at + 2, f.seq);
    put32(b, at + 4, this.session.uid);
    put32(b, at + 8, this.session.groupId);
    b[at + 12] = this.session.groupInst;
    b[at + 13] = f.grtt;
    b[at + 14] = f.gsize;
    b[at + 15] = 0;
    const m = at + HEADER_LEN;
    b[m] = MessageType.FILESEG;
    b[m + 1] = (FILESEG_FIXED + (this.tfmcc ? TFMCC_EXT : 0)) / 4;
    put16(b, m + 2, this.fileId);
    put16(b, m + 4, section);
    put16(b, m + 6, blockNum);
    let d = m + FILESEG_FIXED;
    if (this.tfmcc) {
      const cc = f.cc ?? { sendRate: 0, ccSeq: 0, ccRate: 0 };
      b[d] = 2; // EXT_TFMCC_DATA_INFO
      b[d + 1] = TFMCC_EXT / 4;
      put16(b, d + 2, cc.sendRate);
      put16(b, d + 4, cc.ccSeq);
      put16(b, d + 6, cc.ccRate);
      d += TFMCC_EXT;
    }
    b.set(data, d);
    const end = d + data.length;
    this.used = end;
    return b.subarray(at, end);
  }

  private sealed(section: number, blockNum: number, data: Uint8Array, f: DataHeaderFields): Uint8Array {
    const keys = this.keys!;
    const extensions: Extension[] = this.tfmcc && f.cc ? [{ kind: 'tfmccDataInfo', ...f.cc }] : [];
    const inner = encodeMessage({ type: MessageType.FILESEG, fileId: this.fileId, section, blockNum, extensions, data });
    const header = {
      version: UFTP_VERSION, func: MessageType.FILESEG, seq: f.seq, srcId: this.session.uid, groupId: this.session.groupId,
      groupInst: this.session.groupInst, grtt: f.grtt, gsize: f.gsize, reserved: 0,
    };
    return wrap(header, inner, keys.groupKeys, nextIv(keys), keys.config.sigType, keys.config.key.key);
  }
}
