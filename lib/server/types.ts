// The contract between the server state machine (sans-I/O) and what runs it (uftp, or the send() API).
// The runner feeds datagrams, timer expiries, the next items of the file list and the data read from
// files; the machine answers with datagrams, timers, requests for items and data, log and status lines,
// progress events, and in the end the session's outcome. The machine does no I/O.
import type { CongestionControl, HashType, KeyExchangeType, KeyType, SigType } from '../protocol';
import type { Clock, Endpoint, LoadedKey, SessionOutput } from '../session/types';
import type { SendItem } from './send-item';

export type { Clock, Endpoint, LoadedKey } from '../session/types';
export type { SendItem } from './send-item';

export interface EncryptionConfig {
  keyType: KeyType;
  hashType: HashType;
  /** HMAC, KEYEX or (with GCM/CCM) AUTHENC. */
  sigType: SigType;
  keyexType: KeyExchangeType;
  /** ECDH curve (ecdh_rsa, ecdh_ecdsa). */
  curve?: string;
  /** -c: clients must send CLIENT_KEY (and -H / -j fingerprints are checked). */
  clientAuth: boolean;
  /** The server's RSA or EC key (-k / -K). */
  key: LoadedKey;
}

export interface ListedHost {
  id: number;
  fingerprint?: string;
  /** How -H wrote it ("198.18.0.3", "0x0a0b4702"): the real uftp names the host so in its log and status file. */
  name?: string;
}

export type CcConfig = { type: CongestionControl.NONE } | { type: CongestionControl.TFMCC; minKbps?: number; initKbps?: number; maxKbps?: number };

/** Everything the machine needs from the command line, already checked and resolved. */
export interface ServerConfig {
  uid: number;
  /** Where clients listen (-p). */
  port: number;
  /** -M: public address (multicast, or a unicast client address). */
  publicAddr: string;
  /** -P: private multicast address (wildcards already drawn); equals publicAddr in unicast mode. */
  privateAddr: string;
  /** -b. */
  blockSize: number;
  /** -R in Kbps; -1 = as fast as the sockets take it. */
  rateKbps: number;
  /** -s. */
  robust: number;
  /** -r, seconds. */
  grtt: { init: number; min: number; max: number };
  /** -N, -m. */
  maxNakPct: number;
  maxNakCount: number;
  /** -a. */
  maxPasses: number;
  /** -W: maximum transfer time as a percentage of the ideal (undefined: none). */
  txWeightPct?: number;
  /** -q. */
  quitOnError: boolean;
  /** -z / -Z. */
  syncMode: boolean;
  syncPreview: boolean;
  cc: CcConfig;
  encryption?: EncryptionConfig;
  /** -H: closed group (undefined: open group). */
  clients?: ListedHost[];
  /** -j: proxies expected to answer for their clients. */
  proxies?: ListedHost[];
  /** --max-clients: destinations (clients and proxies) an open group takes at most (admission.ts; default 100 000). */
  maxClients?: number;
  /** Group ID and instance: random for a new session, from the restart file with -F. */
  groupId: number;
  groupInst: number;
  /** -S: status-file lines are wanted. */
  statusFile: boolean;
  /** -x: below 2 a file's report is a level-0 line per failed host, as the real uftp prints it (default 2). */
  logLevel?: number;
  /** Resent files of a -F restart: FILEINFO only these (undefined: every item). */
  restartFiles?: Set<string>;
}

/** A client's result, for the report, the status file, the restart file and the API. */
export interface ClientResult {
  id: number;
  /** Completed: every file done; else why not. */
  status: 'completed' | 'lost' | 'aborted' | 'never-registered';
  /** Via this proxy. */
  proxy?: number;
  rtt?: number;
  files: { copied: number; overwritten: number; skipped: number; rejected: number };
  /** Bytes of files received (or confirmed present). */
  bytes: number;
}

export interface SessionOutcome {
  /** The real uftp's exit status (docs/server-notes.md §2): 0, 6 (interrupted during a file), 7, 8, 9, 10. */
  exitCode: number;
  clients: ClientResult[];
  /** Bytes of data sent in FILESEG (all passes). */
  dataBytes: number;
  elapsedMs: number;
  /** Items some client did not get (for -f). */
  failedItems: SendItem[];
}

export interface Progress {
  fileId: number;
  name: string;
  size: number;
  /** Distinct bytes sent in this file's first pass so far (then the size). */
  sentBytes: number;
  pass: number;
  naks: number;
  /** Current sending rate, bytes/s. */
  rate: number;
  clientsDone: number;
  clientsTotal: number;
  /** The file is over: its last event (the report follows); `rate` is then the transfer's average. */
  final?: boolean;
}

export type ServerOutput =
  | SessionOutput
  /** The next item of the file list is wanted (answered with an 'item' input). */
  | { type: 'nextItem' }
  /** Bytes [offset, offset + length) of a file (answered with a 'data' input of the same id). */
  | { type: 'read'; id: number; path: string; offset: number; length: number }
  /** Data packets wanted again at or after `at` (monotonic ms), once the socket has room. */
  | { type: 'pace'; at: number }
  /** A buffer of a 'data' input the machine is done with: the runner may read into it again. */
  | { type: 'recycle'; data: Uint8Array }
  | { type: 'status'; line: string }
  | { type: 'progress'; progress: Progress }
  /** The session is over: nothing more will be sent. */
  | { type: 'finished'; outcome: SessionOutcome };

export type ServerInput =
  | { type: 'timer'; id: string }
  /** The next file list item, or none: the list is done. */
  | { type: 'item'; item?: SendItem }
  | { type: 'data'; id: number; data?: Uint8Array; error?: string }
  /**
   * The socket can take `room` datagrams now (after a 'pace' output). At most 256: data packets are views into
   * a ring of that many, so the runner must hand each answer's sends to the socket before the next 'writable'.
   */
  | { type: 'writable'; room: number }
  /**
   * The user asked to stop (SIGINT / SIGTERM). As the real uftp: while announcing, the phase ends as if it
   * timed out and the first file is given up on (status 7 or 8); at the group's end, the group ends (0);
   * otherwise everyone is aborted (6).
   */
  | { type: 'interrupt' };

export interface ServerMachine {
  start(clock: Clock): ServerOutput[];
  /** A datagram (valid only during the call). The array returned is reused by the next call. */
  receive(data: Uint8Array, from: Endpoint, clock: Clock): ServerOutput[];
  handle(input: ServerInput, clock: Clock): ServerOutput[];
}
