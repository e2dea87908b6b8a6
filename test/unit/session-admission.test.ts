// The shared admission rule by itself (lib/session/admission.ts): buckets keyed by source address and ID,
// the wider one per address, the cap, and the summary line in its user's words. The proxy's and the client's
// use of it: proxy-admission.test.ts, client-admission.test.ts.
import {
  ANNOUNCE_WORDS, Admission, NEW_SESSIONS_BURST, NEW_SESSIONS_BURST_PER_ADDRESS, NEW_SESSIONS_PER_SEC, REFUSAL_REPORT_MS,
} from '../../lib/session/admission';

/** How many of `n` tries from `source` with IDs from `ids(i)` are let in at time `now` (no session limit). */
function admitted(a: Admission, n: number, source: string, ids: (i: number) => number, now = 0): number {
  let yes = 0;
  for (let i = 0; i < n; i++) if (a.check(source, ids(i), now, 0, false) === undefined) yes++;
  return yes;
}

describe('admission', () => {
  test('one bucket per address and ID, a wider one per address', () => {
    const a = new Admission(1000);
    expect(admitted(a, 100, '198.18.1.1', () => 7)).toBe(NEW_SESSIONS_BURST);
    expect(admitted(a, 100, '198.18.1.1', () => 8)).toBe(NEW_SESSIONS_BURST); // another ID, same address
    expect(admitted(a, 1000, '198.18.1.1', (i) => 100 + i)).toBe(NEW_SESSIONS_BURST_PER_ADDRESS - 2 * NEW_SESSIONS_BURST);
    expect(admitted(a, 100, '198.18.1.2', () => 7)).toBe(NEW_SESSIONS_BURST); // another address
    expect(admitted(a, 100, '198.18.1.1', () => 7, 1000)).toBe(NEW_SESSIONS_PER_SEC); // a second later
  });

  test('at the cap: refused unless a pending session can make room', () => {
    const a = new Admission(2);
    expect(a.check('198.18.1.1', 1, 0, 2, false)).toBe('full');
    expect(a.check('198.18.1.1', 1, 0, 2, true)).toBeUndefined();
    expect(a.check('198.18.1.1', 1, 0, 1, false)).toBeUndefined();
  });

  test('the summary line: once per interval, in the words given (neutral by default)', () => {
    const neutral = new Admission(1);
    neutral.check('198.18.1.1', 1, 0, 1, false);
    neutral.evicted();
    expect(neutral.nextReport).toBe(REFUSAL_REPORT_MS);
    expect(neutral.report(REFUSAL_REPORT_MS - 1)).toBeUndefined();
    expect(neutral.report(REFUSAL_REPORT_MS)).toBe(
      'New sessions refused in the last 10 s: 1 at the limit of 1 sessions, 1 sessions that never got past their first message ended early to make room; most from 198.18.1.1 (1)',
    );
    expect(neutral.nextReport).toBeUndefined();
    expect(neutral.report(2 * REFUSAL_REPORT_MS)).toBeUndefined();

    const announce = new Admission(100, ANNOUNCE_WORDS);
    admitted(announce, NEW_SESSIONS_BURST + 1, '198.18.1.1', () => 1);
    expect(announce.report(REFUSAL_REPORT_MS)).toMatch(/^New sessions refused in the last 10 s: 1 over 5 new per second from one server \(20 from one address\)/);
  });
});
