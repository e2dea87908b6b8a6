// Gathering client responses (protocol.txt 3.2, 3.3): REGISTER, FILEINFO_ACK, STATUS and COMPLETE from many
// clients wait here for 1 x GRTT (or the -T share of it) and leave as one message that lists the clients.
// REGISTER and FILEINFO_ACK put the client with the longest RTT first and carry its timestamp, moved on by
// the time the response waited here; STATUS merges the NAK bitmaps and carries the congestion info of the
// limiting receiver.
import type { FreespaceInfoExt, TfmccAckInfoExt } from '../protocol';
import { addHeld, timestampToWall, type Timestamp } from '../session/timing';

export type PendingKind = 'register' | 'fileinfoAck' | 'status' | 'complete';

export interface ClientResponse {
  clientId: number;
  /** Wall-clock ms when the response reached the proxy. */
  arrivalWall: number;
  /** The server timestamp the client echoed (REGISTER, FILEINFO_ACK). */
  echoed?: Timestamp;
  /** STATUS: the client's NAK bitmap. */
  naks?: Uint8Array;
  /** STATUS: the client's congestion control info. */
  ackInfo?: TfmccAckInfoExt;
  /** COMPLETE: free space reported after @FREESPACE. */
  freespace?: FreespaceInfoExt;
}

export interface Pending {
  kind: PendingKind;
  fileId: number;
  /** FILEINFO_ACK flags, STATUS section or COMPLETE status: responses that differ here go apart. */
  detail: number;
  /** Monotonic ms when the aggregate is sent. */
  due: number;
  responses: Map<number, ClientResponse>;
}

export class Aggregator {
  private readonly pending = new Map<string, Pending>();

  /** Adds a response; answers true when it opened a new aggregate (whose due time may need a timer). */
  add(kind: PendingKind, fileId: number, detail: number, response: ClientResponse, now: number, waitMs: number): boolean {
    const key = `${kind}:${fileId}:${detail}`;
    let p = this.pending.get(key);
    const opened = p === undefined;
    if (p === undefined) {
      p = { kind, fileId, detail, due: now + waitMs, responses: new Map() };
      this.pending.set(key, p);
    }
    p.responses.set(response.clientId, response);
    return opened;
  }

  /** Removes and answers every aggregate due at `now`. */
  takeDue(now: number): Pending[] {
    const due: Pending[] = [];
    for (const [key, p] of this.pending) {
      if (p.due <= now) {
        due.push(p);
        this.pending.delete(key);
      }
    }
    return due;
  }

  nextDue(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending.values()) if (next === undefined || p.due < next) next = p.due;
    return next;
  }

  get size(): number {
    return this.pending.size;
  }

  clear(): void {
    this.pending.clear();
  }
}

/** Client IDs with the longest-RTT client first (RTT as seen from here: arrival minus echoed time). */
export function orderByRtt(p: Pending): { ids: number[]; longest: ClientResponse } {
  const all = [...p.responses.values()];
  let longest = all[0];
  let longestRtt = -Infinity;
  for (const r of all) {
    if (r.echoed === undefined) continue;
    const rtt = r.arrivalWall - timestampToWall(r.echoed.sec, r.echoed.usec);
    if (rtt > longestRtt) {
      longestRtt = rtt;
      longest = r;
    }
  }
  return { ids: [longest.clientId, ...all.filter((r) => r !== longest).map((r) => r.clientId)], longest };
}

/** The timestamp an aggregate carries: the longest-RTT client's, plus the time it waited here. */
export function heldTimestamp(r: ClientResponse, sendWall: number): Timestamp {
  const echoed = r.echoed ?? { sec: 0, usec: 0 };
  return addHeld(echoed.sec, echoed.usec, sendWall - r.arrivalWall);
}

/** OR of the NAK bitmaps: a block missed by any client is sent again. */
export function mergeNaks(p: Pending): Uint8Array {
  let len = 0;
  for (const r of p.responses.values()) len = Math.max(len, r.naks?.length ?? 0);
  const out = new Uint8Array(len);
  for (const r of p.responses.values()) {
    const naks = r.naks;
    if (naks) for (let i = 0; i < naks.length; i++) out[i] |= naks[i];
  }
  return out;
}

const CC_CLR = 0x01;

/** The limiting receiver: the one flagged CLR, else the one with the lowest rate. */
export function limitingReceiver(p: Pending): ClientResponse | undefined {
  let clr: ClientResponse | undefined;
  for (const r of p.responses.values()) {
    if (!r.ackInfo) continue;
    if (r.ackInfo.flags & CC_CLR) return r;
    if (!clr || r.ackInfo.ccRate < (clr.ackInfo as TfmccAckInfoExt).ccRate) clr = r;
  }
  return clr;
}

/** Splits a client list into runs that fit in a message body of `blockSize` bytes. */
export function chunkIds(ids: number[], blockSize: number): number[][] {
  const per = Math.max(1, Math.floor(blockSize / 4));
  const chunks: number[][] = [];
  for (let i = 0; i < ids.length; i += per) chunks.push(ids.slice(i, i + per));
  return chunks.length > 0 ? chunks : [[]];
}
