// The two one-byte quantizers of the UFTP header (protocol.txt 5.2.1).

const RTT_MIN = 1e-6;
const RTT_MAX = 1000;

/** GRTT seconds -> byte, as RFC 5401 section 3.7.4 encodes it (1 us .. 1000 s, log scale above 33 us). */
export function quantizeGrtt(seconds: number): number {
  const rtt = Number.isNaN(seconds) ? RTT_MIN : Math.min(RTT_MAX, Math.max(RTT_MIN, seconds));
  if (rtt < 3.3e-5) return Math.max(0, Math.floor(rtt / RTT_MIN + 1e-9) - 1);
  // The epsilon keeps unquantized values on their own step despite rounding in log/exp.
  return Math.min(255, Math.ceil(255 - 13 * Math.log(RTT_MAX / rtt) - 1e-9));
}

/** GRTT byte -> seconds (the inverse of quantizeGrtt, RFC 5401 section 3.7.4). */
export function unquantizeGrtt(q: number): number {
  const b = q & 0xff;
  return b <= 31 ? (b + 1) * RTT_MIN : RTT_MAX / Math.exp((255 - b) / 13);
}

/**
 * Group size -> byte: 5-bit mantissa (high bits) and 3-bit decimal exponent (low bits); the mantissa is
 * the leading digits scaled so 0.0 -> 0 and 10.0 -> 32. 1 client -> 0x18, as the real uftp sends.
 * A mantissa that rounds up to 32 moves to the next exponent.
 */
export function quantizeGroupSize(size: number): number {
  if (!(size >= 1)) return 0;
  let exp = Math.floor(Math.log10(size));
  let mant = Math.round((size / 10 ** exp) * 3.2);
  if (mant >= 32) { exp++; mant = Math.round(3.2); }
  if (exp > 7) return 0xff;
  return (mant << 3) | exp;
}

/** Group size byte -> approximate number of clients. */
export function unquantizeGroupSize(q: number): number {
  const mant = (q & 0xff) >> 3;
  const exp = q & 7;
  return Math.round((mant / 3.2) * 10 ** exp);
}

/**
 * Rate in bytes/s -> the 16-bit float of TFMCC fields (RFC 5740): a 12-bit mantissa in the high bits, scaled
 * so 10.0 is 4096, and a 4-bit decimal exponent in the low bits. A mantissa that rounds past 12 bits moves to
 * the next exponent.
 */
export function quantizeRate(bytesPerSec: number): number {
  let m = Number.isFinite(bytesPerSec) && bytesPerSec > 0 ? bytesPerSec : 0;
  let e = 0;
  while (m > 10) {
    m /= 10;
    e++;
  }
  let mant = Math.round((m * 4096) / 10);
  if (mant > 0xfff) {
    m /= 10;
    e++;
    mant = Math.round((m * 4096) / 10);
  }
  return e > 15 ? 0xffff : ((mant << 4) | e) & 0xffff;
}

/** The 16-bit rate float -> bytes/s (capped at 2^32 - 1, as the real programs keep it in 32 bits). */
export function unquantizeRate(q: number): number {
  const e = q & 0xf;
  const rate = ((q & 0xffff) >> 4) * (10 / 4096) * 10 ** e;
  return Math.min(Math.floor(rate), 0xffffffff);
}
