// Whether a process still runs. A zombie does not: it has ended and only waits for whoever inherited it
// to reap it, which takes seconds here (PID 1 reaps orphans late, 2.4 s seen; Wine's processes are orphans).
import { readFileSync } from 'node:fs';

export function processAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
