// send(): the server as a function. A Node program distributes files without spawning uftp: the same machine,
// runner and defaults as the uftp command (which is built on this), resolving to each client's result.
import { randomBytes } from 'node:crypto';
import { interfaces as listInterfaces, type NetInterface } from '../net';
import { CongestionControl } from '../protocol';
import type { CcConfig, EncryptionConfig, ListedHost, Progress, SendItem, ServerConfig, SessionOutcome } from '../server/types';
import type { LogSink } from '../runtime/log-sink';
import { runSession } from './session';
import { walkFiles } from './file-list';
import { uidOfAddress } from '../session/unique-id';
import { DEFAULT_MAX_CLIENTS, MAX_CLIENTS_RANGE } from '../server/admission';

export interface SendOptions {
  /** Paths to send (files, directories, @DELETE:name, @FREESPACE), walked as uftp walks its operands... */
  files?: string[];
  /** ...or the items themselves (walkFiles() with its options, or items of your own). */
  items?: AsyncIterable<SendItem> | Iterable<SendItem>;
  /** -I: the interface to send from (name or address); default: the system's choice. */
  interface?: string;
  /** -U; default: the address of `interface` (the last 4 bytes of an IPv6 one). */
  uid?: number;
  port?: number;
  sourcePort?: number;
  publicAddress?: string;
  privateAddress?: string;
  ttl?: number;
  dscp?: number;
  bufferSize?: number;
  rateKbps?: number;
  blockSize?: number;
  robust?: number;
  grtt?: { init: number; min: number; max: number };
  maxNakPct?: number;
  maxNakCount?: number;
  maxPasses?: number;
  txWeightPct?: number;
  quitOnError?: boolean;
  syncMode?: boolean;
  syncPreview?: boolean;
  congestionControl?: CcConfig;
  encryption?: EncryptionConfig;
  /** Closed group (-H); default open. */
  clients?: ListedHost[];
  proxies?: ListedHost[];
  /** uftp's --max-clients: the most destinations (clients and proxies) the session takes; default 100 000. */
  maxClients?: number;
  groupId?: number;
  groupInst?: number;
  restartFiles?: Set<string>;
  log?: LogSink;
  onProgress?: (progress: Progress) => void;
  /** -S lines. */
  onStatus?: (line: string) => void;
  /**
   * Aborting stops the session as SIGINT stops uftp: during a file the clients are told and the outcome has
   * exit status 6; while announcing it ends with 7 or 8 (nothing was sent); at the session's end with 0.
   */
  signal?: AbortSignal;
}

export const DEFAULTS = {
  port: 1044, sourcePort: 0, publicAddress: '230.4.4.1', privateAddress: '230.5.5.x', ttl: 1, dscp: 0, bufferSize: 262144,
  rateKbps: 1000, blockSize: 1300, robust: 20, grtt: { init: 0.5, min: 0.01, max: 15 }, maxNakPct: 100, maxNakCount: 1, maxPasses: 65535,
} as const;

/** 'x' parts of a private address drawn at random (0-255 for IPv4, 0-ffff for IPv6), as -P allows. */
export function drawAddress(pattern: string): string {
  if (pattern.includes(':')) return pattern.split(':').map((p) => (p.toLowerCase() === 'x' ? randomBytes(2).readUInt16BE(0).toString(16) : p)).join(':');
  return pattern.split('.').map((p) => (p.toLowerCase() === 'x' ? String(randomBytes(1)[0]) : p)).join('.');
}

function findInterface(spec: string, all: NetInterface[]): NetInterface {
  const iface = all.find((i) => i.name === spec || i.addresses.some((a) => a.address === spec));
  if (!iface) throw new Error(`interface ${spec} not found`);
  return iface;
}

/** maxClients in range, and no more clients and proxies listed than it allows (uftp's usage errors). */
function checkMaxClients(options: SendOptions): void {
  const limit = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  const { min, max } = MAX_CLIENTS_RANGE;
  if (!Number.isInteger(limit) || limit < min || limit > max) throw new RangeError(`send(): maxClients must be an integer from ${min} to ${max}`);
  const listed = new Set([...(options.clients ?? []), ...(options.proxies ?? [])].map((h) => h.id)).size;
  if (listed > limit) throw new RangeError(`send(): ${listed} clients and proxies listed, more than maxClients (${limit})`);
}

async function* asAsync(items: AsyncIterable<SendItem> | Iterable<SendItem>): AsyncGenerator<SendItem> {
  for await (const item of items) yield item;
}

export async function send(options: SendOptions): Promise<SessionOutcome> {
  if (options.files === undefined && options.items === undefined) throw new TypeError('send(): give files or items');
  checkMaxClients(options);
  const o = { ...DEFAULTS, ...options };
  const family = o.publicAddress.includes(':') ? 6 : 4;
  const iface = options.interface === undefined ? undefined : findInterface(options.interface, listInterfaces());
  const address = iface?.addresses.find((a) => a.family === family)?.address;
  const uid = options.uid ?? (address ? uidOfAddress(address) : undefined);
  if (uid === undefined) throw new Error('no unique ID: give uid, or an interface with an address of the group\'s family');
  const config: ServerConfig = {
    uid, port: o.port, publicAddr: o.publicAddress, privateAddr: drawAddress(o.privateAddress), blockSize: o.blockSize,
    rateKbps: o.rateKbps, robust: o.robust, grtt: o.grtt, maxNakPct: o.maxNakPct, maxNakCount: o.maxNakCount, maxPasses: o.maxPasses,
    txWeightPct: options.txWeightPct, quitOnError: options.quitOnError ?? false, syncMode: options.syncMode ?? false,
    syncPreview: options.syncPreview ?? false, cc: options.congestionControl ?? { type: CongestionControl.NONE },
    encryption: options.encryption, clients: options.clients, proxies: options.proxies,
    groupId: options.groupId ?? randomBytes(4).readUInt32BE(0), groupInst: options.groupInst ?? 0, statusFile: options.onStatus !== undefined,
    restartFiles: options.restartFiles, maxClients: options.maxClients,
  };
  return runSession({
    config, family, sourcePort: o.sourcePort, bufferSize: o.bufferSize, dscp: o.dscp, ttl: o.ttl, egress: iface,
    items: asAsync(options.items ?? walkFiles(options.files ?? [])), log: options.log ?? { log: () => undefined }, onStatus: options.onStatus,
    onProgress: options.onProgress, signal: options.signal,
  });
}
