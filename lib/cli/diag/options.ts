// Option handling shared by the uftp_diag subcommands: strict parsing with util.parseArgs and
// value checks whose errors name the option, so a bad command line says exactly what is wrong.
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { Family, InterfaceSpec } from '../../net/types';
import { isMulticast } from '../common/addresses';
import { UsageError } from '../exit';

export interface OptionDef {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
}
export type OptionSpec = Record<string, OptionDef>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Options every subcommand takes. */
export const COMMON_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Where parseOptions puts the positional arguments of a subcommand that takes some. */
export const POSITIONALS = '_';

/**
 * Parses `args` strictly (unknown options, missing values and unexpected positionals are errors).
 * `positionals` names the positional arguments the subcommand takes; they land in values[POSITIONALS].
 */
export function parseOptions(args: string[], spec: OptionSpec, positionals: readonly string[] = []): OptionValues {
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    const allowPositionals = positionals.length > 0;
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...spec }, strict: true, allowPositionals }) as typeof parsed;
  } catch (err) {
    // parseArgs' own messages already name the option ("Unknown option '--foo'").
    throw new UsageError((err as Error).message);
  }
  if (positionals.length === 0) return parsed.values;
  const extra = parsed.positionals[positionals.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  return { ...parsed.values, [POSITIONALS]: parsed.positionals };
}

function stringValue(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  if (v === '') throw new UsageError(`--${name}: empty value`);
  return v;
}

export function optionalString(values: OptionValues, name: string): string | undefined {
  return stringValue(values, name);
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

interface IntRange {
  min: number;
  max: number;
}

/** An integer option within [min, max]; undefined when absent. */
export function intOption(values: OptionValues, name: string, range: IntRange): number | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name}: '${raw}' is not a non-negative integer`);
  return checkRange(name, raw, Number(raw), range);
}

function checkRange(name: string, raw: string, n: number, { min, max }: IntRange): number {
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name}: ${raw} is out of range ${min}..${max}`);
  }
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

/** A byte count: a plain integer or one with a binary unit suffix (8M = 8388608). */
export function sizeOption(values: OptionValues, name: string, range: IntRange): number | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  const m = /^(\d+)([kmg]?)$/i.exec(raw);
  if (!m) throw new UsageError(`--${name}: '${raw}' is not a byte count (e.g. 262144 or 8M)`);
  return checkRange(name, raw, Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()], range);
}

/** A duration in seconds (decimals allowed), returned in milliseconds. */
export function secondsOption(values: OptionValues, name: string): number | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new UsageError(`--${name}: '${raw}' is not a number of seconds`);
  return Math.round(Number(raw) * 1000);
}

/** An IP address option (v4 or v6), checked for syntax. */
export function addressOption(values: OptionValues, name: string): string | undefined {
  const raw = stringValue(values, name);
  if (raw !== undefined && isIP(raw) === 0) throw new UsageError(`--${name}: '${raw}' is not an IP address`);
  return raw;
}

/** A list of addresses given as repeated options and/or comma-separated ("S1,S2"). */
export function addressListOption(values: OptionValues, name: string): string[] {
  const raw = values[name];
  if (raw === undefined) return [];
  const items = (Array.isArray(raw) ? raw : [String(raw)]).flatMap((s) => s.split(','));
  for (const a of items) {
    if (isIP(a) === 0) throw new UsageError(`--${name}: '${a}' is not an IP address`);
  }
  return items;
}

/** `--if`: an interface name, address or index (all digits). */
export function interfaceOption(values: OptionValues, name = 'if'): InterfaceSpec | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

/**
 * The address family: --family if given, else the family of the addresses in use, else 4.
 * All must agree, so `--family 6 --to 239.1.1.1` is an error naming both.
 */
export function familyOption(values: OptionValues, addresses: Array<[option: string, address: string | undefined]>): Family {
  const raw = stringValue(values, 'family');
  if (raw !== undefined && raw !== '4' && raw !== '6') throw new UsageError(`--family: '${raw}' is not 4 or 6`);
  let family: Family | undefined = raw === undefined ? undefined : (Number(raw) as Family);
  let decidedBy = '--family';
  for (const [option, address] of addresses) {
    if (address === undefined) continue;
    const f = isIP(address) as Family;
    if (family !== undefined && f !== family) {
      throw new UsageError(`--${option}: '${address}' is IPv${f}, but ${decidedBy} asks for IPv${family}`);
    }
    family = f;
    decidedBy = `--${option}`;
  }
  return family ?? 4;
}

/** A port number; `min` is 1 where port 0 (any) makes no sense. */
export function portOption(values: OptionValues, name: string, min = 0): number | undefined {
  return intOption(values, name, { min, max: 65535 });
}

export function requiredPort(values: OptionValues, name: string, min = 0): number {
  const p = portOption(values, name, min);
  if (p === undefined) throw new UsageError(`--${name} is required`);
  return p;
}

/** Socket buffer requests: the addon accepts up to 100 MB. */
export const BUFFER_RANGE: IntRange = { min: 1, max: 100 * 1024 * 1024 };
export const DSCP_RANGE: IntRange = { min: 0, max: 63 };
export const TTL_RANGE: IntRange = { min: 0, max: 255 };

/** A group option's address must be multicast (224.0.0.0/4, ff00::/8). */
export function checkMulticast(name: string, address: string): void {
  if (!isMulticast(address)) throw new UsageError(`--${name}: '${address}' is not a multicast address`);
}

/** The wildcard address of a family, for bind(). */
export function anyAddress(family: Family): string {
  return family === 6 ? '::' : '0.0.0.0';
}
