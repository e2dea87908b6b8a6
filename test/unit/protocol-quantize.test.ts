// GRTT (RFC 5401 3.7.4) and group size quantizers, checked against what the real uftp 4.10.2 puts on the wire.
import { quantizeGrtt, quantizeGroupSize, unquantizeGrtt, unquantizeGroupSize } from '../../lib/protocol';

describe('GRTT', () => {
  test('the real uftp bytes: 0.5 s initial GRTT -> 0x9d, 10 ms floor -> 0x6a', () => {
    expect(quantizeGrtt(0.5)).toBe(0x9d);
    expect(quantizeGrtt(0.01)).toBe(0x6a);
  });

  test('every byte survives unquantize -> quantize', () => {
    for (let q = 0; q < 256; q++) expect([q, quantizeGrtt(unquantizeGrtt(q))]).toEqual([q, q]);
  });

  test('unquantize is increasing and rounds up (never under-estimates the RTT by more than a step)', () => {
    for (let q = 1; q < 256; q++) expect(unquantizeGrtt(q)).toBeGreaterThan(unquantizeGrtt(q - 1));
    for (const rtt of [2e-6, 3e-5, 1e-4, 0.0123, 0.2, 1.5, 30, 999]) {
      const back = unquantizeGrtt(quantizeGrtt(rtt));
      expect(back).toBeGreaterThanOrEqual(rtt * 0.999999);
      expect(back).toBeLessThan(rtt * 1.09);
    }
  });

  test('out of range values clamp to 1 us .. 1000 s', () => {
    expect(quantizeGrtt(0)).toBe(0);
    expect(quantizeGrtt(-3)).toBe(0);
    expect(quantizeGrtt(Number.NaN)).toBe(0);
    expect(quantizeGrtt(5000)).toBe(255);
    expect(unquantizeGrtt(255)).toBeCloseTo(1000, 6);
  });
});

describe('group size', () => {
  test('one client -> 0x18, as the real uftp sends once a client registered', () => {
    expect(quantizeGroupSize(1)).toBe(0x18);
    expect(quantizeGroupSize(0)).toBe(0);
  });

  test('mantissa in the high 5 bits, decimal exponent in the low 3, 10.0 scaled to 32', () => {
    expect(quantizeGroupSize(5)).toBe((16 << 3) | 0);
    expect(quantizeGroupSize(50)).toBe((16 << 3) | 1);
    expect(quantizeGroupSize(1000)).toBe((3 << 3) | 3);
  });

  test('round trip stays within the 5-bit precision, and the byte grows with the size', () => {
    let last = -1;
    for (let n = 1; n <= 100000; n = Math.ceil(n * 1.07)) {
      const back = unquantizeGroupSize(quantizeGroupSize(n));
      expect(Math.abs(back - n) / n).toBeLessThan(0.2);
      const value = unquantizeGroupSize(quantizeGroupSize(n));
      expect(value).toBeGreaterThanOrEqual(last);
      last = value;
    }
  });

  test('a mantissa that rounds to 32 carries into the exponent (99 -> 100)', () => {
    expect(quantizeGroupSize(99)).toBe(quantizeGroupSize(100));
    expect(unquantizeGroupSize(quantizeGroupSize(99))).toBeGreaterThan(90);
  });
});
