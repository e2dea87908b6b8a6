// What the benchmarks read from the kernel: a process's CPU time and peak RSS (read before it is stopped),
// the UDP receive-buffer drops of a network namespace, the receive buffer a socket was granted, and the
// CPU time of the whole machine.
import { readdir, readFile, readlink } from 'node:fs/promises';
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

/**
 * The receive buffer the kernel granted the UDP socket bound to `port` in the host's namespace, read from
 * outside the program (`ss -m`): what SO_RCVBUF(FORCE) gave, whichever program asked. The kernel doubles
 * the size it is asked for (the other half is its bookkeeping) and reports the doubled one as rb; so does
 * getsockopt(SO_RCVBUF). Returned here halved, comparable to -B.
 */
export async function grantedRcvbuf(host: LabHost, port: number): Promise<number> {
  const ss = await host.exec('ss', ['-Hluamn', `sport = :${port}`]);
  const rb = [...ss.stdout.matchAll(/skmem:\([^)]*\brb(\d+)/g)].map((m) => Number(m[1]));
  if (rb.length === 0) throw new Error(`no UDP socket on port ${port} in ${host.name}: ${ss.stdout}${ss.stderr}`);
  return Math.min(...rb) / 2;
}

export interface CpuSnapshot {
  machine: number; // user + nice + system seconds of every CPU (/proc/stat)
  interrupts: number; // irq + softirq seconds of every CPU: much of the kernel's packet delivery
  tree: number; // this process and its reaped children (the lab programs once stopped)
  /**
   * Kernel threads' CPU seconds (ksoftirqd delivering packets, kworkers writing received files back):
   * work the benchmark causes, though no program of it runs it.
   */
  kernelThreads: number;
  /** CPU seconds of each other process (not a kernel thread, not this one or below it), by pid. */
  others: Map<number, { comm: string; seconds: number }>;
}

const PF_KTHREAD = 0x00200000;

/** Every task's CPU seconds, whether a kernel thread, and its parent (/proc/PID/stat). */
async function allTasks(): Promise<Map<number, { comm: string; ppid: number; kernel: boolean; seconds: number }>> {
  const tasks = new Map<number, { comm: string; ppid: number; kernel: boolean; seconds: number }>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined); // it may just have ended
    if (stat === undefined) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(name);
    const kernel = (Number(f[6]) & PF_KTHREAD) !== 0 || pid === 2;
    tasks.set(pid, { comm, ppid: Number(f[1]), kernel, seconds: (Number(f[11]) + Number(f[12])) / CLK_TCK });
  }
  return tasks;
}

export async function cpuSnapshot(): Promise<CpuSnapshot> {
  const stat = await readFile('/proc/stat', 'utf8');
  // The cpu line: user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq] = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1, 8).map(Number);
  const self = await readFile('/proc/self/stat', 'utf8');
  // utime, stime, cutime, cstime: fields 14-17.
  const f = self.slice(self.lastIndexOf(')') + 2).split(' ');
  const tree = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  const tasks = await allTasks();
  const mine = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = tasks.get(p)?.ppid ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  let kernelThreads = 0;
  const others = new Map<number, { comm: string; seconds: number }>();
  for (const [pid, t] of tasks) {
    if (t.kernel) kernelThreads += t.seconds;
    else if (!mine(pid)) others.set(pid, { comm: t.comm, seconds: t.seconds });
  }
  return { machine: (user + nice + system) / CLK_TCK, interrupts: (irq + softirq) / CLK_TCK, tree: tree / CLK_TCK, kernelThreads, others };
}

/**
 * What other programs did between two snapshots: their CPU seconds (processes seen in both, and those
 * that came and went: what the machine used beyond this process tree, `own` (the lab programs still
 * running) and the kernel threads), and the busiest of them by name.
 */
export function otherPrograms(before: CpuSnapshot, after: CpuSnapshot, own: number): { seconds: number; busiest: string } {
  // Interrupt time included: without IRQ time accounting the kernel charges the softirq work it does in
  // a process's context to that process's stime, while /proc/stat counts it as softirq.
  const tree = after.tree - before.tree;
  const residual = machineCpuSeconds(before, after) - tree - own - (after.kernelThreads - before.kernelThreads);
  const byName = new Map<string, number>();
  let seen = 0;
  for (const [pid, t] of after.others) {
    const used = t.seconds - (before.others.get(pid)?.seconds ?? 0);
    if (used <= 0) continue;
    byName.set(t.comm, (byName.get(t.comm) ?? 0) + used);
    seen += used;
  }
  const busiest = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 3).filter(([, s]) => s >= 0.05).map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(', ');
  // Those seen in both snapshots are counted exactly; the residual also has those that came and went.
  return { seconds: Math.max(0, seen, residual), busiest: busiest || 'none' };
}

/** Whole-machine CPU seconds between two snapshots, interrupt time included: every program and the kernel. */
export function machineCpuSeconds(before: CpuSnapshot, after: CpuSnapshot): number {
  return after.machine - before.machine + (after.interrupts - before.interrupts);
}

/**
 * CPU seconds that programs outside the benchmark used between two snapshots (other work on the
 * machine competing for its cores), taken once the round's programs have all been reaped.
 * Interrupt time is left out on both sides.
 */
export function foreignCpuSeconds(before: CpuSnapshot, after: CpuSnapshot): number {
  return Math.max(0, after.machine - before.machine - (after.tree - before.tree));
}

/** The program a process runs (/proc/PID/exe): which binary the figures of processUsage belong to. */
export async function executableOf(pid: number): Promise<string> {
  return readlink(`/proc/${pid}/exe`);
}

/** CPU seconds of one thread, user and system apart. */
export interface ThreadCpu {
  user: number;
  system: number;
}

/** Every thread of a process by thread id (/proc/PID/task/TID/stat); the main thread's id is the pid. */
export async function threadCpu(pid: number): Promise<Map<number, ThreadCpu>> {
  const tids = (await readdir(`/proc/${pid}/task`)).map(Number);
  const threads = new Map<number, ThreadCpu>();
  for (const tid of tids) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined); // it may just have ended
    if (stat === undefined) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    threads.set(tid, { user: Number(f[11]) / CLK_TCK, system: Number(f[12]) / CLK_TCK });
  }
  return threads;
}

/** Where a process's CPU went between two threadCpu readings: its main thread, and all its others. */
export interface CpuSplit {
  mainUser: number;
  mainSystem: number;
  otherUser: number; // node: the libuv pool (file writes), V8's GC and compiler helpers
  otherSystem: number;
}

export function cpuSplit(pid: number, before: Map<number, ThreadCpu>, after: Map<number, ThreadCpu>): CpuSplit {
  const split: CpuSplit = { mainUser: 0, mainSystem: 0, otherUser: 0, otherSystem: 0 };
  for (const [tid, now] of after) {
    const was = before.get(tid) ?? { user: 0, system: 0 };
    const [user, system] = [now.user - was.user, now.system - was.system];
    if (tid === pid) {
      split.mainUser += user;
      split.mainSystem += system;
    } else {
      split.otherUser += user;
      split.otherSystem += system;
    }
  }
  return split;
}
