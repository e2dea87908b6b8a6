// Which new client IDs a REGISTER or CLIENT_KEY may add to an open group (no -H). Both are unauthenticated:
// anyone on the network can send thousands with new IDs, and each new ID is a record kept for the session, a
// key exchange when encrypted, a name in every KEYINFO or FILEINFO round until it is dropped as silent (the
// first file waits for it), and lines in the log and report. So: a cap on destinations (the real uftp's is
// 100 000, proxies included); per source address two token buckets, one spent per message that brings new
// IDs (a response proxy listing hundreds of clients in one REGISTER spends one) and one per new ID (so such
// lists cannot be forged by the thousand); a REGISTER adds at most the IDs one message of the session's
// block size holds; and refusals counted and summed up in one log line per interval. A closed group is
// bounded by its list. Refused clients retry: a real client sends its REGISTER again every 4 GRTT.
// Sans-I/O: the clock comes in, the summary line goes out.
import { RecentSources } from '../session/recent-sources';
import { MAX_TRACKED_SOURCES, REFUSAL_REPORT_MS, REFUSAL_REPORT_TIMER, RefusalTally } from '../session/refusal-tally';

/** The real uftp 4.10.2's MAXDEST: a 100 001st -H entry is refused, and so is the 100 001st REGISTERed ID. */
export const DEFAULT_MAX_CLIENTS = 100_000;
/** The limits a caller may set instead (uftp's --max-clients, send()'s maxClients). */
export const MAX_CLIENTS_RANGE = { min: 1, max: 1_000_000 };
/** Messages that bring new IDs, per source address: a second, and in a burst. */
export const NEW_REGISTRATIONS_PER_SEC = 5;
export const NEW_REGISTRATIONS_BURST = 20;
/** New client IDs per source address (each message's own and the clients a proxy lists). */
export const NEW_IDS_PER_SEC = 100;
export const NEW_IDS_BURST = 1000;
/** Addresses whose buckets are remembered; past it the longest idle are forgotten (full buckets again soon). */
export const MAX_TRACKED_ADDRESSES = MAX_TRACKED_SOURCES;
export { REFUSAL_REPORT_MS, REFUSAL_REPORT_TIMER };

/** rate: the address's buckets are empty; full: the cap; excess: more IDs than one REGISTER holds. */
export type ClientRefusal = 'rate' | 'full' | 'excess';

/** New IDs a message brings: its sender's own (not yet known), and those it lists as a proxy. */
export interface NewIds {
  self: boolean;
  listed: number;
}

export interface Admitted {
  self: boolean;
  /** How many of the listed new IDs may join, the first ones in the message. */
  listed: number;
  /** The sender itself was refused at the cap (the real uftp then sends it an ABORT). */
  selfAtCap: boolean;
  /** IDs refused, by why: for the counters. */
  refused: Partial<Record<ClientRefusal, number>>;
}

/** Two token buckets of one address, refilled at `at`. */
interface AddressBudget {
  messages: number;
  ids: number;
  at: number;
}

/** The client IDs one message of the session's block size holds: a proxy's REGISTER lists no more. */
export function idsPerMessage(blockSize: number): number {
  return Math.floor(blockSize / 4);
}

export class ClientAdmission {
  private readonly budgets = new RecentSources<AddressBudget>(MAX_TRACKED_ADDRESSES);
  private readonly refused = new RefusalTally<ClientRefusal>(['rate', 'full', 'excess']);

  constructor(
    readonly maxClients: number,
    readonly perMessage: number,
  ) {}

  /** Which of the new IDs of a message from `address` may join now, with `present` records in the table. */
  admit(address: string, wanted: NewIds, present: number, now: number): Admitted {
    const result: Admitted = { self: false, listed: 0, selfAtCap: false, refused: {} };
    const excess = Math.max(0, wanted.listed - this.perMessage);
    this.refuse(result, 'excess', excess, address, now);
    const want = (wanted.self ? 1 : 0) + wanted.listed - excess;
    if (want === 0) return result;
    const budget = this.budget(address, now);
    if (budget.messages < 1) {
      this.refuse(result, 'rate', want, address, now);
      return result;
    }
    budget.messages -= 1;
    const room = Math.min(want, Math.max(0, this.maxClients - present));
    this.refuse(result, 'full', want - room, address, now);
    const granted = Math.min(room, Math.floor(budget.ids));
    this.refuse(result, 'rate', room - granted, address, now);
    budget.ids -= granted;
    // The sender comes first: a proxy refused takes its list with it.
    if (wanted.self && granted === 0) {
      result.selfAtCap = room === 0;
      return result;
    }
    result.self = wanted.self;
    result.listed = granted - (wanted.self ? 1 : 0);
    return result;
  }

  /** When the next summary line is due (a timer), while refusals wait to be reported. */
  get nextReport(): number | undefined {
    return this.refused.nextReport;
  }

  /** The summary of the refusals since the last one, once due (or at once with `now` undefined: the session ends). */
  report(now?: number): string | undefined {
    const summary = this.refused.take(now);
    if (summary === undefined) return undefined;
    const { counts: { rate, full, excess }, busiest } = summary;
    const parts = [
      rate > 0 ? `${rate} over the rate of one address (${NEW_REGISTRATIONS_PER_SEC} registrations, ${NEW_IDS_PER_SEC} client IDs a second)` : '',
      full > 0 ? `${full} at the limit of ${this.maxClients} (max destinations exceeded)` : '',
      excess > 0 ? `${excess} past the ${this.perMessage} client IDs one REGISTER may list` : '',
    ].filter((p) => p !== '');
    return `New clients refused in the last ${REFUSAL_REPORT_MS / 1000} s: ${parts.join(', ')}; most from ${busiest.join(', ')}`;
  }

  private refuse(result: Admitted, why: ClientRefusal, n: number, address: string, now: number): void {
    if (n <= 0) return;
    result.refused[why] = (result.refused[why] ?? 0) + n;
    this.refused.note(why, n, address, now);
  }

  /** The address's buckets, refilled for the time since last asked. */
  private budget(address: string, now: number): AddressBudget {
    const known = this.budgets.get(address);
    const seconds = known === undefined ? 0 : (now - known.at) / 1000;
    const budget: AddressBudget = known === undefined
      ? { messages: NEW_REGISTRATIONS_BURST, ids: NEW_IDS_BURST, at: now }
      : { messages: Math.min(NEW_REGISTRATIONS_BURST, known.messages + seconds * NEW_REGISTRATIONS_PER_SEC), ids: Math.min(NEW_IDS_BURST, known.ids + seconds * NEW_IDS_PER_SEC), at: now };
    this.budgets.set(address, budget);
    return budget;
  }
}
