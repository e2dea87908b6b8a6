// One session as a proxy sees it: a group (ID + instance) announced by one server from one upstream address.
import { UFTP_VERSION, type UftpHeader } from '../protocol';
import { Aggregator } from './aggregation';
import type { SessionKeys } from './session-keys';
import { sessionTimeoutMs } from '../session/timing';
import { pendingTimeoutMs } from '../session/admission';
import type { Endpoint, ProxyConfig } from './types';

/** Sessions are found by group ID and instance packed in one number (Map lookups on the hot path). */
export function sessionKey(groupId: number, inst: number): number {
  return groupId * 256 + inst;
}

export interface ClientEntry {
  id: number;
  /** Where the client's responses come from: messages to it alone go here. */
  from: Endpoint;
}

export interface Membership {
  group: string;
  sources?: string[];
}

export interface SessionInit {
  groupId: number;
  inst: number;
  serverId: number;
  upstream: Endpoint;
  publicAddr: string;
  privateAddr: string;
  robust: number;
  blockSize: number;
  grtt: number;
  destPort: number;
  now: number;
  /** The proxy's configuration when the session began: its lists and keys, kept to the session's end. */
  config: ProxyConfig;
}

export class Session {
  readonly key: number;
  readonly groupId: number;
  readonly inst: number;
  readonly serverId: number;
  /** Where the ANNOUNCE came from: upstream traffic goes back there. */
  readonly upstream: Endpoint;
  readonly publicAddr: string;
  readonly privateAddr: string;
  /** Client proxy: the segment's public and private groups, at the clients' port. */
  readonly publicTarget: Endpoint;
  readonly privateTarget: Endpoint;
  robust: number;
  blockSize: number;
  /** Quantized GRTT of the server's latest message. */
  grtt: number;
  /** Monotonic ms of the last datagram of this session. */
  lastSeen: number;
  readonly clients = new Map<number, ClientEntry>();
  readonly aggregator = new Aggregator();
  readonly joined: Membership[] = [];
  /**
   * False while the session has seen nothing but ANNOUNCEs (anyone can forge those): it then expires quickly,
   * may be evicted at the session limit, and a server or response proxy holds its join of the private group
   * (`deferredJoin`) until the first other message, so forged sessions take no multicast memberships.
   */
  established = false;
  deferredJoin?: Membership;
  readonly config: ProxyConfig;
  /** Set for encrypted sessions that this proxy takes part in (client and response proxies). */
  keys?: SessionKeys;
  private seq = 0;

  constructor(init: SessionInit) {
    this.key = sessionKey(init.groupId, init.inst);
    this.groupId = init.groupId;
    this.inst = init.inst;
    this.serverId = init.serverId;
    this.upstream = init.upstream;
    this.publicAddr = init.publicAddr;
    this.privateAddr = init.privateAddr;
    this.publicTarget = { address: init.publicAddr, port: init.destPort };
    this.privateTarget = { address: init.privateAddr, port: init.destPort };
    this.robust = init.robust;
    this.blockSize = init.blockSize;
    this.grtt = init.grtt;
    this.lastSeen = init.now;
    this.config = init.config;
  }

  /** The group and its instance, for log lines. */
  get ref(): { groupId: number; groupInst: number } {
    return { groupId: this.groupId, groupInst: this.inst };
  }

  /** 4 x ROBUST x GRTT of silence; much less while the session has seen only ANNOUNCEs. */
  timeoutMs(): number {
    const full = sessionTimeoutMs(this.grtt, this.robust);
    return this.established ? full : pendingTimeoutMs(this.grtt, full);
  }

  /** The UFTP header of a message this proxy sends on its own (as a client toward the server). */
  ownHeader(uid: number): UftpHeader {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return { version: UFTP_VERSION, func: 0, seq, srcId: uid, groupId: this.groupId, groupInst: this.inst, grtt: 0, gsize: 0, reserved: 0 };
  }

  timerId(what: 'session' | 'aggregate' | 'keyinfo'): string {
    return `${what}:${this.groupId.toString(16)}/${this.inst}`;
  }
}

