// From checked options to what the client daemon runs with: groups and names resolved, interfaces
// found, the unique ID chosen, list files read, directories and files checked, keys checked. Everything
// that can fail on bad input fails here, before any socket exists, so the parent of a daemon reports it
// on the terminal: UsageError (exit 1) for options, KeyDataError (exit 3) for key files.
import { isIP } from 'node:net';
import type { KeyObject } from 'node:crypto';
import type { KeySpec } from '../../crypto';
import { interfaces as listInterfaces, type Family, type NetInterface } from '../../net';
import type { Endpoint, LoadedKey, ServerListEntry } from '../../session/types';
import { isMulticast, isSsm, resolveHost, uidOfAddress } from '../common/addresses';
import { findInterface, type InterfaceChoice } from '../common/interfaces';
import { checkKeyOptions, loadKeys } from '../common/keys';
import { checkExecutable, checkWritableFile } from '../common/paths';
import { UsageError } from '../exit';
import { checkDirectories } from './dirs';
import { readServerLists } from './lists';
import { DEFAULT_PUBLIC_GROUP, STATUS_TO_LOG, type UftpdOptions } from './options';

export interface UftpdSetup {
  options: UftpdOptions;
  /**
   * The address families of the -M groups, in order of first appearance. The real uftpd listens on one
   * socket: IPv6 and dual-stack (IPv4 mapped) when any group is IPv6, else IPv4.
   */
  families: Family[];
  /** -M resolved: multicast addresses (IPv4 and/or IPv6), no repeats; each one joinable on `interfaces`. */
  publicGroups: string[];
  /**
   * Where groups are joined: the -I interfaces (deduplicated, in -I order), else every interface that is
   * up, multicast-capable and not loopback. A group is joined on those with an address of its family.
   */
  interfaces: NetInterface[];
  /** -U, else taken from an interface address (see `uidSource`) by the real programs' rule. */
  uid: number;
  /** The address the default unique ID was taken from; undefined with -U. */
  uidSource?: string;
  /** -S: the entries of every file, addresses resolved; undefined without -S. */
  serverList?: ServerListEntry[];
  /** -R resolved, at -p's port (the real uftpd sends there). */
  responseProxy?: Endpoint & { fingerprint?: string };
  /** -H resolved. */
  heartbeats: Endpoint[];
  /** -F: status lines into a file, or into the log (-F @LOG). */
  statusFile?: { kind: 'log' } | { kind: 'file'; path: string };
  /** -s: an executable, absolute. */
  postReceiveScript?: string;
}

/** An -I entry found: the interface, and the address it was named by (IP or host name), if any. */
function familyOf(address: string): Family {
  return isIP(address) as Family;
}

function hasFamily(iface: NetInterface, family: Family): boolean {
  return iface.addresses.some((a) => a.family === family);
}

/** -M items: literals, or names looked up (as the real uftpd does); each must be multicast. */
async function resolveGroups(groups: string[]): Promise<string[]> {
  const resolved: string[] = [];
  for (const group of groups) {
    const address = await resolveHost('M', group, 'any');
    if (!isMulticast(address)) throw new UsageError(`-M: '${group}' is not a multicast address`);
    if (resolved.includes(address)) throw new UsageError(`-M: ${address} listed twice`);
    resolved.push(address);
  }
  return resolved;
}

/** With -S, groups are joined source-specifically: each must be in an SSM range (the page's rule). */
function checkSsm(groups: string[]): void {
  const bad = groups.find((g) => !isSsm(g));
  if (bad === undefined) return;
  const hint = bad === DEFAULT_PUBLIC_GROUP ? ` (${DEFAULT_PUBLIC_GROUP} is the default -M: give -M)` : '';
  throw new UsageError(`-S: -M ${bad} is not a source-specific multicast address (232/8, ff30::/96), as a server list requires${hint}`);
}

async function chooseInterfaces(specs: string[], all: NetInterface[]): Promise<InterfaceChoice[]> {
  const choices: InterfaceChoice[] = [];
  for (const spec of specs) {
    const choice = await findInterface('I', spec, all);
    // The real uftpd accepts these and joins nothing there; a client that hears nothing is worse than an error.
    if (!choice.iface.multicast) throw new UsageError(`-I: ${spec}: interface ${choice.iface.name} is not multicast-capable`);
    if (!choices.some((c) => c.iface.index === choice.iface.index)) choices.push(choice);
  }
  return choices;
}

/** The first address of an interface as the real programs list them: IPv4 ones before IPv6 ones. */
function firstAddress(iface: NetInterface): string | undefined {
  return (iface.addresses.find((a) => a.family === 4) ?? iface.addresses.find((a) => a.family === 6))?.address;
}

/**
 * The page's rule: the address of the first listed multicast-capable interface. Observed: that is the
 * first -I entry (its address, or for a name the interface's first address), else the first up,
 * multicast, non-loopback interface with an IPv4 address, else the first with an IPv6 one.
 */
function defaultUid(choices: InterfaceChoice[], all: NetInterface[]): { uid: number; source: string } {
  let source: string | undefined;
  if (choices.length > 0) source = choices[0].address ?? firstAddress(choices[0].iface);
  else {
    const candidates = all.filter((i) => i.up && i.multicast && !i.loopback);
    const iface = candidates.find((i) => hasFamily(i, 4)) ?? candidates.find((i) => hasFamily(i, 6));
    source = iface && firstAddress(iface);
  }
  if (source === undefined) throw new UsageError('-U: no multicast interface address to take a unique ID from; give -U');
  const uid = uidOfAddress(source);
  if (uid === 0 || uid === 0xffffffff) throw new UsageError(`-U: the unique ID taken from ${source} would be reserved (0x${uid.toString(16)}); give -U`);
  return { uid, source };
}

function checkJoinable(groups: string[], interfaces: NetInterface[]): void {
  for (const group of groups) {
    const family = familyOf(group);
    if (interfaces.some((i) => hasFamily(i, family))) continue;
    const names = interfaces.map((i) => i.name).join(', ');
    throw new UsageError(`-M: ${group}: no interface to join it on has an IPv${family} address (${names === '' ? 'no multicast interface' : names})`);
  }
}

/** Peers are reached from the listening socket: IPv4 only, or any family from a dual-stack IPv6 one. */
export function peerFamilyOf(families: Family[]): Family | 'any' {
  return families.includes(6) ? 'any' : 4;
}

export async function prepareUftpd(options: UftpdOptions, all: NetInterface[] = listInterfaces()): Promise<UftpdSetup> {
  const publicGroups = await resolveGroups(options.publicGroups);
  const families = [...new Set(publicGroups.map(familyOf))];
  const peerFamily = peerFamilyOf(families);
  const choices = await chooseInterfaces(options.interfaces, all);
  const interfaces = choices.length > 0 ? choices.map((c) => c.iface) : all.filter((i) => i.up && i.multicast && !i.loopback);
  checkJoinable(publicGroups, interfaces);
  const chosen = options.uid === undefined ? defaultUid(choices, all) : { uid: options.uid, source: undefined };
  const setup: UftpdSetup = { options, families, publicGroups, interfaces, uid: chosen.uid, heartbeats: [] };
  if (chosen.source !== undefined) setup.uidSource = chosen.source;
  for (const h of options.heartbeats) setup.heartbeats.push({ address: await resolveHost('H', h.host, peerFamily), port: h.port });
  if (options.responseProxy !== undefined) {
    const { host, fingerprint } = options.responseProxy;
    setup.responseProxy = { address: await resolveHost('R', host, peerFamily), port: options.port };
    if (fingerprint !== undefined) setup.responseProxy.fingerprint = fingerprint;
  }
  if (options.serverListFiles.length > 0) {
    setup.serverList = await readServerLists(options.serverListFiles, peerFamily);
    checkSsm(publicGroups);
  }
  checkDirectories(options);
  checkFiles(options, setup);
  // Last, as the real uftpd: a bad command line is reported before a bad key file.
  checkKeyOptions(options.keyFiles, options.keySpecs);
  return setup;
}

/** -F, -s and -P: checked, nothing created. */
function checkFiles(options: UftpdOptions, setup: UftpdSetup): void {
  if (options.statusFile === STATUS_TO_LOG) setup.statusFile = { kind: 'log' };
  else if (options.statusFile !== undefined) {
    checkWritableFile('F', 'status file', options.statusFile);
    setup.statusFile = { kind: 'file', path: options.statusFile };
  }
  if (options.postReceiveScript !== undefined) {
    checkExecutable('s', 'post-receive script', options.postReceiveScript);
    setup.postReceiveScript = options.postReceiveScript;
  }
  if (options.pidFile !== undefined) checkWritableFile('P', 'pid file', options.pidFile);
}

/** Reads or generates the keys (and writes new ones to their -k files): KeyDataError on failure. */
export function loadUftpdKeys(setup: UftpdSetup, generate?: (spec: KeySpec) => KeyObject): LoadedKey[] {
  return loadKeys(setup.options.keyFiles, setup.options.keySpecs, generate);
}
