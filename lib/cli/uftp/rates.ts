// uftp's rate and timing values: -R and the -C tfmcc rates (Kbps), and -r (GRTT seconds).
// The real uftp reads rates with strtol base 0 (so "0x100" is 256 and "010" is 8) and GRTTs with atof,
// both accepting trailing junk; ours takes the same number forms and refuses the junk.
import { parseInteger, type IntRange } from '../common/numbers';
import { UsageError } from '../exit';

/** Rates the real uftp accepts: 1 Kbps to 2^30 Kbps (about 1 Tbps, 4.10's limit; one more is refused). */
export const RATE: IntRange = { min: 1, max: 1073741824, hex: true, octal: true };
/** -r values, seconds. */
export const GRTT_RANGE = { min: 0.001, max: 1000 };
export const DEFAULT_GRTT = { init: 0.5, min: 0.01, max: 15.0 };

export type CongestionOption = { type: 'none' } | { type: 'tfmcc'; minKbps?: number; initKbps?: number; maxKbps?: number };

export interface Grtt {
  init: number;
  min: number;
  max: number;
}

/** -R: Kbps, or -1 for "as fast as the interface allows". */
export function parseRate(text: string): number {
  if (text === '-1') return -1;
  return parseInteger('R', 'rate (Kbps, or -1)', text, RATE);
}

const TFMCC_KEYS = { min: 'minKbps', init: 'initKbps', max: 'maxKbps' } as const;

/** -C none | tfmcc[:min=R][:init=R][:max=R], the three in any order, each at most once. */
export function parseCongestion(text: string): CongestionOption {
  if (text === 'none') return { type: 'none' };
  const [type, ...items] = text.split(':');
  if (type !== 'tfmcc') throw new UsageError(`-C: invalid congestion control type '${text}': want none or tfmcc[:min=Kbps:init=Kbps:max=Kbps]`);
  const cc: CongestionOption = { type: 'tfmcc' };
  for (const item of items) {
    const m = /^(min|init|max)=(.*)$/.exec(item);
    if (m === null) throw new UsageError(`-C: invalid item '${item}' in '${text}': want min=, init= or max= with a rate in Kbps`);
    const key = TFMCC_KEYS[m[1] as keyof typeof TFMCC_KEYS];
    if (cc[key] !== undefined) throw new UsageError(`-C: ${m[1]} given twice in '${text}'`);
    cc[key] = parseInteger('C', `${m[1]} rate`, m[2], RATE);
  }
  const { minKbps: min, initKbps: init, maxKbps: max } = cc;
  if (min !== undefined && max !== undefined && min > max) throw new UsageError(`-C: min rate ${min} is above max rate ${max}`);
  if (init !== undefined && min !== undefined && init < min) throw new UsageError(`-C: init rate ${init} is below min rate ${min}`);
  if (init !== undefined && max !== undefined && init > max) throw new UsageError(`-C: init rate ${init} is above max rate ${max}`);
  return cc;
}

function seconds(what: string, text: string): number {
  if (!/^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(text)) throw new UsageError(`-r: invalid ${what} '${text}': not a decimal number of seconds`);
  const value = Number(text);
  if (value < GRTT_RANGE.min || value > GRTT_RANGE.max) {
    throw new UsageError(`-r: invalid ${what} '${text}': must be ${GRTT_RANGE.min}-${GRTT_RANGE.max}`);
  }
  return value;
}

/**
 * -r init[:min:max]. With all three, min <= init <= max (the real uftp's rule). With init alone the
 * defaults of min and max stay and init is not compared with them: the real uftp accepts -r 20 (above
 * the default max of 15) and -r 0.005 (below the default min), and starts with that GRTT.
 */
export function parseGrtt(text: string): Grtt {
  const parts = text.split(':');
  if (parts.length === 2) throw new UsageError(`-r: missing max_grtt in '${text}': want init or init:min:max`);
  if (parts.length > 3) throw new UsageError(`-r: too many values in '${text}': want init or init:min:max`);
  const init = seconds('init_grtt', parts[0]);
  if (parts.length === 1) return { ...DEFAULT_GRTT, init };
  const min = seconds('min_grtt', parts[1]);
  const max = seconds('max_grtt', parts[2]);
  if (min > max) throw new UsageError(`-r: min_grtt ${min} is above max_grtt ${max}`);
  if (init < min || init > max) throw new UsageError(`-r: init_grtt ${init} is outside min_grtt..max_grtt (${min}-${max})`);
  return { init, min, max };
}
