// One session of the client benchmark: real `uftp -R -1` on a segment sends one file to our uftpd, the
// real uftpd, or both at once, each on a host of its own; then what each client cost and caused.
import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256File, type Lab, type LabHost, type LabProcess, type LabSpec } from '../lab';
import {
  cpuSnapshot,
  cpuSplit,
  executableOf,
  foreignCpuSeconds,
  grantedRcvbuf,
  machineCpuSeconds,
  processUsage,
  rcvbufErrors,
  threadCpu,
  type CpuSplit,
} from './measure';
import { UFTP_PORT, launchUftpd, uidOf, type ClientImpl } from './programs';
import { nakBlocks, nakPasses, nakSections, parseUftpLog } from './uftp-log';

/** One segment: the server and a host per client implementation, so each one's drops are its own. */
export const CLIENT_LAB: LabSpec = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, ours: { segments: ['a'] }, real: { segments: ['a'] } },
};

export type Cipher = 'plain' | 'gcm';
export const CIPHER_ARGS: Record<Cipher, string[]> = {
  plain: [],
  // No -k: the server and each client make a throwaway RSA key, as they do by default.
  gcm: ['-Y', 'aes256-gcm', '-h', 'sha256'],
};

/** The server's -B, and every client's unless a run says otherwise: one the real programs really get. */
export const BUFFER = 4194304;

export interface ClientRun {
  which: ClientImpl;
  /** -B for this client (BUFFER, or a larger one that only ours gets, by FORCE). */
  buffer: number;
}

export interface ClientResult extends ClientRun {
  /** What the kernel gave its socket (ss -m), comparable to -B. */
  granted: number;
  intact: boolean; // the received file's sha256 is the sent one's
  status: string; // as uftp reports it: Completed, ...
  seconds: number; // uftp's time from the file's start to this client's completion
  /** CPU (user + system) of the daemon during the session: from when it was ready to when uftp ended. */
  cpuSeconds: number;
  /** cpuSeconds by thread, user and system apart (threads that ended during the session are missed). */
  split: CpuSplit;
  /** Its CPU from exec to ready (loading, key generation): not counted in cpuSeconds. */
  startupCpuSeconds: number;
  peakRssMiB: number; // VmHWM at the end of the session
  /** Passes over the file in which it sent NAKs: each one made the server send once more. */
  nakPasses: number[];
  naks: number; // blocks NAKed, summed over the session
  nakSections: number[]; // the sections it NAKed, in order (where in the file it fell behind)
  sections: number; // how many the file has
  drops: number; // RcvbufErrors in its namespace during the session
}

export interface SessionResult {
  cipher: Cipher;
  together: boolean; // one session to both clients, or to one alone
  clients: ClientResult[];
  passes: number; // over the file, by the server
  elapsedSeconds: number; // uftp's "Total elapsed time" of the file
  wallSeconds: number; // the whole uftp run, announce to DONE_CONF
  /**
   * Whole-machine CPU while uftp ran (user, system, interrupts: server, clients, kernel), less what the
   * programs outside the benchmark used.
   */
  machineCpuSeconds: number;
  /** CPU used meanwhile by programs outside the benchmark (kernel threads such as disk write-back included). */
  foreignCpuSeconds: number;
  serverDrops: number;
}

export interface SessionSpec {
  cipher: Cipher;
  clients: ClientRun[];
  file: string;
  sha: string;
  label: string; // names its directory under the lab's tmpdir
  nodeFlags?: string[]; // for ours (--profile)
}

interface Started {
  run: ClientRun;
  host: LabHost;
  proc: LabProcess;
  dest: string;
  startup: number; // CPU seconds up to ready
  drops: number; // RcvbufErrors before
}

/** The measured program is the daemon itself (node for ours, not a wrapper), or the figures mean nothing. */
async function checkExecutable(which: ClientImpl, pid: number): Promise<void> {
  const want = realpathSync(which === 'ours' ? process.execPath : '/usr/bin/uftpd');
  const exe = await executableOf(pid);
  if (exe !== want) throw new Error(`pid ${pid} runs ${exe}, not ${want}: its CPU and RSS would not be the ${which} uftpd's`);
}

async function startClient(lab: Lab, spec: SessionSpec, run: ClientRun, dir: string): Promise<Started> {
  const host = lab.host(run.which); // CLIENT_LAB has a host per implementation
  const dest = path.join(dir, run.which);
  const proc = await launchUftpd(host, dest, {
    which: run.which,
    ifname: host.ifname('a'),
    extra: ['-B', String(run.buffer)],
    nodeFlags: run.which === 'ours' ? spec.nodeFlags : undefined,
    readyTimeoutMs: 60_000, // a GiB being written back to disk can hold up the start
  });
  await checkExecutable(run.which, proc.pid);
  return { run, host, proc, dest, startup: (await processUsage(proc.pid)).cpuSeconds, drops: await rcvbufErrors(host) };
}

function uftpTimeoutMs(bytes: number): number {
  return Math.max(120_000, (bytes / (2 * 1024 * 1024)) * 1000); // fails below 2 MiB/s
}

export async function runSession(lab: Lab, spec: SessionSpec, bytes: number): Promise<SessionResult> {
  const server = lab.host('server');
  const dir = path.join(lab.tmpdir(), spec.label);
  const started: Started[] = [];
  try {
    for (const run of spec.clients) started.push(await startClient(lab, spec, run, dir));
    const granted = await Promise.all(started.map((s) => grantedRcvbuf(s.host, UFTP_PORT)));
    const serverDrops = await rcvbufErrors(server);
    const before = await Promise.all(started.map((s) => processUsage(s.proc.pid)));
    const threadsBefore = await Promise.all(started.map((s) => threadCpu(s.proc.pid)));

    const args = ['-I', server.ifname('a'), '-R', '-1', '-B', String(BUFFER), '-t', '16', '-r', '0.05:0.01:1.0', '-x', '3'];
    const cpu0 = await cpuSnapshot();
    const t0 = process.hrtime.bigint();
    const run = await server.exec('/usr/bin/uftp', [...args, ...CIPHER_ARGS[spec.cipher], spec.file], { timeoutMs: uftpTimeoutMs(bytes) });
    const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = await cpuSnapshot();
    const after = await Promise.all(started.map((s) => processUsage(s.proc.pid)));
    const threadsAfter = await Promise.all(started.map((s) => threadCpu(s.proc.pid)));
    const log = run.stdout + run.stderr;
    const report = parseUftpLog(log);
    if (run.code !== 0 || report.elapsedSeconds === undefined) {
      throw new Error(`uftp failed (${run.code}) to ${spec.clients.map((c) => c.which).join(' + ')}:\n${log.slice(-3000)}`);
    }

    const drops = await Promise.all(started.map((s) => rcvbufErrors(s.host)));
    const serverDropsAfter = await rcvbufErrors(server);
    await Promise.all(started.map((s) => s.proc.stop()));
    // Other programs' CPU while uftp ran: the clients still run (not yet in `tree`), so take theirs off too.
    const clientsCpu = after.reduce((sum, a, i) => sum + a.cpuSeconds - before[i].cpuSeconds, 0);
    const foreign = Math.max(0, foreignCpuSeconds(cpu0, cpu1) - clientsCpu);
    const clients: ClientResult[] = [];
    for (const [i, s] of started.entries()) {
      const uid = uidOf(s.host.addr('a'));
      const host = report.hosts.find((h) => h.uid === uid);
      const got = await sha256File(path.join(s.dest, path.basename(spec.file))).catch(() => '');
      clients.push({
        ...s.run,
        granted: granted[i],
        intact: got === spec.sha,
        status: host?.status ?? 'unreported',
        seconds: host?.seconds ?? NaN,
        cpuSeconds: after[i].cpuSeconds - before[i].cpuSeconds,
        split: cpuSplit(s.proc.pid, threadsBefore[i], threadsAfter[i]),
        startupCpuSeconds: s.startup,
        peakRssMiB: after[i].peakRssMiB,
        nakPasses: nakPasses(report, uid),
        naks: nakBlocks(report, uid),
        nakSections: nakSections(report, uid),
        sections: report.sections ?? 0,
        drops: drops[i] - s.drops,
      });
    }
    return {
      cipher: spec.cipher,
      together: spec.clients.length > 1,
      clients,
      passes: report.passes,
      elapsedSeconds: report.elapsedSeconds,
      wallSeconds,
      machineCpuSeconds: machineCpuSeconds(cpu0, cpu1) - foreign,
      foreignCpuSeconds: foreign,
      serverDrops: serverDropsAfter - serverDrops,
    };
  } finally {
    await Promise.all(started.map((s) => s.proc.stop()));
    await rm(dir, { recursive: true, force: true }); // a GiB per client per session: do not keep them
  }
}
