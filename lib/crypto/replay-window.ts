// Replay protection by IV counter, one sliding window per sender ID (RFC 4303 3.4.3 style):
// a counter above the highest seen is new; one inside the window is new unless its bit is set;
// one below the window is too old. Only counters of authenticated packets are recorded.
// Counters are 64-bit; the per-packet methods take them as two uint32 halves (hi, lo), so no BigInt
// is made per packet; check() and accept() take a bigint and split it.

export type ReplayVerdict = 'new' | 'seen' | 'too-old';

const TWO_32 = 0x100000000;
const TWO_32N = 0x100000000n;

interface SenderWindow {
  hi: number;
  lo: number;
  bits: Uint8Array;
}

/** a - b for counters as halves: exact while under 2^53 in size, and of the right sign always. */
function distance(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return (aHi - bHi) * TWO_32 + (aLo - bLo);
}

export class ReplayWindow {
  private readonly senders = new Map<number, SenderWindow>();
  /** 2^32 mod size, to place a counter in the bit ring from its halves. */
  private readonly wrap32: number;
  /** size - 1 when size is a power of two (then a counter's slot is lo & mask), else -1. */
  private readonly mask: number;
  /** The window looked up last: a run of packets from one sender skips the Map. */
  private lastId = -1;
  private last: SenderWindow | undefined;

  /** `size`: how far below the highest counter a late packet is still accepted. */
  constructor(readonly size = 1024) {
    if (!Number.isInteger(size) || size < 8 || size > 1 << 20) throw new RangeError(`replay window size ${size} out of range`);
    this.wrap32 = TWO_32 % size;
    this.mask = (size & (size - 1)) === 0 ? size - 1 : -1;
  }

  check(senderId: number, counter: bigint): ReplayVerdict {
    return this.checkParts(senderId, Number(counter / TWO_32N), Number(counter % TWO_32N));
  }

  /** Records a counter; call only after the packet authenticated. */
  accept(senderId: number, counter: bigint): void {
    this.acceptParts(senderId, Number(counter / TWO_32N), Number(counter % TWO_32N));
  }

  /** check() of the counter hi * 2^32 + lo (both uint32). */
  checkParts(senderId: number, hi: number, lo: number): ReplayVerdict {
    const w = this.find(senderId);
    if (w === undefined) return 'new';
    const behind = distance(w.hi, w.lo, hi, lo);
    if (behind < 0) return 'new';
    if (behind >= this.size) return 'too-old';
    const i = this.index(hi, lo);
    return (w.bits[i >> 3] & (1 << (i & 7))) !== 0 ? 'seen' : 'new';
  }

  /** accept() of the counter hi * 2^32 + lo (both uint32). */
  acceptParts(senderId: number, hi: number, lo: number): void {
    let w = this.find(senderId);
    if (w === undefined) {
      w = { hi, lo, bits: new Uint8Array(Math.ceil(this.size / 8)) };
      this.senders.set(senderId, w);
      this.last = w;
    } else {
      const ahead = distance(hi, lo, w.hi, w.lo);
      if (ahead > 0) {
        // The counters skipped between the old highest and this one have not been seen.
        if (ahead >= this.size) w.bits.fill(0);
        else for (let k = 1, i = this.index(w.hi, w.lo); k < ahead; k++) this.clearBit(w, (i + k) % this.size);
        w.hi = hi;
        w.lo = lo;
      } else if (-ahead >= this.size) {
        return;
      }
    }
    const i = this.index(hi, lo);
    w.bits[i >> 3] |= 1 << (i & 7);
  }

  forget(senderId: number): void {
    this.senders.delete(senderId);
    if (senderId === this.lastId) this.last = undefined;
  }

  private find(senderId: number): SenderWindow | undefined {
    if (senderId !== this.lastId || this.last === undefined) {
      this.lastId = senderId;
      this.last = this.senders.get(senderId);
    }
    return this.last;
  }

  /** The counter's slot in the ring: counter mod size. */
  private index(hi: number, lo: number): number {
    if (this.mask >= 0) return lo & this.mask;
    return ((hi % this.size) * this.wrap32 + (lo % this.size)) % this.size;
  }

  private clearBit(w: SenderWindow, i: number): void {
    w.bits[i >> 3] &= ~(1 << (i & 7));
  }
}
