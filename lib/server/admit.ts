// New client IDs into an open group, as admission.ts decides: refusals counted (drop.limit and
// client.refused.WHY), their summary line timed, and a sender refused at the cap told so with an ABORT, as
// the real uftp tells it (the clients a proxy lists past the cap are not: one ABORT per ID would answer a
// forged list with hundreds of datagrams).
import { abortClient } from './aborts';
import { REFUSAL_REPORT_TIMER, type Admitted, type NewIds } from './admission';
import { slog } from './outgoing';
import type { Ctx } from './state';
import type { Endpoint } from './types';

export function admitNew(ctx: Ctx, id: number, wanted: NewIds, from: Endpoint): Admitted {
  const { admission } = ctx.state;
  const due = admission.nextReport;
  const admitted = admission.admit(from.address, wanted, ctx.state.clients.size, ctx.clock.now);
  for (const [why, n] of Object.entries(admitted.refused)) {
    ctx.out.push({ type: 'count', name: 'drop.limit', by: n }, { type: 'count', name: `client.refused.${why}`, by: n });
  }
  const next = admission.nextReport;
  if (next !== undefined && next !== due) ctx.out.push({ type: 'setTimer', id: REFUSAL_REPORT_TIMER, at: next });
  if (admitted.selfAtCap) abortClient(ctx, id, 'Max destinations exceeded', from);
  return admitted;
}

/** The summary timer: the line, if any; a timer that fired a little early is set again for the line's time. */
export function onRefusalReport(ctx: Ctx): void {
  const { admission } = ctx.state;
  const line = admission.report(ctx.clock.now);
  if (line !== undefined) slog(ctx, 1, line);
  const due = admission.nextReport;
  if (due !== undefined) ctx.out.push({ type: 'setTimer', id: REFUSAL_REPORT_TIMER, at: due });
}

/** The session ends: refusals not summed up yet are, now. */
export function lastRefusalReport(ctx: Ctx): void {
  const line = ctx.state.admission.report();
  if (line !== undefined) slog(ctx, 1, line);
  ctx.out.push({ type: 'cancelTimer', id: REFUSAL_REPORT_TIMER });
}
