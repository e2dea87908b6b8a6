// An -I interface as the pages allow naming it: by name, by one of its addresses, or by a host name
// whose address is one of its addresses. Errors are UsageErrors naming the option.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { resolveInterface, type Family, type NetInterface } from '../../net';
import { UsageError } from '../exit';

/** The interface found, and the address it was named by (an IP literal, or a host name's address). */
export interface InterfaceChoice {
  iface: NetInterface;
  address?: string;
}

function byAddress(address: string, all: NetInterface[]): NetInterface | undefined {
  try {
    return resolveInterface(address, isIP(address) as Family, all);
  } catch {
    return undefined;
  }
}

export async function findInterface(opt: string, spec: string, all: NetInterface[]): Promise<InterfaceChoice> {
  if (isIP(spec) !== 0) {
    const iface = byAddress(spec, all);
    if (iface === undefined) throw new UsageError(`-${opt}: no interface has the address ${spec}`);
    return { iface, address: spec };
  }
  const named = all.find((i) => i.name === spec);
  if (named !== undefined) return { iface: named };
  let addresses: string[];
  try {
    addresses = (await lookup(spec, { all: true })).map((a) => a.address);
  } catch (err) {
    throw new UsageError(`-${opt}: no interface named '${spec}', nor a host name (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  for (const address of addresses) {
    const iface = byAddress(address, all);
    if (iface !== undefined) return { iface, address };
  }
  throw new UsageError(`-${opt}: ${spec} (${addresses.join(', ')}): no interface has that address`);
}

function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/**
 * An interface's address of a family: for IPv6 a global (or unique local) one before a link-local one,
 * which is what the real programs were seen to pick on an interface holding both.
 */
export function addressOf(iface: NetInterface, family: Family): string | undefined {
  const all = iface.addresses.filter((a) => a.family === family).map((a) => a.address);
  return all.find((a) => !isLinkLocal(a)) ?? all[0];
}
