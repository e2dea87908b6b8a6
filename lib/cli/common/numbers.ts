// Numeric option values with range checks. Every error is a UsageError naming the option, the
// value and the accepted range, so "-B 100" says exactly what is wrong.
import { UsageError } from '../exit';

export interface IntRange {
  min: number;
  max: number;
  /** Also accept 0x-prefixed hexadecimal (the page says "decimal or hexadecimal"). */
  hex?: boolean;
  /** A leading 0 means octal, as C's strtol(..., 0) reads it (the real uftpd's -Q: "010" is 8). */
  octal?: boolean;
}

/** Ranges of the UFTP 4.10.2 pages (and -T of the 3.7 proxy page). */
export const RANGES = {
  port: { min: 1, max: 65535 },
  ttl: { min: 0, max: 255 },
  dscp: { min: 0, max: 63, hex: true },
  bufferSize: { min: 65536, max: 104857600 },
  maxLogSizeMb: { min: 1, max: 1024 },
  maxLogCount: { min: 1, max: 1000 },
  logLevel: { min: 0, max: 5 },
  nice: { min: -20, max: 19 },
  aggregationPct: { min: 10, max: 99 },
  heartbeatSec: { min: 1, max: 3600 },
  cacheSize: { min: 10240, max: 20971520 },
  rsaBits: { min: 512, max: 2048 },
} satisfies Record<string, IntRange>;

/** `-p 1044` → 1044; `what` names the quantity in errors ("port", "TTL"). */
export function parseInteger(opt: string, what: string, text: string, range: IntRange): number {
  const leadingZero = range.octal === true && /^0[0-9]+$/.test(text);
  const octal = leadingZero && /^0[0-7]+$/.test(text);
  const decimal = !leadingZero && /^[-+]?[0-9]+$/.test(text);
  const hex = range.hex === true && /^0x[0-9a-f]+$/i.test(text);
  const value = decimal ? Number(text) : hex ? parseInt(text.slice(2), 16) : octal ? parseInt(text, 8) : NaN;
  if (Number.isNaN(value)) {
    const form = range.hex === true ? `a decimal${range.octal === true ? ', 0 octal' : ''} or 0x hexadecimal integer` : 'an integer';
    throw new UsageError(`-${opt}: invalid ${what} '${text}': not ${form}`);
  }
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(`-${opt}: invalid ${what} '${text}': must be ${range.min}-${range.max}`);
  }
  return value;
}
