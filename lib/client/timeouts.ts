// The client's clocks (protocol.txt 3.2): REGISTER again every 4 x GRTT until 4 x ROBUST x GRTT have passed;
// a session silent for ROBUST x GRTT is dropped; COMPLETE of the session again every 4 x GRTT until
// 4 x ROBUST x GRTT. No limit is under one second. The phase timer is armed once and moved lazily: every
// packet pushes the deadline back, and only an earlier deadline re-arms the daemon's timer.
import type { Ctx } from './context';
import type { ClientSession } from './session';

const MIN_MS = 1000;

export function phaseTimeoutMs(session: ClientSession): number {
  const grttMs = session.grtt * 1000;
  if (session.phase === 'registered' || session.phase === 'complete') return 4 * grttMs;
  return Math.max(MIN_MS, session.robust * grttMs);
}

/** 4 x ROBUST x GRTT, at least a second: how long REGISTER and the session's COMPLETE are repeated. */
export function expiryMs(session: ClientSession): number {
  return Math.max(MIN_MS, 4 * session.robust * session.grtt * 1000);
}

/** Starts the phase's timeout afresh from now. */
export function resetTimeout(ctx: Ctx, session: ClientSession): void {
  session.deadline = ctx.clock.now + phaseTimeoutMs(session);
  armAt(ctx, session, session.deadline);
}

function armAt(ctx: Ctx, session: ClientSession, at: number): void {
  if (session.timerAt !== 0 && session.timerAt <= at) return;
  session.timerAt = at;
  ctx.out.push({ type: 'setTimer', id: session.timerId('phase'), at });
}

/** The phase timer fired: true when the deadline has really passed (else it is armed again for it). */
export function timedOut(ctx: Ctx, session: ClientSession): boolean {
  session.timerAt = 0;
  if (ctx.clock.now + 1 >= session.deadline) return true;
  armAt(ctx, session, session.deadline);
  return false;
}
