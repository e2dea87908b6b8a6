// One regular file's data phase as data: which blocks are still to be sent in this pass and where the pass
// is, with the file's read-ahead, packet builder, pacer and rate controller. transfer.ts drives it; this file
// knows nothing of the session's context, so the session state can hold one without importing its driver.
import { FileLayout } from '../session/layout';
import type { ClientRecord } from './clients';
import { DataPackets } from './data-packets';
import type { ServerKeys } from './group-keys';
import { dataPacketBytes } from './packet-size';
import { Pacer } from './pacer';
import { RateFinder } from './rate-finder';
import { ReadAhead } from './read-ahead';
import { TfmccSender } from './tfmcc';
import type { SendItem, ServerConfig } from './types';

/** What a file's transfer starts from: the session's settings and keys, and the moment's GRTT and receivers. */
export interface TransferStart {
  config: ServerConfig;
  keys?: ServerKeys;
  grtt: number;
  now: number;
  /** The receivers under way (TFMCC's first rate). */
  receivers: ClientRecord[];
  /** Hands a read buffer back once its blocks are sent. */
  recycle: (data: Uint8Array) => void;
}

export class Transfer {
  readonly layout: FileLayout;
  /** 1 = to be sent in this pass. */
  readonly toSend: Uint8Array;
  /** Blocks to send per read-ahead chunk, to skip stretches with nothing to send. */
  private readonly perChunk: Uint32Array;
  readonly reads: ReadAhead;
  readonly packets: DataPackets;
  readonly pacer: Pacer;
  /** Under -C tfmcc: the rate's controller. */
  readonly cc?: TfmccSender;
  /** Under -R -1: the rate the receivers keep up with. */
  readonly finder?: RateFinder;
  /** Bytes of a data packet on the wire. */
  readonly wire: number;
  /** -W: the whole seconds the file may take, and the wall-clock second it started in. */
  maxSeconds?: number;
  startSecond = 0;
  position = 0;
  pass = 1;
  endOfPass = false;
  gotNaks = false;
  /** Monotonic ms the rewind timer runs out (0: not running). */
  rewindAt = 0;
  doneAttempt = 1;
  lastSection = -1;
  /** A read the sending waits for. */
  waiting = false;
  firstPassBytes = 0;
  naksReceived = 0;
  readonly readIds = new Map<number, number>();
  /** For progress events: when the last went out, and the bytes sent by then (all passes). */
  progressAt = 0;
  progressBytes = 0;
  bytesSent = 0;
  rate = 0;

  constructor(start: TransferStart, readonly item: Extract<SendItem, { kind: 'file' }>, fileId: number, allPartial: boolean) {
    const { config } = start;
    this.layout = new FileLayout(item.size, config.blockSize);
    this.toSend = new Uint8Array(this.layout.blocks).fill(allPartial ? 0 : 1);
    this.reads = new ReadAhead(item.size, config.blockSize, start.recycle);
    this.perChunk = new Uint32Array(Math.ceil(this.layout.blocks / this.reads.blocksPerChunk) || 1);
    if (!allPartial) for (let b = 0; b < this.layout.blocks; b++) this.perChunk[this.reads.chunkOf(b)]++;
    if (allPartial) this.position = this.layout.blocks;
    const tfmcc = config.cc.type === 2;
    this.packets = new DataPackets({ uid: config.uid, groupId: config.groupId, groupInst: config.groupInst }, fileId, config.blockSize, tfmcc, start.keys);
    const wire = (this.wire = dataPacketBytes(config));
    this.pacer = new Pacer(config.rateKbps < 0 ? Infinity : (config.rateKbps * 1024) / 8, wire);
    if (config.cc.type === 2) {
      const kbps = (k?: number): number | undefined => (k === undefined ? undefined : (k * 1000) / 8);
      const bounds = { min: kbps(config.cc.minKbps), init: kbps(config.cc.initKbps), max: kbps(config.cc.maxKbps) };
      this.cc = new TfmccSender(wire, bounds, start.grtt, start.now, start.receivers, config.robust);
      this.pacer.setRate(this.cc.rate);
    } else if (config.rateKbps < 0) {
      this.finder = new RateFinder();
    }
  }

  mark(block: number): void {
    if (this.toSend[block] === 0) {
      this.toSend[block] = 1;
      this.perChunk[this.reads.chunkOf(block)]++;
    }
  }

  private unmark(block: number): void {
    this.toSend[block] = 0;
    this.perChunk[this.reads.chunkOf(block)]--;
  }

  /** The next block to send from the position, or -1 at the end of the pass. */
  nextBlock(): number {
    const blocks = this.layout.blocks;
    let b = this.position;
    while (b < blocks) {
      const chunk = this.reads.chunkOf(b);
      if (this.perChunk[chunk] === 0) {
        b = (chunk + 1) * this.reads.blocksPerChunk;
        continue;
      }
      if (this.toSend[b] === 1) return b;
      b++;
    }
    return -1;
  }

  /** Chunks with blocks to send from `block` on, for read-ahead. */
  *upcoming(block: number): Generator<number> {
    for (let chunk = this.reads.chunkOf(block); chunk < this.perChunk.length; chunk++) {
      if (this.perChunk[chunk] > 0) yield Math.max(block, chunk * this.reads.blocksPerChunk);
    }
  }

  sent(block: number): void {
    this.unmark(block);
    this.position = block + 1;
  }
}
