// How often the server tells hosts outside the session with an ABORT: once a second per address, a few dozen a
// second in all, with a bounded memory of addresses.
import { STRANGER_ABORTS_PER_SEC, STRANGER_ABORT_INTERVAL_MS, StrangerAborts } from '../../lib/server/stranger-aborts';
import { MAX_TRACKED_SOURCES } from '../../lib/session/refusal-tally';

describe('StrangerAborts', () => {
  test('an address is answered once per interval', () => {
    const s = new StrangerAborts();
    expect(s.allow('198.18.0.3', 0)).toBe(true);
    expect(s.allow('198.18.0.3', STRANGER_ABORT_INTERVAL_MS - 1)).toBe(false);
    expect(s.allow('198.18.0.4', 10)).toBe(true);
    expect(s.allow('198.18.0.3', STRANGER_ABORT_INTERVAL_MS)).toBe(true);
  });

  test('many addresses: at most STRANGER_ABORTS_PER_SEC a second in all', () => {
    const s = new StrangerAborts();
    const allowedIn = (start: number) => Array.from({ length: 1000 }, (_, i) => s.allow(`10.0.${start}.${i % 250}-${i}`, start + i / 2)).filter(Boolean).length;
    expect(allowedIn(0)).toBe(STRANGER_ABORTS_PER_SEC);
    expect(allowedIn(1000)).toBe(STRANGER_ABORTS_PER_SEC);
  });

  test('past MAX_TRACKED_SOURCES addresses the oldest is forgotten (and may be answered again)', () => {
    const s = new StrangerAborts();
    let now = 0;
    for (let i = 0; i <= MAX_TRACKED_SOURCES; i++) {
      if (i % STRANGER_ABORTS_PER_SEC === 0) now += 1000;
      expect(s.allow(`a${i}`, now)).toBe(true);
    }
    expect(s.allow('a0', now + 1)).toBe(true); // forgotten: a new address again (the limit per second still holds)
    expect(s.allow(`a${MAX_TRACKED_SOURCES}`, now + 2)).toBe(false); // remembered
  });
});
