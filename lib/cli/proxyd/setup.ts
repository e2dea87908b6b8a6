// From checked options to what the daemon runs: names resolved, interfaces found, list files read,
// keys loaded, and the ProxyConfig the proxy machine takes. `prepare` does everything that can fail
// on bad input without creating anything, so the parent of a daemon can report it on the terminal.
import { isIP } from 'node:net';
import { interfaces as listInterfaces, resolveInterface, type Family, type NetInterface } from '../../net';
import type { Endpoint, ProxyConfig, ProxyKey } from '../../proxy/types';
import { addressTail32, isMulticast, isSsm, resolveHost } from '../common/addresses';
import { UsageError } from '../exit';
import { checkKeyOptions, loadKeys } from '../common/keys';
import { readClientLists, readServerLists } from './lists';
import type { ProxydOptions } from './options';

export interface ProxydSetup {
  options: ProxydOptions;
  /** The socket's family: IPv6 when any address used is IPv6. */
  family: Family;
  /** An IPv6 socket that also carries IPv4 (the -M groups and an address used are of different families). */
  dualStack: boolean;
  /** Interfaces to join on (-I, else every multicast interface); empty = the kernel's choice. */
  interfaces: NetInterface[];
  egress?: NetInterface;
  /** The machine's config, without keys until `loadProxyKeys`. */
  config: Omit<ProxyConfig, 'keys'>;
}

function familyOf(groups: string[]): Family {
  const family = isIP(groups[0]) as Family;
  for (const g of groups) {
    if (isIP(g) === 0 || !isMulticast(g)) throw new UsageError(`-M: '${g}' is not a multicast address`);
    if (isIP(g) !== family) throw new UsageError(`-M: '${g}' and '${groups[0]}' are of different address families`);
  }
  return family;
}

/**
 * With -S a server or response proxy joins the public groups source-specific, so each must be an SSM
 * address; the real proxy refuses the default 230.4.4.1 in the same words.
 */
function checkSsmGroups(groups: string[], given: boolean): void {
  for (const g of groups) {
    if (isSsm(g)) continue;
    if (!given) throw new UsageError(`Default multicast address ${g} invalid for source specific multicast: give -M with an address in 232/8 or ff30::/96`);
    throw new UsageError(`-M: Invalid source specific multicast address: ${g} (with -S, give addresses in 232/8 or ff30::/96)`);
  }
}

/** An interface by name or address, else a host name looked up and found by its address. */
async function findInterface(opt: string, spec: string, family: Family, all: NetInterface[]): Promise<NetInterface> {
  try {
    return resolveInterface(spec, family, all);
  } catch (err) {
    if (isIP(spec) !== 0) throw new UsageError(`-${opt}: ${(err as Error).message}`);
    const address = await resolveHost(opt, spec, family).catch(() => {
      throw new UsageError(`-${opt}: ${(err as Error).message}, nor a host name`);
    });
    try {
      return resolveInterface(address, family, all);
    } catch (again) {
      throw new UsageError(`-${opt}: ${spec} (${address}): ${(again as Error).message}`);
    }
  }
}

function hasFamily(i: NetInterface, family: Family): boolean {
  return i.addresses.some((a) => a.family === family);
}

/**
 * The egress without -O, as the real proxy picks it (every mode, checked with strace): the first up,
 * multicast, non-loopback interface of the system's list with an address of the family, whatever -I says
 * and whatever the routing table would choose. None: the kernel's choice.
 */
function firstMulticast(family: Family, all: NetInterface[]): NetInterface | undefined {
  return all.find((i) => i.up && i.multicast && !i.loopback && hasFamily(i, family));
}

/** -U, else the first -I interface's address, else that of the first multicast interface (the page's rule). */
function defaultUid(family: Family, chosen: NetInterface[], all: NetInterface[]): number {
  const candidates = [...chosen, ...all.filter((i) => i.up && i.multicast && !i.loopback)];
  const iface = candidates.find((i) => hasFamily(i, family));
  if (iface === undefined) throw new UsageError(`-U: no multicast interface with an IPv${family} address to take a unique ID from; give -U`);
  return addressTail32(iface.addresses.find((a) => a.family === family)!.address);
}

/** An address literal of either family (the socket goes dual-stack for it), a name in the groups' family. */
async function endpoint(opt: string, host: string, port: number, family: Family): Promise<Endpoint> {
  return { address: await resolveHost(opt, host, isIP(host) !== 0 ? 'any' : family), port };
}

/**
 * As the real proxy: the -M groups' family, and IPv6 with IPv4 as well (IPV6_V6ONLY off) when the groups are
 * IPv4 but the downstream, a heartbeat target or the -O address is IPv6 (so a NAT tunnel can mix families).
 */
function socketFamily(groups: Family, used: string[]): { family: Family; dualStack: boolean } {
  const mixed = used.some((a) => isIP(a) !== 0 && isIP(a) !== groups);
  return { family: mixed ? 6 : groups, dualStack: mixed };
}

export async function prepare(options: ProxydOptions, all: NetInterface[] = listInterfaces()): Promise<ProxydSetup> {
  const family = familyOf(options.publicGroups);
  const chosen: NetInterface[] = [];
  // An -I address of the other family names its interface as well (the real proxy takes -c -I fd00::2 with
  // IPv4 groups and stays IPv4): -I says which interface, the socket's family what is joined there.
  for (const spec of options.interfaces) chosen.push(await findInterface('I', spec, (isIP(spec) || family) as Family, all));
  const joinOn = chosen.length > 0 ? chosen : all.filter((i) => i.up && i.multicast && !i.loopback && hasFamily(i, family));
  const egressSpec = options.egressInterface;
  const egress = egressSpec === undefined ? firstMulticast(family, all) : await findInterface('O', egressSpec, (isIP(egressSpec) || family) as Family, all);
  const heartbeats = await Promise.all(options.heartbeats.map((h) => endpoint('H', h.host, h.port, family)));
  const downstream = options.downstream && (await endpoint('s', options.downstream.host, options.downstream.port, family));
  const used = [...heartbeats.map((h) => h.address), ...(downstream ? [downstream.address] : []), ...(egressSpec ? [egressSpec] : [])];
  const socket = socketFamily(family, used);
  checkKeyOptions(options.keyFiles, options.keySpecs);
  const config: Omit<ProxyConfig, 'keys'> = {
    mode: options.mode,
    port: options.port,
    destPort: options.destPort,
    publicGroups: options.publicGroups,
    uid: options.uid ?? defaultUid(family, chosen, all),
    heartbeats,
    heartbeatIntervalSec: options.heartbeatIntervalSec,
  };
  if (downstream) config.downstream = downstream;
  if (options.downstreamFingerprint) config.downstreamFingerprint = options.downstreamFingerprint;
  if (options.aggregationPct !== undefined) config.aggregationPct = options.aggregationPct;
  if (options.clientListFiles.length > 0) config.clientList = readClientLists(options.clientListFiles);
  if (options.serverListFiles.length > 0) {
    config.serverList = await readServerLists(options.serverListFiles, socket.dualStack ? 'any' : family);
    if (options.mode !== 'client') checkSsmGroups(options.publicGroups, options.publicGroupsGiven);
  }
  if (options.ecdhCurve !== undefined) config.ecdhCurve = options.ecdhCurve;
  if (options.maxSessions !== undefined) config.maxSessions = options.maxSessions;
  return { options, family: socket.family, dualStack: socket.dualStack, interfaces: joinOn, egress, config };
}

/** Reads or generates the keys (and writes new ones to their -k files). */
export function loadProxyKeys(setup: ProxydSetup): { config: ProxyConfig; keys: ProxyKey[] } {
  const keys = loadKeys(setup.options.keyFiles, setup.options.keySpecs);
  return { config: { ...setup.config, keys }, keys };
}
