// One run of the server benchmark: our uftp or the real one, at -R -1, sends one file to two real uftpd on
// its segment; then what the server cost, what it made the clients and the machine do, and whether the
// files arrived intact.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256File, type Lab, type LabProcess, type LabSpec } from '../lab';
import { cpuSnapshot, grantedRcvbuf, machineCpuSeconds, otherPrograms, processUsage, rcvbufErrors, type ProcessUsage } from './measure';
import { UFTP_PORT, launchUftpd, uidOf } from './programs';
import { nakBlocks, parseUftpLog } from './uftp-log';
import type { ServerImpl } from './uftp-command';
import { runUftp, type Granted } from './uftp-run';

/** One segment: the server and two clients, each in a namespace of its own (its drops are its own). */
export const SERVER_LAB: LabSpec = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, c1: { segments: ['a'] }, c2: { segments: ['a'] } },
};
const CLIENTS = ['c1', 'c2'];

/** The clients' -B, and the servers' unless a run says otherwise: one the real programs really get. */
export const BUFFER = 4194304;

/** How uftp is run in every session (-x 3 logs each client's NAKs per section, and our rate cuts). */
export const SERVER_ARGS = ['-R', '-1', '-t', '16', '-r', '0.05:0.01:1.0', '-x', '3'];

export interface ServerRunSpec {
  which: ServerImpl;
  /** The server's -B (BUFFER, or a larger one that only ours gets, by FORCE). */
  buffer: number;
  file: string;
  sha: string;
  label: string;
  nodeFlags?: string[];
}

export interface ClientOutcome {
  uid: string;
  granted: number; // its socket's receive buffer
  intact: boolean;
  status: string; // Completed, ... as the server reports it
  naks: number; // blocks it NAKed over the session
  drops: number; // RcvbufErrors in its namespace
  cpuSeconds: number; // the real uftpd's CPU during the session
}

export interface ServerRunResult {
  which: ServerImpl;
  buffer: number;
  granted?: Granted;
  code: number | null;
  elapsedSeconds: number; // uftp's "Total elapsed time" of the file
  wallSeconds: number; // the whole uftp run, start to exit
  server: ProcessUsage; // its CPU over its whole run, and its peak RSS
  serverSplit: { user: number; system: number };
  passes: number;
  /** STATUS messages with NAKs the server logged (one per client per section it lost data in). */
  nakReports: number;
  rateCuts: number;
  clients: ClientOutcome[];
  /**
   * Whole-machine CPU (user, system, interrupts) while uftp ran, less the programs outside the benchmark:
   * kernel threads (packet delivery, write-back of the received files) count as the run's.
   */
  machineCpuSeconds: number;
  /** CPU of programs outside the benchmark meanwhile, and the busiest of them. */
  foreignCpuSeconds: number;
  busiestOthers: string;
  serverDrops: number;
}

function timeoutMs(bytes: number): number {
  return Math.max(120_000, (bytes / (2 * 1024 * 1024)) * 1000); // fails below 2 MiB/s
}

export async function runServerRound(lab: Lab, spec: ServerRunSpec, bytes: number): Promise<ServerRunResult> {
  const server = lab.host('server');
  const dir = path.join(lab.tmpdir(), spec.label);
  const started: LabProcess[] = [];
  try {
    for (const name of CLIENTS) {
      const host = lab.host(name);
      started.push(await launchUftpd(host, path.join(dir, name), { which: 'real', ifname: host.ifname('a'), extra: ['-B', String(BUFFER)], readyTimeoutMs: 60_000 }));
    }
    const hosts = CLIENTS.map((c) => lab.host(c));
    const granted = await Promise.all(hosts.map((h) => grantedRcvbuf(h, UFTP_PORT)));
    const dropsBefore = await Promise.all([server, ...hosts].map((h) => rcvbufErrors(h)));
    const before = await Promise.all(started.map((p) => processUsage(p.pid)));
    const cpu0 = await cpuSnapshot();
    const run = await runUftp(server, spec.which, ['-I', server.ifname('a'), '-B', String(spec.buffer), ...SERVER_ARGS, spec.file], {
      nodeFlags: spec.nodeFlags, timeoutMs: timeoutMs(bytes), label: spec.label, dir: lab.tmpdir(),
    });
    const cpu1 = await cpuSnapshot();
    const after = await Promise.all(started.map((p) => processUsage(p.pid)));
    const dropsAfter = await Promise.all([server, ...hosts].map((h) => rcvbufErrors(h)));
    await Promise.all(started.map((p) => p.stop()));
    const report = parseUftpLog(run.log);
    if (run.code !== 0 || report.elapsedSeconds === undefined) {
      throw new Error(`${spec.which} uftp failed (exit ${run.code}):\n${run.log.slice(-3000)}`);
    }
    // The clients still ran when cpu1 was taken (not yet in the harness's `tree`): they are the round's own.
    const clientsCpu = after.map((a, i) => a.cpuSeconds - before[i].cpuSeconds);
    const others = otherPrograms(cpu0, cpu1, clientsCpu.reduce((a, b) => a + b, 0));
    const clients: ClientOutcome[] = [];
    for (const [i, host] of hosts.entries()) {
      const uid = uidOf(host.addr('a'));
      const got = await sha256File(path.join(dir, CLIENTS[i], path.basename(spec.file))).catch(() => '');
      clients.push({
        uid,
        granted: granted[i],
        intact: got === spec.sha,
        status: report.hosts.find((h) => h.uid === uid)?.status ?? 'unreported',
        naks: nakBlocks(report, uid),
        drops: dropsAfter[i + 1] - dropsBefore[i + 1],
        cpuSeconds: clientsCpu[i],
      });
    }
    return {
      which: spec.which,
      buffer: spec.buffer,
      granted: run.granted,
      code: run.code,
      elapsedSeconds: report.elapsedSeconds,
      wallSeconds: run.wallSeconds,
      server: run.usage,
      serverSplit: run.split,
      passes: report.passes,
      nakReports: report.naks.length,
      rateCuts: report.rateCuts,
      clients,
      machineCpuSeconds: machineCpuSeconds(cpu0, cpu1) - others.seconds,
      foreignCpuSeconds: others.seconds,
      busiestOthers: others.busiest,
      serverDrops: dropsAfter[0] - dropsBefore[0],
    };
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true }); // a GiB per client per run: do not keep them
  }
}
