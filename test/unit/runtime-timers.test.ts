// Named timers at deadlines: pushing a deadline back, pulling it forward, cancelling. Jest's fake
// clock drives them, so the test states what fires when without waiting.
import { TimerTable } from '../../lib/runtime/timers';

describe('TimerTable', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  function table(): { timers: TimerTable; fired: Array<[string, number]> } {
    const fired: Array<[string, number]> = [];
    const timers = new TimerTable((id) => fired.push([id, Date.now()]), () => Date.now());
    return { timers, fired };
  }

  it('fires once at the deadline', () => {
    const { timers, fired } = table();
    timers.set('a', 100);
    jest.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([['a', 100]]);
    jest.advanceTimersByTime(1000);
    expect(fired).toHaveLength(1);
    expect(timers.size).toBe(0);
  });

  it('a deadline pushed back fires at the new time, once, with a single Node timer pending', () => {
    const { timers, fired } = table();
    timers.set('a', 100);
    for (let at = 110; at <= 300; at += 10) timers.set('a', at);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(299);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([['a', 300]]);
  });

  it('a deadline pulled forward fires early; cancel and clear stop timers', () => {
    const { timers, fired } = table();
    timers.set('b', 500);
    timers.set('b', 200);
    timers.set('c', 100);
    timers.cancel('c');
    timers.cancel('unknown');
    timers.set('d', 400);
    jest.advanceTimersByTime(300);
    expect(fired).toEqual([['b', 200]]);
    timers.clear();
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual([['b', 200]]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a deadline in the past fires on the next turn', () => {
    const { timers, fired } = table();
    jest.advanceTimersByTime(50);
    timers.set('late', 10);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(0);
    expect(fired).toEqual([['late', 50]]);
  });
});
