// What the proxy benchmark reads from the kernel: a process's CPU time and peak RSS (read before it is
// stopped), and the UDP receive-buffer drops of a network namespace.
import { readFile } from 'node:fs/promises';
import type { LabHost } from '../lab';
import { udpCounters } from './diag-lab';

const CLK_TCK = 100; // USER_HZ on Linux: /proc/PID/stat counts CPU time in these ticks

export interface ProcessUsage {
  cpuSeconds: number; // utime + stime
  peakRssMiB: number; // VmHWM
}

export async function processUsage(pid: number): Promise<ProcessUsage> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const hwm = status.match(/^VmHWM:\s+(\d+) kB/m);
  if (!hwm) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return { cpuSeconds: ticks / CLK_TCK, peakRssMiB: Number(hwm[1]) / 1024 };
}

/** RcvbufErrors of the Udp line of /proc/net/snmp inside the host's namespace. */
export async function rcvbufErrors(host: LabHost): Promise<number> {
  const errors = (await udpCounters(host)).RcvbufErrors;
  if (errors === undefined) throw new Error(`no Udp RcvbufErrors in /proc/net/snmp of ${host.name}`);
  return errors;
}

export interface CpuSnapshot {
  machine: number; // user + nice + system seconds of every CPU (/proc/stat)
  tree: number; // this process and its reaped children (the lab programs once stopped)
}

export async function cpuSnapshot(): Promise<CpuSnapshot> {
  const stat = await readFile('/proc/stat', 'utf8');
  const [user, nice, system] = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1, 4).map(Number);
  const self = await readFile('/proc/self/stat', 'utf8');
  // utime, stime, cutime, cstime: fields 14-17.
  const f = self.slice(self.lastIndexOf(')') + 2).split(' ');
  const tree = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return { machine: (user + nice + system) / CLK_TCK, tree: tree / CLK_TCK };
}

/**
 * CPU seconds that programs outside the benchmark used between two snapshots (other work on the
 * machine competing for its cores), taken once the round's programs have all been reaped.
 * Interrupt time is left out on both sides.
 */
export function foreignCpuSeconds(before: CpuSnapshot, after: CpuSnapshot): number {
  return Math.max(0, after.machine - before.machine - (after.tree - before.tree));
}
