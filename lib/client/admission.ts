// Which ANNOUNCEs open a session, and how long a session that never gets past its REGISTER lives (the rule
// itself: lib/session/admission.ts). An ANNOUNCE is unauthenticated: anyone on the segment can send
// thousands with new group IDs, and each one taken makes the client hold a session, join its private group
// and send REGISTERs (and, at the end, an ABORT) to the address the ANNOUNCE came from, which the forger
// chooses. So new sessions per source address and server ID are rate-limited: that bounds the memory, the
// joins, and the datagrams uftpd can be made to send to a third party, to a trickle. (A forger who spoofs
// many source addresses gets a bucket for each; the limit of sessions still bounds the state.) At the limit,
// of the sessions still registering the one longest without an ANNOUNCE makes room (by the time of its last
// ANNOUNCE, not by its timeout, which the forger's GRTT sets); sessions under way never do. A registering
// session ends after two missed ANNOUNCE repeats (pendingTimeoutMs), not after the 4 x ROBUST x GRTT its
// ANNOUNCE asks for (the forger's choice); a real server's repeated ANNOUNCEs keep it registering up to that
// full time. Refusals are logged as one summary line per interval.
import { Admission, ANNOUNCE_WORDS, pendingTimeoutMs } from '../session/admission';
import { glog, type Ctx } from './context';
import { abortSession, registrationUnconfirmed, type Sessions } from './ending';
import type { ClientSession } from './session';
import { expiryMs } from './timeouts';
import type { Endpoint } from './types';

/** As the real uftpd, whose 101st session is refused ("maximum number of incoming files exceeded: 100", observed). */
export const DEFAULT_MAX_SESSIONS = 100;

export interface AdmissionTable extends Sessions {
  readonly size: number;
  values(): IterableIterator<ClientSession>;
}

export class SessionAdmission {
  private readonly rule: Admission;

  constructor(maxSessions = DEFAULT_MAX_SESSIONS) {
    this.rule = new Admission(maxSessions, ANNOUNCE_WORDS);
  }

  /** Whether an ANNOUNCE of a new session from `from` may open it; at the limit a registering session makes room. */
  admit(ctx: Ctx, sessions: AdmissionTable, from: Endpoint, serverId: number): boolean {
    const victim = sessions.size >= this.rule.maxSessions ? oldestRegistering(sessions) : undefined;
    if (!this.rule.admit(ctx.out, from.address, serverId, ctx.clock.now, sessions.size, victim !== undefined)) return false;
    if (victim !== undefined) {
      this.rule.evicted();
      // A debug line only (the summary counts them); the ABORT tells a real but slow server we left.
      glog(ctx, victim, 4, 'Session ended to make room: registration not confirmed');
      ctx.out.push({ type: 'count', name: 'session.evicted' });
      abortSession(ctx, sessions, victim, 'Too many sessions');
    }
    return true;
  }

  /** The summary's timer. */
  onReportTimer(ctx: Ctx): void {
    this.rule.onReportTimer(ctx.out, ctx.clock.now);
  }
}

function oldestRegistering(sessions: AdmissionTable): ClientSession | undefined {
  let oldest: ClientSession | undefined;
  for (const s of sessions.values()) {
    if (s.phase === 'registered' && (oldest === undefined || s.announcedAt < oldest.announcedAt)) oldest = s;
  }
  return oldest;
}

/** An ANNOUNCE of a session still registering (its first one too): two more missed repeats end it. */
export function announceSeen(ctx: Ctx, session: ClientSession, grttByte: number): void {
  const first = session.pendingUntil === 0;
  session.announcedAt = ctx.clock.now;
  session.pendingUntil = ctx.clock.now + pendingTimeoutMs(grttByte, expiryMs(session));
  // Later ones only push the time back: the timer is armed again when it fires.
  if (first) ctx.out.push({ type: 'setTimer', id: session.timerId('pending'), at: session.pendingUntil });
}

/** The pending timer: a session still registering and not announced again ends; one under way is left alone. */
export function onPendingTimer(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  if (session.phase !== 'registered') return;
  if (ctx.clock.now + 1 < session.pendingUntil) {
    ctx.out.push({ type: 'setTimer', id: session.timerId('pending'), at: session.pendingUntil });
    return;
  }
  registrationUnconfirmed(ctx, sessions, session);
}
