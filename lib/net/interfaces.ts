// Network interfaces as the kernel lists them, and lookup by name, index or address.
import { BlockList, isIP } from 'node:net';
import { loadAddon } from './native';
import type { Family, InterfaceSpec, NetInterface } from './types';

export function interfaces(): NetInterface[] {
  return loadAddon().interfaces();
}

/** Same address, whatever the spelling ("::1" and "0:0::1" match). */
function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  if (isIP(a) !== 6 || isIP(b) !== 6) return false;
  const one = new BlockList();
  one.addAddress(a, 'ipv6');
  return one.check(b, 'ipv6');
}

/**
 * An interface by index, name, or one of its addresses (of the given family).
 * Throws an Error naming what was not found.
 */
export function resolveInterface(spec: InterfaceSpec, family: Family, list: NetInterface[] = interfaces()): NetInterface {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1) throw new RangeError(`interface index must be a positive integer, got ${spec}`);
    const found = list.find((i) => i.index === spec);
    if (!found) throw new Error(`no interface with index ${spec}`);
    return found;
  }
  if (typeof spec !== 'string' || spec === '') throw new TypeError(`interface must be a name, an address or an index`);
  const ipFamily = isIP(spec);
  if (ipFamily === 0) {
    const found = list.find((i) => i.name === spec);
    if (!found) throw new Error(`no interface named '${spec}'`);
    return found;
  }
  if (ipFamily !== family) throw new Error(`interface address '${spec}' is not an IPv${family} address`);
  const found = list.find((i) => i.addresses.some((a) => a.family === family && sameAddress(a.address, spec)));
  if (!found) throw new Error(`no interface has the address '${spec}'`);
  return found;
}
