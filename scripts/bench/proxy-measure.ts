// What the proxy benchmark reads from the kernel: a process's CPU time and peak RSS (read before it is
// stopped), and the UDP receive-buffer drops of a network namespace.
import { readFile } from 'node:fs/promises';
import type { LabHost } from '../lab';

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
  const snmp = (await host.exec('cat', ['/proc/net/snmp'])).stdout;
  const [names, values] = snmp.split('\n').filter((l) => l.startsWith('Udp:'));
  const col = names.split(/\s+/).indexOf('RcvbufErrors');
  if (col < 0 || !values) throw new Error(`no Udp RcvbufErrors in /proc/net/snmp of ${host.name}`);
  return Number(values.split(/\s+/)[col]);
}
