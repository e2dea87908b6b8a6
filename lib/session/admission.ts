// Which unauthenticated first messages may open a session. An ANNOUNCE is unauthenticated and anyone on the segment can send thousands with new group IDs; each would hold a session
// (memory, a timer, perhaps a join) until it timed out. So: a cap on sessions, new sessions per source limited
// by token buckets (one per source address and ID, and a wider one per address: a client proxy hears every
// server through one server proxy, and a flood forwarded by it must not use up the rate of the servers behind
// it), and the refusals counted and logged as one line per interval, not per packet. Sessions that never get
// past their first message expire quickly (pendingTimeoutMs) and, at the cap, the oldest of them makes room for
// a new one, so the sessions that carry traffic are never the ones to go. Used by the proxy and the client
// (keys: the ANNOUNCE's source address and server ID); each user gives the words of its summary line.
// Sans-I/O: the clock comes in, outputs go out.
import type { OutputSink } from './context';
import { RecentSources } from './recent-sources';
import { MAX_TRACKED_SOURCES, REFUSAL_REPORT_MS, REFUSAL_REPORT_TIMER, RefusalTally } from './refusal-tally';
import { grttMs, MIN_SESSION_TIMEOUT_MS } from './timing';

export { MAX_TRACKED_SOURCES, REFUSAL_REPORT_MS, REFUSAL_REPORT_TIMER };

/** New sessions a source (address and ID) may open per second, and in a burst: one per uftp process. */
export const NEW_SESSIONS_PER_SEC = 5;
export const NEW_SESSIONS_BURST = 20;
/** The same for all sources behind one address (a server proxy, or one host forging server IDs). */
export const NEW_SESSIONS_PER_SEC_PER_ADDRESS = 4 * NEW_SESSIONS_PER_SEC;
export const NEW_SESSIONS_BURST_PER_ADDRESS = 4 * NEW_SESSIONS_BURST;
/** A pending session may wait this long for an ANNOUNCE that is not repeated (see pendingTimeoutMs). */
const PENDING_MAX_MS = 30_000;

/**
 * How long a session that has seen only ANNOUNCEs lives without one: the server repeats its ANNOUNCE every
 * 3 x GRTT (protocol.txt 3.2), so two missed repeats, with the spec's one-second floor and at most 30 s, and
 * never longer than the session's own timeout.
 */
export function pendingTimeoutMs(grttByte: number, sessionTimeoutMs: number): number {
  const twoRepeats = 6 * grttMs(grttByte);
  return Math.min(sessionTimeoutMs, Math.min(PENDING_MAX_MS, Math.max(MIN_SESSION_TIMEOUT_MS, twoRepeats)));
}

interface Bucket {
  tokens: number;
  at: number;
}

export type Refusal = 'rate' | 'full';

/** How the summary line names things: 'New sessions refused ... from one server ... past their ANNOUNCE'. */
export interface AdmissionWords {
  /** What the ID of a key names ('server'). */
  source: string;
  /** The first message a pending session has not got past ('their ANNOUNCE'). */
  firstMessage: string;
}

/** The words of whoever takes sessions from ANNOUNCEs (the proxy, the client). */
export const ANNOUNCE_WORDS: AdmissionWords = { source: 'server', firstMessage: 'their ANNOUNCE' };
const NEUTRAL_WORDS: AdmissionWords = { source: 'source', firstMessage: 'their first message' };

export class Admission {
  private readonly buckets = new RecentSources<Bucket>();
  private readonly refused = new RefusalTally<Refusal>(['rate', 'full']);
  /** Pending sessions ended to make room since the last summary. */
  private evictions = 0;

  constructor(
    readonly maxSessions: number,
    private readonly words: AdmissionWords = NEUTRAL_WORDS,
  ) {}

  /**
   * Whether `source` (an address) may open a session for `id` (the ID it sends from) now; undefined = yes,
   * else why not. `sessions` is how many there are, `canEvict` whether one of them is only pending (its
   * eviction makes room).
   */
  check(source: string, id: number, now: number, sessions: number, canEvict: boolean): Refusal | undefined {
    if (sessions >= this.maxSessions && !canEvict) return this.refuse('full', source, now);
    const keyed = this.bucket(`${source}|${id >>> 0}`, now, NEW_SESSIONS_PER_SEC, NEW_SESSIONS_BURST);
    const address = this.bucket(source, now, NEW_SESSIONS_PER_SEC_PER_ADDRESS, NEW_SESSIONS_BURST_PER_ADDRESS);
    if (keyed.tokens < 1 || address.tokens < 1) return this.refuse('rate', source, now);
    keyed.tokens -= 1;
    address.tokens -= 1;
    return undefined;
  }

  /**
   * check() for a machine: a refusal is counted (drop.limit, session.refused.<why>) and arms the summary's
   * timer when one becomes due. True when the session may open; if that needed room, the caller ends the
   * pending session it chose and calls evicted().
   */
  admit(out: OutputSink, source: string, id: number, now: number, sessions: number, canEvict: boolean): boolean {
    const reportWasDue = this.nextReport;
    const refusal = this.check(source, id, now, sessions, canEvict);
    if (refusal === undefined) return true;
    out.push({ type: 'count', name: 'drop.limit' }, { type: 'count', name: `session.refused.${refusal}` });
    const due = this.nextReport;
    if (due !== undefined && due !== reportWasDue) out.push({ type: 'setTimer', id: REFUSAL_REPORT_TIMER, at: due });
    return false;
  }

  /** The summary's timer fired: its line, if refusals came; a timer that fired early is armed again. */
  onReportTimer(out: OutputSink, now: number): void {
    const line = this.report(now);
    if (line !== undefined) out.push({ type: 'log', level: 1, message: line });
    const due = this.nextReport;
    if (due !== undefined) out.push({ type: 'setTimer', id: REFUSAL_REPORT_TIMER, at: due });
  }

  /** A pending session was ended to make room for a new one. */
  evicted(): void {
    this.evictions++;
  }

  /** When the next summary line is due (a timer), if refusals wait to be reported. */
  get nextReport(): number | undefined {
    return this.refused.nextReport;
  }

  /** The summary of what was refused since the last one; undefined when nothing was. */
  report(now: number): string | undefined {
    const summary = this.refused.take(now);
    if (summary === undefined) return undefined;
    const { counts: { rate, full }, busiest } = summary;
    const evicted = this.evictions;
    this.evictions = 0;
    const parts = [
      rate > 0 ? `${rate} over ${NEW_SESSIONS_PER_SEC} new per second from one ${this.words.source} (${NEW_SESSIONS_PER_SEC_PER_ADDRESS} from one address)` : '',
      full > 0 ? `${full} at the limit of ${this.maxSessions} sessions` : '',
      evicted > 0 ? `${evicted} sessions that never got past ${this.words.firstMessage} ended early to make room` : '',
    ].filter((p) => p !== '');
    if (parts.length === 0) return undefined;
    const from = busiest.length > 0 ? `; most from ${busiest.join(', ')}` : '';
    return `New sessions refused in the last ${REFUSAL_REPORT_MS / 1000} s: ${parts.join(', ')}${from}`;
  }

  private refuse(why: Refusal, source: string, now: number): Refusal {
    this.refused.note(why, 1, source, now);
    return why;
  }

  private bucket(key: string, now: number, perSec: number, burst: number): Bucket {
    const known = this.buckets.get(key);
    const tokens = known === undefined ? burst : Math.min(burst, known.tokens + ((now - known.at) / 1000) * perSec);
    const bucket = { tokens, at: now };
    this.buckets.set(key, bucket);
    return bucket;
  }
}
