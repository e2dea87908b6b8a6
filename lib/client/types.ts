// The contract between the client state machine (sans-I/O) and the daemon that runs it, uftpd. The daemon
// feeds datagrams, timer expiries and the results of file operations, with the time; the machine answers
// with datagrams to send, groups to join or leave, timers to arm, file operations to carry out, log lines,
// status-file lines, post-receive script runs and counters. The machine does no I/O.
import type { Clock, Endpoint, LoadedKey, ServerListEntry, SessionOutput } from '../session/types';
import type { WindowPool } from './window-pool';

export type { Clock, Endpoint, LoadedKey, ServerListEntry } from '../session/types';

/** Everything the machine needs from the command line, already checked and resolved. */
export interface ClientConfig {
  /** -U, or the default taken from an interface address. */
  uid: number;
  /** -M: public multicast groups joined at start. */
  publicGroups: string[];
  /** -D: absolute destination directories; relative names land in the first. */
  destDirs: string[];
  /** -T: the temp directory (files go to `_group_<ID>/` in it until the session ends). */
  tempDir?: string;
  /** -A: one backup directory per destination directory. */
  backupDirs: string[];
  /** -t: receive each file into `<name>.~uftp-<group>-<file>` beside its final name. */
  tempFiles: boolean;
  /** -i: with -T, move received files one by one (and run -s per file). */
  moveIndividually: boolean;
  /** -E: refuse unencrypted sessions. */
  encryptedOnly: boolean;
  /** -S: the servers allowed, with SSM joins and fingerprints. */
  serverList?: ServerListEntry[];
  /** -R: the response proxy all responses go to, and its key's fingerprint. */
  responseProxy?: Endpoint & { fingerprint?: string };
  /** -H / -h. */
  heartbeats: Endpoint[];
  heartbeatIntervalSec: number;
  /** -k / -K: private keys (default one RSA-512). */
  keys: LoadedKey[];
  /** -c: bytes of received data gathered before a write. */
  cacheSize: number;
  /** Reuses the write cache's windows; the file executor must call writeEnded for every write it is handed. */
  windows?: WindowPool;
  /** -s: a post-receive script is configured (the daemon runs it; the machine says when and with what). */
  postReceive: boolean;
  /** -F: status-file lines are wanted. */
  statusFile: boolean;
  /** The name of a server's address for logs and CONNECT lines (-q: none, the address is used). */
  hostName?: (address: string) => string | undefined;
  /** --max-sessions: sessions held at once (default admission.ts's DEFAULT_MAX_SESSIONS, 100 as the real client). */
  maxSessions?: number;
}

/** Where a file operation acts: a destination directory (by -D index), the temp directory, a backup directory (by -A index). */
export type RootRef = { kind: 'dest'; index: number } | { kind: 'temp' } | { kind: 'backup'; index: number };

/** A place for a file: a root and a '/'-separated path beneath it (bytes: names are what the server sent). */
export interface Place {
  root: RootRef;
  path: Buffer;
}

export type EntryKind = 'none' | 'file' | 'directory' | 'symlink' | 'other';

export interface EntryInfo {
  kind: EntryKind;
  size: number;
  mtimeSec: number;
}

/**
 * File operations. Those with an `id` are answered by a FileResult with that id; writes are answered only
 * when they fail. Operations on one handle are carried out in order.
 */
export type FileRequest =
  /** What is at a place (not following a symlink there), and the free space of its file system. */
  | { op: 'inspect'; id: number; place: Place }
  /**
   * Opens a file for receiving, making its directories. `backupIndex`: move what is there to that backup
   * directory first (stamped with `when`, wall ms). Answered with the handle and the free space.
   */
  | { op: 'open'; id: number; place: Place; truncate: boolean; backupIndex?: number; when: number }
  | { op: 'write'; handle: number; offset: number; data: Uint8Array }
  /**
   * Waits for the handle's writes, sets the mtime, closes; then, with `rename`, moves the file from its
   * place to `rename` (backing up what is there with `backupIndex`).
   */
  | { op: 'close'; id: number; handle: number; mtimeSec?: number; rename?: Place; backupIndex?: number; when: number }
  /** Closes without waiting for success; `remove` deletes the file afterwards. Never answered. */
  | { op: 'discard'; handle: number; remove?: Place }
  | { op: 'mkdir'; id: number; place: Place }
  | { op: 'symlink'; id: number; place: Place; target: Buffer }
  /** A delete request: backs up (with `backupIndex`) or removes whatever is at the place. */
  | { op: 'remove'; id: number; place: Place; backupIndex?: number; when: number }
  | { op: 'freeSpace'; id: number; root: RootRef }
  /** Restart state of a session (-T only), kept as `_group_<ID>_restart` in the temp directory. */
  | { op: 'saveRestart'; groupId: number; state: Uint8Array }
  | { op: 'loadRestart'; id: number; groupId: number }
  /**
   * The end of a -T session: moves the entries of `_group_<ID>` into the first destination directory (one by
   * one with `individually`) and removes the session directory. Answered with the destination paths moved.
   */
  | { op: 'finishSession'; id: number; groupId: number; individually: boolean };

export type FileValue =
  | { kind: 'inspect'; info: EntryInfo; freeSpace: number }
  | { kind: 'open'; handle: number; freeSpace: number }
  | { kind: 'restart'; state?: Uint8Array }
  | { kind: 'freeSpace'; freeSpace: number }
  | { kind: 'moved'; paths: string[] }
  | { kind: 'done' };

export type FileResult =
  | { id: number; ok: true; value: FileValue }
  /** `handle` is set for a failed write (id 0). `code`: errno name, or EUNSAFE for a refused path. */
  | { id: number; ok: false; handle?: number; code: string; message: string };

export type ClientOutput =
  | SessionOutput
  | { type: 'file'; request: FileRequest }
  /** A -F line (no newline). */
  | { type: 'status'; line: string }
  /** -s: run the script as `script -I <group ID> <paths...>` (absolute paths). */
  | { type: 'postReceive'; groupId: number; paths: string[] }
  /** A file of a session is done with (status: CompletionStatus): the daemon's summary of what happened last. */
  | { type: 'fileDone'; serverId: number; groupId: number; name: string; size: number; status: number };

/**
 * A reload (SIGHUP): the -S list and the keys re-read. Both are read only when a session begins (its ANNOUNCE),
 * so sessions under way keep the ones they started with and finish; sessions announced from now on use these.
 * The public groups' source-specific joins follow the new list.
 */
export interface ClientReconfig {
  serverList?: ServerListEntry[];
  keys: LoadedKey[];
}

export type ClientInput =
  | { type: 'timer'; id: string }
  | { type: 'fileResult'; result: FileResult }
  | { type: 'reconfigure'; change: ClientReconfig };

export interface ClientMachine {
  /** Once the sockets are ready: public group joins, heartbeat and KEY_REQ timers. */
  start(clock: Clock): ClientOutput[];
  /**
   * A datagram. `data` is valid only during the call (the daemon's receive area): the machine copies what it
   * keeps and may decrypt in place. The array returned is reused by the next call to the machine.
   */
  receive(data: Uint8Array, from: Endpoint, clock: Clock): ClientOutput[];
  /** Timer expiries and file results; the array returned is reused by the next call. */
  handle(input: ClientInput, clock: Clock): ClientOutput[];
  /** Shutting down: every session is aborted as the real client does (ABORT sent, restart state saved). */
  stop(clock: Clock): ClientOutput[];
  sessionCount(): number;
}
