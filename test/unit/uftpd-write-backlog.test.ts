// The write backlog holds the sockets while more than its high-water mark of bytes is being written, and
// releases them once the writes are down to its low-water mark: once each way, however the writes interleave.
import { WriteBacklog } from '../../lib/cli/uftpd/write-backlog';

test('held above the high mark, released at the low mark, one call per change', () => {
  const calls: boolean[] = [];
  const backlog = new WriteBacklog((on) => calls.push(on), 100, 20);
  for (let i = 0; i < 10; i++) backlog.started(10); // 100: not above
  expect(calls).toEqual([]);
  backlog.started(10); // 110
  backlog.started(10); // 120
  expect(calls).toEqual([true]);
  for (let i = 0; i < 9; i++) backlog.finished(10); // 30
  expect(calls).toEqual([true]);
  backlog.finished(10); // 20: released
  backlog.finished(10);
  expect(calls).toEqual([true, false]);
  expect(backlog.inFlight).toBe(10);
  for (let i = 0; i < 10; i++) backlog.started(10); // 110 again
  expect(calls).toEqual([true, false, true]);
  expect(backlog.holds).toBe(2);
});

test('a failed write counts as finished too (the executor calls finished either way)', () => {
  const calls: boolean[] = [];
  const backlog = new WriteBacklog((on) => calls.push(on), 10, 0);
  backlog.started(11);
  backlog.finished(11);
  expect(calls).toEqual([true, false]);
  expect(backlog.inFlight).toBe(0);
});
