// What every session machine (server, client, proxy) shares with the daemon that runs it: where datagrams
// come from and go to, the two clocks, and the outputs any machine may ask for. A machine does no I/O.
import type { KeyObject } from 'node:crypto';

export interface Endpoint {
  address: string;
  port: number;
}

export interface Clock {
  /** Monotonic milliseconds, for timers. */
  now: number;
  /** Wall-clock milliseconds since the epoch, for the protocol's timestamps. */
  wall: number;
}

export type SessionOutput =
  | { type: 'send'; data: Uint8Array; to: Endpoint }
  /** Join a group on the listening interfaces; with sources, source-specifically. */
  | { type: 'join'; group: string; sources?: string[] }
  | { type: 'leave'; group: string; sources?: string[] }
  /** Arm (or re-arm) the timer `id` to fire at monotonic time `at` (ms). */
  | { type: 'setTimer'; id: string; at: number }
  | { type: 'cancelTimer'; id: string }
  /** Levels as the real programs: 0 errors ... 5 most verbose. */
  /** `drop` names the reason when the line reports a dropped datagram: the runner may thin a flood of them. */
  | { type: 'log'; level: number; message: string; groupId?: number; groupInst?: number; fileId?: number; drop?: string }
  /** A counter for the daemon's statistics (dropped packets by reason, ...); `by` defaults to 1. */
  | { type: 'count'; name: string; by?: number };

/** A private key loaded from -k or made by -K, with what the logs and key matching need. */
export interface LoadedKey {
  key: KeyObject;
  type: 'rsa' | 'ec';
  /** RSA modulus bits or EC curve name. */
  bits?: number;
  curve?: string;
  fingerprint: string;
}

/** A line of a -S server list: which servers are allowed, from where, with which key. */
export interface ServerListEntry {
  id: number;
  address: string;
  fingerprint?: string;
}
