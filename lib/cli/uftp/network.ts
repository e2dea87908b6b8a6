// Where uftp sends: -M resolved (multicast, or one unicast receiver), -P drawn, the -I interface and the
// address to send from, and the server's unique ID (-U, else from an interface address by the programs'
// rule). Errors are UsageErrors: the real uftp exits 2 for several of them ("IP version mismatch between
// public and private addresses"), ours reports them with the rest of the command line (exit 1).
import { isIP } from 'node:net';
import type { Family, NetInterface } from '../../net';
import { isMulticast, resolveHost, uidOfAddress } from '../common/addresses';
import { addressOf, findInterface } from '../common/interfaces';
import { UsageError } from '../exit';
import type { UftpOptions } from './options';
import { DEFAULT_PRIVATE_PATTERN, drawPrivateAddress, parsePrivatePattern, type DrawPart } from './private-address';

export interface UftpNetwork {
  /** The IP version of -M, -P and the socket. */
  family: Family;
  /** -M resolved: a multicast group, or the one receiver of a unicast session. */
  publicAddress: string;
  /** -M is unicast: all traffic goes to it; -P and -t do not apply. */
  unicast: boolean;
  /** -P with its 'x' parts drawn (multicast); the -M address with a unicast -M. */
  privateAddress: string;
  /** -I; undefined = the system's choice of interface. */
  interface?: NetInterface;
  /** -I's address of `family`: the address to send from (IP_MULTICAST_IF for IPv4). */
  sourceAddress?: string;
  /** -U, else taken from `uidSource` by the real programs' rule (IPv6: last 4 bytes reversed). */
  uid: number;
  uidSource?: string;
  /** Options that have no effect as given. */
  warnings: string[];
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || (isIP(address) === 6 && /^[0:]+$/.test(address));
}

async function publicAddressOf(text: string): Promise<string> {
  const address = await resolveHost('M', text, 'any');
  if (isUnspecified(address)) throw new UsageError(`-M: ${text} is the unspecified address: give a multicast group or a receiver's address`);
  return address;
}

/** -P for a multicast -M: the same family, 'x' parts drawn, multicast. */
function privateAddressOf(o: UftpOptions, family: Family, draw?: DrawPart): string {
  if (family === 6 && o.privateAddress === undefined) throw new UsageError(`-M ${o.publicAddress} is IPv6 multicast: give -P (the default ${DEFAULT_PRIVATE_PATTERN} is IPv4)`);
  const pattern = o.privateAddress ?? parsePrivatePattern(DEFAULT_PRIVATE_PATTERN);
  if (pattern.family !== family) throw new UsageError(`-P ${pattern.text} and -M ${o.publicAddress} are of different IP versions`);
  const address = drawPrivateAddress(pattern, draw);
  if (!isMulticast(address)) throw new UsageError(`-P: ${pattern.text} gives ${address}, which is not a multicast address`);
  return address;
}

/** -I: the interface, and its address of -M's family (the one -I named, if it named one). */
async function chosenInterface(spec: string, family: Family, unicast: boolean, all: NetInterface[]): Promise<{ iface: NetInterface; source: string }> {
  const { iface, address } = await findInterface('I', spec, all);
  if (!iface.up) throw new UsageError(`-I: ${spec}: interface ${iface.name} is down`);
  if (!unicast && !iface.multicast) throw new UsageError(`-I: ${spec}: interface ${iface.name} is not multicast-capable`);
  if (address !== undefined) {
    if (isIP(address) !== family) throw new UsageError(`-I: ${spec} (${address}) is not an IPv${family} address, as -M is`);
    return { iface, source: address };
  }
  const source = addressOf(iface, family);
  if (source === undefined) throw new UsageError(`-I: interface ${iface.name} has no IPv${family} address (-M is IPv${family})`);
  return { iface, source };
}

/**
 * The address the default ID comes from without -I: the first interface that is up, not loopback
 * (multicast-capable for a multicast -M) and has an address of the family, as the real uftp was seen to
 * take; for a unicast -M a loopback interface is the last resort (sending to 127.0.0.1).
 */
function defaultSource(family: Family, unicast: boolean, all: NetInterface[]): string | undefined {
  const usable = all.filter((i) => i.up && (unicast || i.multicast) && addressOf(i, family) !== undefined);
  const iface = usable.find((i) => !i.loopback) ?? (unicast ? usable[0] : undefined);
  return iface && addressOf(iface, family);
}

export async function resolveNetwork(o: UftpOptions, all: NetInterface[], draw?: DrawPart): Promise<UftpNetwork> {
  const publicAddress = await publicAddressOf(o.publicAddress);
  const family = isIP(publicAddress) as Family;
  const unicast = !isMulticast(publicAddress);
  const warnings: string[] = [];
  let privateAddress = publicAddress;
  if (unicast) {
    if (o.privateAddress !== undefined) warnings.push(`-P ${o.privateAddress.text} is ignored: -M ${o.publicAddress} is a unicast address`);
  } else privateAddress = privateAddressOf(o, family, draw);
  const net: UftpNetwork = { family, publicAddress, unicast, privateAddress, uid: 0, warnings };
  let source: string | undefined;
  if (o.interface !== undefined) {
    const chosen = await chosenInterface(o.interface, family, unicast, all);
    net.interface = chosen.iface;
    net.sourceAddress = source = chosen.source;
  } else source = defaultSource(family, unicast, all);
  if (o.uid !== undefined) net.uid = o.uid;
  else {
    if (source === undefined) throw new UsageError(`-U: no interface with an IPv${family} address to take a unique ID from; give -U or -I`);
    net.uid = uidOfAddress(source);
    net.uidSource = source;
    if (net.uid === 0 || net.uid === 0xffffffff) throw new UsageError(`-U: the unique ID taken from ${source} would be reserved (0x${net.uid.toString(16)}); give -U`);
  }
  return net;
}
