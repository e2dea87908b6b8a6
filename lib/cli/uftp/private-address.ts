// -P: the private multicast address, where parts other than the first may be 'x', each drawn at random
// (0-255 for IPv4, 0-0xFFFF for IPv6) when the session starts. Default 230.5.5.x.
// The real uftp also replaces an 'x' in the first part ("-P x.5.5.5" became 93.5.5.5, not multicast),
// reads "230.5.x" the inet_aton way (230.5.0.N) and looks up anything else as a host name; ours takes
// a full address with 'x' parts only, and the address drawn must be multicast.
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { Family } from '../../net';
import { UsageError } from '../exit';

export const DEFAULT_PRIVATE_PATTERN = '230.5.5.x';

export interface PrivatePattern {
  text: string;
  family: Family;
}

/** A draw in [0, max]; crypto's by default, a fixed one in tests. */
export type DrawPart = (max: number) => number;

const drawRandom: DrawPart = (max) => randomInt(max + 1);

function fill(pattern: PrivatePattern, draw: (max: number) => string): string {
  if (pattern.family === 4) return pattern.text.split('.').map((p) => (p === 'x' ? draw(255) : p)).join('.');
  return pattern.text.split(':').map((p) => (p === 'x' ? draw(0xffff) : p)).join(':');
}

/** Checks the form; nothing is drawn yet. */
export function parsePrivatePattern(text: string): PrivatePattern {
  const bad = (why: string): never => {
    throw new UsageError(`-P: invalid private multicast address '${text}': ${why}`);
  };
  const v4 = text.split('.');
  const family: Family = text.includes(':') ? 6 : 4;
  if (family === 4) {
    if (v4.length !== 4 || v4.some((p) => p !== 'x' && !/^[0-9]{1,3}$/.test(p))) bad("want a dotted IPv4 address, with 'x' for a random part");
    if (v4.some((p) => p !== 'x' && Number(p) > 255)) bad('a part is above 255');
  }
  const first = family === 4 ? v4[0] : text.split(':')[0];
  if (first === 'x') bad("the first part cannot be 'x'");
  const pattern = { text, family };
  if (isIP(fill(pattern, () => '0')) !== family) bad(`not an IPv${family} address, with 'x' for a random part`);
  return pattern;
}

/** The address with its 'x' parts drawn. */
export function drawPrivateAddress(pattern: PrivatePattern, draw: DrawPart = drawRandom): string {
  return fill(pattern, (max) => (pattern.family === 4 ? String(draw(max)) : draw(max).toString(16)));
}
