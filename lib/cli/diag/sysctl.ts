// Kernel limits that explain what a socket was granted (Linux only; null elsewhere).
import { readFileSync } from 'node:fs';

export function readSysctl(name: string): number | null {
  try {
    return Number(readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim());
  } catch {
    return null;
  }
}
