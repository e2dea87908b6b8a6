// Replay protection by IV counter, one sliding window per sender ID (RFC 4303 3.4.3 style):
// a counter above the highest seen is new; one inside the window is new unless its bit is set;
// one below the window is too old. Only counters of authenticated packets are recorded.

export type ReplayVerdict = 'new' | 'seen' | 'too-old';

interface SenderWindow {
  highest: bigint;
  bits: Uint8Array;
}

export class ReplayWindow {
  private readonly senders = new Map<number, SenderWindow>();

  /** `size`: how far below the highest counter a late packet is still accepted. */
  constructor(readonly size = 1024) {
    if (!Number.isInteger(size) || size < 8 || size > 1 << 20) throw new RangeError(`replay window size ${size} out of range`);
  }

  check(senderId: number, counter: bigint): ReplayVerdict {
    const w = this.senders.get(senderId);
    if (w === undefined || counter > w.highest) return 'new';
    const behind = w.highest - counter;
    if (behind >= BigInt(this.size)) return 'too-old';
    return this.bit(w, counter) ? 'seen' : 'new';
  }

  /** Records a counter; call only after the packet authenticated. */
  accept(senderId: number, counter: bigint): void {
    let w = this.senders.get(senderId);
    if (w === undefined) {
      w = { highest: counter, bits: new Uint8Array(Math.ceil(this.size / 8)) };
      this.senders.set(senderId, w);
    } else if (counter > w.highest) {
      const ahead = counter - w.highest;
      if (ahead >= BigInt(this.size)) w.bits.fill(0);
      else for (let c = w.highest + 1n; c < counter; c++) this.setBit(w, c, false);
      w.highest = counter;
    } else if (w.highest - counter >= BigInt(this.size)) {
      return;
    }
    this.setBit(w, counter, true);
  }

  forget(senderId: number): void {
    this.senders.delete(senderId);
  }

  private index(counter: bigint): number {
    return Number(counter % BigInt(this.size));
  }

  private bit(w: SenderWindow, counter: bigint): boolean {
    const i = this.index(counter);
    return (w.bits[i >> 3] & (1 << (i & 7))) !== 0;
  }

  private setBit(w: SenderWindow, counter: bigint, on: boolean): void {
    const i = this.index(counter);
    if (on) w.bits[i >> 3] |= 1 << (i & 7);
    else w.bits[i >> 3] &= ~(1 << (i & 7));
  }
}
