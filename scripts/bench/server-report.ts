// Prints the server benchmark: a line per run, then the medians of ours and the real uftp, their ratios,
// ours with a larger -B (by FORCE), and the goals.
import { foreignLine, median, ratioHeader, ratioRow, spread } from './common';
import type { ServerRunResult } from './server-round';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** normal: the server at the common -B; force: ours with a larger one, which only ours gets. */
export type RunKind = 'normal' | 'force';

export interface RunRecord {
  round: number;
  kind: RunKind;
  result: ServerRunResult;
}

export const mibPerSec = (r: ServerRunResult, bytes: number): number => bytes / MIB / r.elapsedSeconds;
const perGiB = (seconds: number, bytes: number): number => seconds / (bytes / GIB);
const intact = (r: ServerRunResult): boolean => r.clients.every((c) => c.intact && /^Completed/.test(c.status));
const naks = (r: ServerRunResult): number => r.clients.reduce((n, c) => n + c.naks, 0);
const clientDrops = (r: ServerRunResult): number => r.clients.reduce((n, c) => n + c.drops, 0);
const clientsCpu = (r: ServerRunResult): number => r.clients.reduce((n, c) => n + c.cpuSeconds, 0);

export function printRun(rec: RunRecord, bytes: number): void {
  const r = rec.result;
  const g = r.granted ? `granted rcv ${r.granted.receive} snd ${r.granted.send}` : 'granted ?';
  console.log(
    `round ${rec.round} ${r.which.padEnd(4)} ${rec.kind === 'force' ? 'FORCE ' : ''}-B ${r.buffer} (${g})  ${intact(r) ? 'intact' : 'NOT INTACT'}  ` +
      `${mibPerSec(r, bytes).toFixed(1).padStart(6)} MiB/s (file ${r.elapsedSeconds.toFixed(2)} s, wall ${r.wallSeconds.toFixed(2)} s)  ` +
      `server cpu ${r.server.cpuSeconds.toFixed(2)} s (${r.serverSplit.user.toFixed(2)} user + ${r.serverSplit.system.toFixed(2)} sys) = ${perGiB(r.server.cpuSeconds, bytes).toFixed(2)} s/GiB, peak RSS ${r.server.peakRssMiB.toFixed(1)} MiB  ` +
      `machine ${perGiB(r.machineCpuSeconds, bytes).toFixed(2)} CPU-s/GiB  other programs ${r.foreignCpuSeconds.toFixed(1)} s (${r.busiestOthers})`,
  );
  const clients = r.clients.map((c) => `${c.uid} rcv ${c.granted} ${c.status} ${c.naks} NAKs, ${c.drops} drops, cpu ${c.cpuSeconds.toFixed(2)} s`).join('; ');
  console.log(`    ${r.passes} pass${r.passes === 1 ? '' : 'es'}, ${r.nakReports} NAK reports, ${r.rateCuts} rate cuts; clients: ${clients}`);
}

/** Medians, ratios and goals. Returns whether every file arrived intact. */
export function printSummary(records: RunRecord[], bytes: number, rounds: number): boolean {
  const allIntact = records.every((r) => intact(r.result));
  const of = (which: string, kind: RunKind = 'normal') => records.filter((r) => r.result.which === which && r.kind === kind).map((r) => r.result);
  const [real, ours, forced] = [of('real'), of('ours'), of('ours', 'force')];
  const med = (rs: ServerRunResult[], f: (r: ServerRunResult) => number) => (rs.length === 0 ? NaN : median(rs.map(f)));
  const max = (rs: ServerRunResult[], f: (r: ServerRunResult) => number) => (rs.length === 0 ? NaN : Math.max(...rs.map(f)));
  const sum = (rs: ServerRunResult[], f: (r: ServerRunResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  const tput = (r: ServerRunResult) => mibPerSec(r, bytes);
  const cpu = (r: ServerRunResult) => perGiB(r.server.cpuSeconds, bytes);
  const machine = (r: ServerRunResult) => perGiB(r.machineCpuSeconds, bytes);

  ratioHeader(`medians over ${rounds} round${rounds === 1 ? '' : 's'}`, 'real uftp', 'ours');
  ratioRow('throughput, MiB/s', med(real, tput), med(ours, tput), '>= 1.0, every file intact');
  ratioRow('server CPU s per GiB', med(real, cpu), med(ours, cpu), '<= 0.5');
  ratioRow('  of which user space', med(real, (r) => perGiB(r.serverSplit.user, bytes)), med(ours, (r) => perGiB(r.serverSplit.user, bytes)));
  ratioRow('  of which kernel (sys)', med(real, (r) => perGiB(r.serverSplit.system, bytes)), med(ours, (r) => perGiB(r.serverSplit.system, bytes)));
  ratioRow('server peak RSS MiB (max)', max(real, (r) => r.server.peakRssMiB), max(ours, (r) => r.server.peakRssMiB), 'ours < 150');
  ratioRow('whole machine CPU s per GiB', med(real, machine), med(ours, machine));
  ratioRow("clients' CPU s per GiB (2 real uftpd)", med(real, (r) => perGiB(clientsCpu(r), bytes)), med(ours, (r) => perGiB(clientsCpu(r), bytes)));
  ratioRow('passes over the file (median)', med(real, (r) => r.passes), med(ours, (r) => r.passes), '', 0);
  ratioRow('runs with a second pass', real.filter((r) => r.passes > 1).length, ours.filter((r) => r.passes > 1).length, '', 0);
  ratioRow('NAK reports (STATUS with NAKs, sum)', sum(real, (r) => r.nakReports), sum(ours, (r) => r.nakReports), '', 0);
  ratioRow('blocks NAKed (sum)', sum(real, naks), sum(ours, naks), '', 0);
  ratioRow("RcvbufErrors at the clients (sum)", sum(real, clientDrops), sum(ours, clientDrops), '', 0);
  ratioRow('RcvbufErrors at the server (sum)', sum(real, (r) => r.serverDrops), sum(ours, (r) => r.serverDrops), '', 0);
  if (ours.length > 0) console.log(`ours' rate cuts (-R -1 finding the receivers' rate), per run: ${ours.map((r) => r.rateCuts).join(' ')}`);
  if (real.length > 0 && ours.length > 0) {
    console.log(`throughput range MiB/s: real ${spread(real.map(tput))}, ours ${spread(ours.map(tput))}`);
    console.log(`server CPU s/GiB range: real ${spread(real.map(cpu), 2)}, ours ${spread(ours.map(cpu), 2)}`);
    const paired = records
      .filter((r) => r.kind === 'normal' && r.result.which === 'ours')
      .map((o) => [o, records.find((r) => r.kind === 'normal' && r.result.which === 'real' && r.round === o.round)] as const)
      .filter((p) => p[1] !== undefined)
      .map(([o, r]) => tput(o.result) / tput(r!.result));
    if (paired.length > 0) console.log(`throughput ours/real per round: ${paired.map((p) => p.toFixed(2)).join(' ')}`);
  }
  if (forced.length > 0) {
    const f = forced[0];
    const g = f.granted ? `granted rcv ${f.granted.receive} snd ${f.granted.send}` : 'granted ?';
    console.log(
      `ours with -B ${f.buffer} (FORCE, ${g}): ${med(forced, tput).toFixed(1)} MiB/s (${spread(forced.map(tput))}), ` +
        `${med(forced, cpu).toFixed(2)} server CPU s/GiB, peak RSS ${max(forced, (r) => r.server.peakRssMiB).toFixed(1)} MiB, ` +
        `machine ${med(forced, machine).toFixed(2)} CPU s/GiB, passes ${forced.map((r) => r.passes).join(',')}, ${sum(forced, naks)} NAKs`,
    );
  }
  console.log(foreignLine(records.map((r) => r.result.foreignCpuSeconds / r.result.wallSeconds)));
  if (real.length > 0 && ours.length > 0) {
    const oursIntact = ours.every(intact);
    const goals = {
      throughput: med(ours, tput) / med(real, tput) >= 1.0 && oursIntact,
      cpu: med(ours, cpu) / med(real, cpu) <= 0.5,
      rss: max(ours, (r) => r.server.peakRssMiB) < 150,
    };
    const say = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`goals: throughput >= 1.0x intact ${say(goals.throughput)}; CPU per GiB <= 0.5x ${say(goals.cpu)}; RSS < 150 MiB ${say(goals.rss)}`);
  }
  console.log(`\nfiles intact and Completed in every run: ${allIntact ? 'yes' : 'NO'}`);
  return allIntact;
}
