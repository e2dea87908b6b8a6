// One run of the chain benchmark on the proxy lab: uftp -R -1 on net A -> server proxy -> (unicast-only
// router) -> client proxy -> two uftpd on net B, every program of one suite: all ours or all the real C
// ones. Then each process's CPU and peak RSS, the machine's CPU, drops, passes, and the files' digests.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256File, type Lab, type LabHost, type LabProcess } from '../lab';
import { cpuSnapshot, grantedRcvbuf, machineCpuSeconds, otherPrograms, processUsage, rcvbufErrors, type ProcessUsage } from './measure';
import { launchUftpd } from './programs';
import { UFTP_PORT, startProxy, uidOf, type ProxyImpl } from './proxy-topology';
import { nakBlocks, parseUftpLog } from './uftp-log';
import { runUftp, type Granted } from './uftp-run';

export type Suite = ProxyImpl; // 'ours' | 'real': every program of the chain from one suite

/** Every program's -B, unless a run says otherwise: one the real programs really get. */
export const BUFFER = 4194304;
export const CHAIN_SERVER_ARGS = ['-R', '-1', '-t', '16', '-r', '0.05:0.01:1.0', '-x', '3'];

const CLIENTS = ['far1', 'far2'];
/** The kinds of process in a chain, in its order. */
export const KINDS = ['server', 'sproxy', 'cproxy', 'client'] as const;
export type Kind = (typeof KINDS)[number];

export interface ChainRunSpec {
  suite: Suite;
  buffer: number;
  file: string;
  sha: string;
  label: string;
  /** node options for our programs (--profile). */
  nodeFlags?: string[];
}

export interface ProcessFigures {
  kind: Kind;
  host: string;
  /** During the transfer (the daemons: from ready to uftp's end; uftp: its whole run). */
  cpuSeconds: number;
  peakRssMiB: number;
}

export interface ChainRunResult {
  suite: Suite;
  buffer: number;
  /** Receive buffers of the daemons' sockets by host, and the server's (ss -m). */
  granted: Record<string, number>;
  serverGranted?: Granted;
  intact: boolean[];
  statuses: string[];
  elapsedSeconds: number;
  wallSeconds: number;
  processes: ProcessFigures[];
  passes: number;
  rateCuts: number;
  naks: number;
  drops: Record<string, number>;
  machineCpuSeconds: number;
  foreignCpuSeconds: number;
  busiestOthers: string;
}

interface Daemon {
  kind: Kind;
  host: LabHost;
  proc: LabProcess;
  before?: ProcessUsage;
}

function timeoutMs(bytes: number): number {
  return Math.max(120_000, (bytes / (2 * 1024 * 1024)) * 1000); // fails below 2 MiB/s
}

export async function runChainRound(lab: Lab, spec: ChainRunSpec, bytes: number): Promise<ChainRunResult> {
  const B = ['-B', String(spec.buffer)];
  const flags = spec.suite === 'ours' ? spec.nodeFlags ?? [] : [];
  const dir = path.join(lab.tmpdir(), spec.label);
  const daemons: Daemon[] = [];
  try {
    for (const name of CLIENTS) {
      const host = lab.host(name);
      const proc = await launchUftpd(host, path.join(dir, name), { which: spec.suite, ifname: host.ifname('b'), extra: B, nodeFlags: flags, readyTimeoutMs: 60_000 });
      daemons.push({ kind: 'client', host, proc });
    }
    const [cproxy, sproxy, server] = [lab.host('cproxy'), lab.host('sproxy'), lab.host('server')];
    daemons.push({ kind: 'cproxy', host: cproxy, proc: await startProxy(cproxy, spec.suite, ['-c', '-I', cproxy.ifname('b'), ...B], UFTP_PORT, flags) });
    daemons.push({ kind: 'sproxy', host: sproxy, proc: await startProxy(sproxy, spec.suite, ['-s', cproxy.addr('b'), '-I', sproxy.ifname('a'), ...B], UFTP_PORT, flags) });
    const granted = Object.fromEntries(await Promise.all(daemons.map(async (d) => [d.host.name, await grantedRcvbuf(d.host, UFTP_PORT)] as const)));
    const watched = [server, ...daemons.map((d) => d.host)];
    const dropsBefore = await Promise.all(watched.map((h) => rcvbufErrors(h)));
    for (const d of daemons) d.before = await processUsage(d.proc.pid);
    const cpu0 = await cpuSnapshot();
    const run = await runUftp(server, spec.suite, ['-I', server.ifname('a'), ...B, ...CHAIN_SERVER_ARGS, spec.file], {
      nodeFlags: flags, timeoutMs: timeoutMs(bytes), label: spec.label, dir: lab.tmpdir(),
    });
    const cpu1 = await cpuSnapshot();
    const after = await Promise.all(daemons.map((d) => processUsage(d.proc.pid)));
    const dropsAfter = await Promise.all(watched.map((h) => rcvbufErrors(h)));
    await Promise.all(daemons.map((d) => d.proc.stop()));
    const report = parseUftpLog(run.log);
    if (run.code !== 0 || report.elapsedSeconds === undefined) {
      throw new Error(`${spec.suite} chain: uftp failed (exit ${run.code}):\n${run.log.slice(-3000)}`);
    }
    const processes: ProcessFigures[] = [
      { kind: 'server', host: server.name, cpuSeconds: run.usage.cpuSeconds, peakRssMiB: run.usage.peakRssMiB },
      ...daemons.map((d, i) => ({ kind: d.kind, host: d.host.name, cpuSeconds: after[i].cpuSeconds - d.before!.cpuSeconds, peakRssMiB: after[i].peakRssMiB })),
    ];
    const daemonsCpu = processes.slice(1).reduce((a, p) => a + p.cpuSeconds, 0);
    const others = otherPrograms(cpu0, cpu1, daemonsCpu);
    const farUids = CLIENTS.map((c) => uidOf(lab.host(c).addr('b')));
    const intact = await Promise.all(CLIENTS.map(async (c) => (await sha256File(path.join(dir, c, path.basename(spec.file))).catch(() => '')) === spec.sha));
    return {
      suite: spec.suite,
      buffer: spec.buffer,
      granted,
      serverGranted: run.granted,
      intact,
      statuses: farUids.map((u) => report.hosts.find((h) => h.uid === u)?.status ?? 'unreported'),
      elapsedSeconds: report.elapsedSeconds,
      wallSeconds: run.wallSeconds,
      processes,
      passes: report.passes,
      rateCuts: report.rateCuts,
      // Behind a proxy the NAKs come from it, in its name: count them all.
      naks: [...new Set(report.naks.map((n) => n.uid))].reduce((a, uid) => a + nakBlocks(report, uid), 0),
      drops: Object.fromEntries(watched.map((h, i) => [h.name, dropsAfter[i] - dropsBefore[i]])),
      machineCpuSeconds: machineCpuSeconds(cpu0, cpu1) - others.seconds,
      foreignCpuSeconds: others.seconds,
      busiestOthers: others.busiest,
    };
  } finally {
    await Promise.all(daemons.map((d) => d.proc.stop()));
    await rm(dir, { recursive: true, force: true }); // a GiB per client per run: do not keep them
  }
}
