// --max-sessions (ours, uftpd and uftpproxyd): the most sessions the daemon holds at once. ANNOUNCEs are
// unauthenticated: lib/session/admission.ts bounds what forged ones can make, and this is its limit.
import {
  NEW_SESSIONS_BURST, NEW_SESSIONS_BURST_PER_ADDRESS, NEW_SESSIONS_PER_SEC, NEW_SESSIONS_PER_SEC_PER_ADDRESS, REFUSAL_REPORT_MS,
} from '../../session/admission';
import { takeLongOptions } from './long-options';
import type { ManualItem } from './manual';
import { parseInteger } from './numbers';

export const MAX_SESSIONS_OPTION = '--max-sessions';
const RANGE = { min: 1, max: 1_000_000 };

/** Takes --max-sessions N (or =N) out of argv; UsageError when it lacks its value, is repeated or out of range. */
export function takeMaxSessions(argv: readonly string[], optstring: string): { argv: string[]; maxSessions?: number } {
  const long = takeLongOptions(argv, optstring, [MAX_SESSIONS_OPTION], () => 'a number of sessions');
  const text = long.values.get(MAX_SESSIONS_OPTION);
  if (text === undefined) return { argv: long.argv };
  return { argv: long.argv, maxSessions: parseInteger(MAX_SESSIONS_OPTION.slice(1), 'number of sessions', text, RANGE) };
}

/**
 * The manual's item. `byDefault`: the default and why; `pending`: a session that has got no further than its
 * ANNOUNCE, as the daemon sees it ('that has seen only its ANNOUNCE').
 */
export function maxSessionsManual(byDefault: string, pending: string): ManualItem {
  return {
    term: `${MAX_SESSIONS_OPTION} count`,
    text: `Ours: the most sessions held at once, ${RANGE.min} to ${RANGE.max}. Default ${byDefault}. ANNOUNCEs are unauthenticated, so ` +
      `state they open is bounded: past this limit a session ${pending} makes room (or the new one is refused); each server ` +
      `(source address and ID) may open ${NEW_SESSIONS_PER_SEC} sessions a second (bursts of ${NEW_SESSIONS_BURST}), each source address ` +
      `${NEW_SESSIONS_PER_SEC_PER_ADDRESS} (bursts of ${NEW_SESSIONS_BURST_PER_ADDRESS}); a session ${pending} ends after two missed repeats ` +
      `of its ANNOUNCE (1 to 30 s). Refusals are counted (drop.limit) and logged once every ${REFUSAL_REPORT_MS / 1000} s.`,
  };
}
