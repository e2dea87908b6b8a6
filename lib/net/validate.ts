// Argument checks that name the argument and say what was wrong with it.
import { isIP } from 'node:net';
import type { Family } from './types';

export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${typeof value}`);
  return value;
}

export function checkFamily(value: unknown): Family {
  if (value !== 4 && value !== 6) throw new RangeError(`family must be 4 or 6, got ${String(value)}`);
  return value;
}

/** An IPv6 address may carry a scope: "fe80::1%eth0". */
function withoutScope(address: string): string {
  const percent = address.indexOf('%');
  return percent < 0 ? address : address.slice(0, percent);
}

/** `family` 'any': either (the peers of a dual-stack socket). */
export function checkAddress(name: string, value: unknown, family: Family | 'any'): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${typeof value}`);
  const ip = family !== 4 ? withoutScope(value) : value;
  if (family === 'any' ? isIP(ip) === 0 : isIP(ip) !== family) {
    throw new TypeError(`${name} '${value}' is not an ${family === 'any' ? 'IP' : `IPv${family}`} address`);
  }
  return value;
}

/** 224.0.0.0/4 or ff00::/8 (the first group of the IPv6 address is ffXX: "ff::1" is not multicast). */
export function isMulticast(address: string): boolean {
  if (address.includes(':')) return /^ff[0-9a-f]{2}:/i.test(address);
  const first = Number(address.split('.', 1)[0]);
  return first >= 224 && first <= 239;
}

export function checkGroup(value: unknown, family: Family | 'any'): string {
  const group = checkAddress('group', value, family);
  if (!isMulticast(group)) throw new TypeError(`group '${group}' is not an ${family === 'any' ? 'IP' : `IPv${family}`} multicast address`);
  return group;
}

export function checkData(name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array or Buffer`);
  return value;
}

export const MAX_BUFFER_BYTES = 100 * 1024 * 1024;
/** The largest send-queue limit (the addon takes a uint32). */
export const MAX_QUEUE_BYTES = 0xffffffff;
/** The receive slot that any UDP payload fits in. */
export const MAX_DATAGRAM_BYTES = 65536;
