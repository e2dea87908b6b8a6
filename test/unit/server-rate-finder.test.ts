import { RateFinder } from '../../lib/server/rate-finder';

/** Sends at `bytesPerSec` from `from` to `to` ms in 1 ms steps. */
function sendAt(f: RateFinder, bytesPerSec: number, from: number, to: number): void {
  for (let t = from; t < to; t++) f.sent(t, bytesPerSec / 1000);
}

describe('RateFinder (-R -1)', () => {
  const grtt = 10;

  it('is unlimited until NAKs show overflow; chance loss changes nothing', () => {
    const f = new RateFinder();
    sendAt(f, 200e6, 0, 500);
    expect(f.rate(500, grtt)).toBe(Infinity);
    expect(f.loss(500, 2, 1000, grtt)).toBe(false); // 0.2%: noise
    expect(f.rate(500, grtt)).toBe(Infinity);
  });

  it('cuts below the rate that overflowed, by the share lost, holds, then grows back', () => {
    const f = new RateFinder();
    sendAt(f, 200e6, 0, 500);
    expect(f.loss(500, 100, 1000, grtt)).toBe(true); // 10% lost
    expect(f.rate(500, grtt)).toBeCloseTo(200e6 * 0.9 * 0.9, -5);
    expect(f.loss(510, 300, 1000, grtt)).toBe(false); // within the hold: data sent before the cut
    expect(f.rate(500 + 20 * grtt, grtt)).toBeCloseTo(2 * 200e6 * 0.81, -5); // doubled in 20 round trips
  });

  it('takes the fastest recent window, not one in which the sender stalled', () => {
    const f = new RateFinder();
    sendAt(f, 100e6, 0, 300);
    sendAt(f, 1e6, 300, 360); // a stall
    expect(f.loss(360, 50, 1000, grtt)).toBe(true);
    expect(f.rate(360, grtt)).toBeGreaterThan(80e6);
  });

  it('never goes below its floor', () => {
    const f = new RateFinder();
    sendAt(f, 1.5e6, 0, 500);
    f.loss(500, 900, 1000, grtt);
    expect(f.rate(500, grtt)).toBe(1_000_000);
  });
});
