// FILESEG datagrams, built straight into a reused slab, plain or sealed in ENCRYPTED: UFTP header, the
// FILESEG header (file ID, section, block in section), EXT_TFMCC_DATA_INFO under TFMCC, the block.
// Views into the slab are valid until the slab comes round again (256 packets later): the runner sends each
// batch at once, and asks for no more than that at a time (ServerInput 'writable').
import { HEADER_LEN, MessageType, UFTP_VERSION } from '../protocol';
import { put16, put32 } from '../protocol/bytes';
import { sealInto, wrap } from '../protocol/encrypted';
import { nextIv } from '../session/registrant';
import type { ServerKeys } from './group-keys';

const FILESEG_FIXED = 8;
const TFMCC_EXT = 8;
const SLAB_PACKETS = 256;
/** ENCRYPTED's head, the largest HMAC (SHA-512) and the most a cipher adds (a CBC pad block or a tag). */
const SEALED_EXTRA = 12 + 64 + 16;

export interface DataHeaderFields {
  seq: number;
  grtt: number;
  gsize: number;
  /** TFMCC: the send rate, CC sequence and CC rate (already quantized). */
  cc?: { sendRate: number; ccSeq: number; ccRate: number };
}

export class DataPackets {
  private readonly slab: Buffer;
  private used = 0;
  /** Room for one packet in the slab: the largest sealed form (signature and padding or tag) included. */
  private readonly slot: number;
  /** The FILESEG message of a sealed packet, before it is sealed into the slab. */
  private readonly inner: Buffer;

  constructor(
    private readonly session: { uid: number; groupId: number; groupInst: number },
    private readonly fileId: number,
    blockSize: number,
    private readonly tfmcc: boolean,
    private readonly keys?: ServerKeys,
  ) {
    const message = FILESEG_FIXED + (tfmcc ? TFMCC_EXT : 0) + blockSize;
    this.slot = HEADER_LEN + (keys ? SEALED_EXTRA : 0) + message;
    this.slab = Buffer.allocUnsafe(this.slot * SLAB_PACKETS);
    this.inner = Buffer.allocUnsafe(message);
  }

  /** One FILESEG for `data` (block `blockNum` of `section`). */
  build(section: number, blockNum: number, data: Uint8Array, f: DataHeaderFields): Uint8Array {
    if (this.used + this.slot > this.slab.length) this.used = 0;
    const at = this.used;
    if (this.keys) return this.sealed(at, section, blockNum, data, f);
    const b = this.slab;
    b[at] = UFTP_VERSION;
    b[at + 1] = MessageType.FILESEG;
    put16(b, at + 2, f.seq);
    put32(b, at + 4, this.session.uid);
    put32(b, at + 8, this.session.groupId);
    b[at + 12] = this.session.groupInst;
    b[at + 13] = f.grtt;
    b[at + 14] = f.gsize;
    b[at + 15] = 0;
    const end = this.message(b, at + HEADER_LEN, section, blockNum, data, f);
    this.used = end;
    return b.subarray(at, end);
  }

  /** The FILESEG message (no UFTP header) written at `m`; answers its end. */
  private message(b: Buffer, m: number, section: number, blockNum: number, data: Uint8Array, f: DataHeaderFields): number {
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
    return d + data.length;
  }

  /** Sealed into the slab by the native cipher context; KEYEX signatures (and no native crypto) take wrap(). */
  private sealed(at: number, section: number, blockNum: number, data: Uint8Array, f: DataHeaderFields): Uint8Array {
    const keys = this.keys!;
    const header = {
      version: UFTP_VERSION, func: MessageType.FILESEG, seq: f.seq, srcId: this.session.uid, groupId: this.session.groupId,
      groupInst: this.session.groupInst, grtt: f.grtt, gsize: f.gsize, reserved: 0,
    };
    const counter = nextIv(keys);
    const plain = this.inner.subarray(0, this.message(this.inner, 0, section, blockNum, data, f));
    const hi = Number(BigInt.asUintN(32, counter >> 32n));
    const lo = Number(BigInt.asUintN(32, counter));
    const end = sealInto(this.slab, at, header, plain, keys.groupKeys, hi, lo, keys.config.sigType);
    if (end >= 0) {
      this.used = end;
      return this.slab.subarray(at, end);
    }
    return wrap(header, plain, keys.groupKeys, counter, keys.config.sigType, keys.config.key.key);
  }
}
