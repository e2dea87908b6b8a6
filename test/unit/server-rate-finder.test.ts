import { RateFinder, type SendPoint } from '../../lib/server/rate-finder';

/** Sends at `bytesPerSec` from `from` to `to` ms in 1 ms steps. */
function sendAt(f: RateFinder, bytesPerSec: number, from: number, to: number): void {
  for (let t = from; t < to; t++) f.sent(t, bytesPerSec / 1000);
}

const at = (pass: number, section: number): SendPoint => ({ pass, section });

describe('RateFinder (-R -1)', () => {
  const grtt = 10;

  it('is unlimited until NAKs show overflow; chance loss changes nothing', () => {
    const f = new RateFinder();
    sendAt(f, 200e6, 0, 500);
    expect(f.rate(500, grtt)).toBe(Infinity);
    expect(f.loss(500, at(1, 0), 2, 1000, at(1, 3), grtt)).toBe(false); // 0.2%: noise
    expect(f.rate(500, grtt)).toBe(Infinity);
  });

  it('cuts below the rate that overflowed by the share lost, and grows back over 2 s', () => {
    const f = new RateFinder();
    sendAt(f, 200e6, 0, 500);
    expect(f.loss(500, at(1, 1), 100, 1000, at(1, 3), grtt)).toBe(true); // 10% lost
    expect(f.rate(500, grtt)).toBeCloseTo(200e6 * 0.9 * 0.9, -5);
    expect(f.rate(2500, grtt)).toBeCloseTo(2 * 200e6 * 0.81, -5);
  });

  it('NAKs of data sent before the cut cause no second cut; those of data sent after do', () => {
    const f = new RateFinder();
    sendAt(f, 200e6, 0, 500);
    f.loss(500, at(1, 1), 400, 1000, at(1, 3), grtt);
    const cut = f.rate(500, grtt);
    expect(f.loss(600, at(1, 3), 800, 1000, at(1, 5), grtt)).toBe(false); // section 3 was being sent at the cut
    expect(f.rate(600, grtt)).toBeGreaterThanOrEqual(cut);
    sendAt(f, cut, 600, 900);
    expect(f.loss(900, at(1, 4), 200, 1000, at(1, 6), grtt)).toBe(true);
    expect(f.rate(900, grtt)).toBeLessThan(cut);
    expect(f.loss(1000, at(2, 0), 200, 1000, at(2, 1), grtt)).toBe(true); // a later pass: sent after the cut
  });

  it('takes the fastest recent window, not one in which the sender stalled', () => {
    const f = new RateFinder();
    sendAt(f, 100e6, 0, 300);
    sendAt(f, 1e6, 300, 360); // a stall
    expect(f.loss(360, at(1, 0), 50, 1000, at(1, 1), grtt)).toBe(true);
    expect(f.rate(360, grtt)).toBeGreaterThan(80e6);
  });

  it('never goes below its floor', () => {
    const f = new RateFinder();
    sendAt(f, 1.5e6, 0, 500);
    f.loss(500, at(1, 0), 900, 1000, at(1, 1), grtt);
    expect(f.rate(500, grtt)).toBe(1_000_000);
  });
});
