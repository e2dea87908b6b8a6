// One round of the proxy benchmark: real `uftp -R -1` on net A -> server proxy -> client proxy -> two real
// uftpd on net B, with the proxies of one implementation; every program gets the same -B (BUFFER, which the
// real programs really get: rmem_max in a lab namespace), or ours a larger one only it gets (FORCE). The
// sizes the kernel granted are read from outside (ss -m).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256File, type Lab, type LabProcess } from '../lab';
import { cpuSnapshot, foreignCpuSeconds, grantedRcvbuf, processUsage, rcvbufErrors, type ProcessUsage } from './measure';
import { UFTP_PORT, startProxy, startUftpd, type ProxyImpl } from './proxy-topology';
import { checkBanner } from './real-programs';
import { parseUftpLog } from './uftp-log';

/** Every program's -B in the comparison: one the real programs really get (plain SO_RCVBUF, rmem_max 4 MB). */
export const BUFFER = 4194304;
const CLIENTS = ['far1', 'far2'];
const WATCHED = ['sproxy', 'cproxy', ...CLIENTS]; // namespaces whose UDP drops are counted

export interface RoundResult {
  which: ProxyImpl;
  /** -B of every program in this round. */
  buffer: number;
  /** Receive buffer granted per daemon (sproxy, cproxy, far1, far2), halved as -B counts. */
  granted: Record<string, number>;
  intact: boolean; // both clients hold the file, sha256 equal
  fileSeconds: number; // uftp's "Total elapsed time" of the file
  wallSeconds: number; // the whole uftp run, announce to DONE_CONF
  sproxy: ProcessUsage;
  cproxy: ProcessUsage;
  drops: Record<string, number>; // RcvbufErrors during the round, per namespace
  foreignCpuSeconds: number; // CPU used meanwhile by programs outside the benchmark
}

async function dropsNow(lab: Lab): Promise<Record<string, number>> {
  const counts = await Promise.all(WATCHED.map((h) => rcvbufErrors(lab.host(h))));
  return Object.fromEntries(WATCHED.map((h, i) => [h, counts[i]]));
}

/** `nodeFlags`: node options for our proxies (bench:proxy --profile). */
export async function runRound(
  lab: Lab,
  which: ProxyImpl,
  file: string,
  sha: string,
  label: string,
  nodeFlags: string[] = [],
  buffer = BUFFER,
): Promise<RoundResult> {
  const BUFFERS = ['-B', String(buffer)];
  const before = await dropsNow(lab);
  const cpuBefore = await cpuSnapshot();
  const dir = path.join(lab.tmpdir(), label);
  const started: LabProcess[] = [];
  try {
    for (const name of CLIENTS) started.push(await startUftpd(lab.host(name), path.join(dir, name), BUFFERS));
    const cproxy = lab.host('cproxy');
    const sproxy = lab.host('sproxy');
    const cp = await startProxy(cproxy, which, ['-c', '-I', cproxy.ifname('b'), ...BUFFERS], UFTP_PORT, nodeFlags);
    started.push(cp);
    const sp = await startProxy(sproxy, which, ['-s', cproxy.addr('b'), '-I', sproxy.ifname('a'), ...BUFFERS], UFTP_PORT, nodeFlags);
    started.push(sp);
    const daemons = ['sproxy', 'cproxy', ...CLIENTS];
    const granted = Object.fromEntries(await Promise.all(daemons.map(async (h) => [h, await grantedRcvbuf(lab.host(h), UFTP_PORT)] as const)));

    const server = lab.host('server');
    const t0 = process.hrtime.bigint();
    const args = ['-I', server.ifname('a'), '-R', '-1', ...BUFFERS, '-t', '16', '-r', '0.05:0.01:1.0', file];
    const run = await server.exec('/usr/bin/uftp', args, { timeoutMs: 900_000 });
    const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const log = run.stdout + run.stderr;
    const elapsed = parseUftpLog(log).elapsedSeconds;
    if (run.code !== 0 || elapsed === undefined) throw new Error(`uftp failed (${run.code}) with ${which} proxies:\n${log.slice(-3000)}`);
    checkBanner(log, '/usr/bin/uftp');
    for (const [i, name] of CLIENTS.entries()) checkBanner(started[i].stdout() + started[i].stderr(), `/usr/bin/uftpd on ${name}`);
    if (which === 'real') for (const [p, name] of [[sp, 'sproxy'], [cp, 'cproxy']] as const) checkBanner(p.stdout() + p.stderr(), `/usr/bin/uftpproxyd on ${name}`);

    const [spUsage, cpUsage] = [await processUsage(sp.pid), await processUsage(cp.pid)];
    await Promise.all(started.map((p) => p.stop()));
    const after = await dropsNow(lab);
    const foreign = foreignCpuSeconds(cpuBefore, await cpuSnapshot());
    const got = await Promise.all(CLIENTS.map((c) => sha256File(path.join(dir, c, path.basename(file))).catch(() => '')));
    return {
      which,
      buffer,
      granted,
      intact: got.every((g) => g === sha),
      fileSeconds: elapsed,
      wallSeconds,
      sproxy: spUsage,
      cproxy: cpUsage,
      drops: Object.fromEntries(WATCHED.map((h) => [h, after[h] - before[h]])),
      foreignCpuSeconds: foreign,
    };
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true }); // 500 MB per client per round: do not keep them
  }
}
