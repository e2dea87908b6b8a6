// The contract between the proxy state machines (sans-I/O) and the daemon that runs them.
// The daemon feeds inputs (datagrams, timer expiries) with the time; the machine answers with outputs
// (datagrams to send, groups to join or leave, timers to arm, log lines). The machine does no I/O.
import type { Clock, Endpoint, LoadedKey, ServerListEntry, SessionOutput } from '../session/types';

export type { Clock, Endpoint, ServerListEntry } from '../session/types';

export type ProxyMode = 'server' | 'client' | 'response';

/** A line of a -C client list: who may receive through a client proxy, and with which key. */
export interface ClientListEntry {
  id: number;
  /** Colon-separated upper-case hex, as `uftp_keymgt` prints it; absent = any key. */
  fingerprint?: string;
}

/** A private key of the proxy's (-k / -K). */
export type ProxyKey = LoadedKey;

/** Everything the machine needs to know from the command line, already validated. */
export interface ProxyConfig {
  mode: ProxyMode;
  /** -s dest: the fixed downstream of a server proxy. */
  downstream?: Endpoint;
  /** -s fp=...: the downstream is whoever proves this key with a heartbeat. */
  downstreamFingerprint?: string;
  /** -p: the port listened on (default 1044). */
  port: number;
  /** -q: the port of the downstream proxy (server proxy) or of the clients (client proxy); default = port. */
  destPort: number;
  /** -M: public multicast addresses listened on (default 230.4.4.1). */
  publicGroups: string[];
  /** -U: this proxy's unique ID. */
  uid: number;
  /** -T: aggregation wait as a percentage of GRTT (10-99); absent = 1 x GRTT. */
  aggregationPct?: number;
  /** -H: heartbeat targets, with -h interval in seconds. */
  heartbeats: Endpoint[];
  heartbeatIntervalSec: number;
  /** -C and -S lists, absent when not given. */
  clientList?: ClientListEntry[];
  serverList?: ServerListEntry[];
  /** -k / -K: private keys; the first signs heartbeats. */
  keys: ProxyKey[];
  /** -e or -r:curve: the curve for ECDH key exchange, if any. */
  ecdhCurve?: string;
  /** --max-sessions: sessions held at once (default machine.ts's DEFAULT_MAX_SESSIONS). */
  maxSessions?: number;
}

/**
 * A reload (SIGHUP): the -S and -C lists and the keys re-read. A session keeps the configuration it began
 * with (its ANNOUNCE) to its end; sessions announced from now on use these. The public groups' source-specific
 * joins follow the new -S list.
 */
export interface ProxyReconfig {
  serverList?: ServerListEntry[];
  clientList?: ClientListEntry[];
  keys: ProxyKey[];
}

export type ProxyInput =
  | { type: 'reconfigure'; change: ProxyReconfig }
  | {
      type: 'datagram';
      data: Uint8Array;
      from: Endpoint;
      /** Destination address: a group for multicast, our own address for unicast. */
      to: string;
      ifindex: number;
    }
  | { type: 'timer'; id: string };

export type ProxyOutput = SessionOutput;

export interface ProxyMachine {
  /** Called once when the daemon's socket is ready: initial joins, heartbeat timer. */
  start(clock: Clock): ProxyOutput[];
  handle(input: ProxyInput, clock: Clock): ProxyOutput[];
  /**
   * Optional hot path for the bulk of the traffic, with no allocation: the datagram `data` (from any
   * sender) is looked at and either forwarded as it is (the Endpoint returned: send `data` there and
   * nothing else), taken with nothing to send (null), or left to handle() (undefined). It must keep no
   * reference to `data` (the daemon may pass a view that is reused) and must give exactly the outcome
   * handle() would, so whatever would log or count is left to handle().
   */
  forward?(data: Uint8Array, clock: Clock): Endpoint | null | undefined;
  /** Active sessions, for status and the tests that check nothing is left behind. */
  sessionCount(): number;
}
