// One session as the client sees it: a group (ID + instance) announced by one server, the phase it is in,
// the keys, the timing the server gives (GRTT, ROBUST), and the file being received.
import { UFTP_VERSION, type UftpHeader } from '../protocol';
import type { Registrant } from '../session/registrant';
import type { Timestamp } from '../session/timing';
import type { Destination } from './names';
import type { Arrivals, FileLayout } from '../session/layout';
import type { RestartState } from './restart-state';
import type { TfmccReceiver } from './tfmcc';
import type { Endpoint, Place } from './types';
import type { WriteCache } from './write-cache';

/**
 * registered: REGISTER sent, waiting for REG_CONF or KEYINFO. midgroup: between files. opening: a FILEINFO
 * taken, its file being prepared. receiving: data coming in. closing: the file complete, being closed before
 * COMPLETE goes out. complete: COMPLETE sent for the session, waiting for DONE_CONF.
 */
export type Phase = 'registered' | 'midgroup' | 'opening' | 'receiving' | 'closing' | 'complete';

export function sessionKey(groupId: number, inst: number): number {
  return groupId * 256 + inst;
}

export interface NakTimer {
  at: number;
  first: number;
  last: number;
  /** Set by a DONE naming us: if nothing is missing in [first, last), earlier sections are checked too. */
  gotDone: boolean;
}

export interface FileState {
  fileId: number;
  fileType: number;
  name: Buffer;
  size: number;
  mtimeSec: number;
  dest: Extract<Destination, { ok: true }>;
  /** Where the data is written: the destination, or the -t temp name beside it. */
  writePlace: Place;
  layout: FileLayout;
  arrivals?: Arrivals;
  cache?: WriteCache;
  handle?: number;
  /** Resuming a file a cut-short session left behind (FILEINFO_ACK PARTIAL). */
  partial: boolean;
  gotData: boolean;
  /** The last section seen in data or named by a DONE, plus one after a DONE. */
  lastSection: number;
  nak?: NakTimer;
  status: number;
  /** The outcome (fileDone, and the RESULT line with -F) is reported once per file. */
  reported: boolean;
}

export interface SessionInit {
  header: UftpHeader;
  replyTo: Endpoint;
  source: string;
  publicAddr: string;
  privateAddr: string;
  robust: number;
  blockSize: number;
  ccType: number;
  syncMode: boolean;
  syncPreview: boolean;
  restart: boolean;
  grtt: number;
  wall: number;
  now: number;
  serverTs: Timestamp;
}

export class ClientSession {
  readonly key: number;
  readonly groupId: number;
  readonly groupInst: number;
  readonly serverId: number;
  readonly version = UFTP_VERSION;
  /** Where our messages go: the ANNOUNCE's sender, or the -R response proxy. */
  readonly replyTo: Endpoint;
  /** The address the ANNOUNCE came from. */
  readonly source: string;
  readonly publicAddr: string;
  readonly privateAddr: string;
  readonly robust: number;
  readonly blockSize: number;
  readonly ccType: number;
  readonly syncMode: boolean;
  readonly syncPreview: boolean;
  /** A restarted session (instance > 0) with -T: a half-received file may be resumed. */
  readonly restart: boolean;
  /** Wall ms the session began (backup directory stamps). */
  readonly startWall: number;
  phase: Phase = 'registered';
  /** GRTT in seconds, from the server's latest header. */
  grtt: number;
  groupSize = 0;
  reg?: Registrant;
  /** The server's newest sequence number (older ones beyond MAX_MISORDER are dropped). */
  maxSeq: number;
  /** The server's last timestamp and when it came (wall ms): what REGISTER and FILEINFO_ACK echo. */
  serverTs: Timestamp;
  serverTsAt: number;
  /** Monotonic ms the current phase times out; re-armed lazily. */
  deadline = 0;
  timerAt = 0;
  /** Registration and completion give up at this monotonic ms. */
  expireAt = 0;
  /** While registering: the monotonic ms of the latest ANNOUNCE, and when the session ends without another (admission.ts). */
  announcedAt = 0;
  pendingUntil = 0;
  /** A KEYINFO naming us failed to decrypt while registering: the reason the registration's end gives. */
  keyInfoFailed = false;
  joined?: { group: string; sources?: string[] };
  /** The current file ID: 0 once DONE(0) asked for the session's end. */
  fileId = 0;
  file?: FileState;
  /** The last file's outcome, for a DONE or FILEINFO that repeats after it finished. */
  lastFileId = 0;
  lastStatus = 0;
  lastWasFreespace = false;
  freeSpaceSeen?: number;
  restartInfo?: RestartState;
  tfmcc?: TfmccReceiver;
  private seq = 0;

  constructor(init: SessionInit) {
    const h = init.header;
    this.key = sessionKey(h.groupId, h.groupInst);
    this.groupId = h.groupId;
    this.groupInst = h.groupInst;
    this.serverId = h.srcId;
    this.replyTo = init.replyTo;
    this.source = init.source;
    this.publicAddr = init.publicAddr;
    this.privateAddr = init.privateAddr;
    this.robust = init.robust;
    this.blockSize = init.blockSize;
    this.ccType = init.ccType;
    this.syncMode = init.syncMode;
    this.syncPreview = init.syncPreview;
    this.restart = init.restart;
    this.grtt = init.grtt;
    this.startWall = init.wall;
    this.maxSeq = h.seq;
    this.serverTs = init.serverTs;
    this.serverTsAt = init.wall;
  }

  /** The header of a message of ours in this session. */
  ownHeader(uid: number, func: number): UftpHeader {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return { version: this.version, func, seq, srcId: uid, groupId: this.groupId, groupInst: this.groupInst, grtt: 0, gsize: 0, reserved: 0 };
  }

  timerId(what: 'phase' | 'nak' | 'cc' | 'pending'): string {
    return `${what}:${this.key}`;
  }
}
