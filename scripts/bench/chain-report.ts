// Prints the chain benchmark: a line per run, then the medians of the all-ours and the all-C suite, their
// ratios, per process kind, the all-ours suite with a larger -B (by FORCE), and the issue's goals.
import { foreignLine, median, ratioHeader, ratioRow, spread } from './common';
import { KINDS, type ChainRunResult, type Kind } from './chain-round';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export type RunKind = 'normal' | 'force';

export interface ChainRecord {
  round: number;
  kind: RunKind;
  result: ChainRunResult;
}

const mibPerSec = (r: ChainRunResult, bytes: number): number => bytes / MIB / r.elapsedSeconds;
const perGiB = (seconds: number, bytes: number): number => seconds / (bytes / GIB);
const intact = (r: ChainRunResult): boolean => r.intact.every(Boolean) && r.statuses.every((s) => /^Completed/.test(s));
const kindCpu = (r: ChainRunResult, kind: Kind): number => r.processes.filter((p) => p.kind === kind).reduce((a, p) => a + p.cpuSeconds, 0);
const kindRss = (r: ChainRunResult, kind: Kind): number => Math.max(...r.processes.filter((p) => p.kind === kind).map((p) => p.peakRssMiB));
const chainCpu = (r: ChainRunResult): number => r.processes.reduce((a, p) => a + p.cpuSeconds, 0);
const drops = (r: ChainRunResult): number => Object.values(r.drops).reduce((a, n) => a + n, 0);

export function printRun(rec: ChainRecord, bytes: number): void {
  const r = rec.result;
  const g = Object.entries(r.granted).map(([h, n]) => `${h} ${n}`).join(' ');
  const sg = r.serverGranted ? `server rcv ${r.serverGranted.receive} snd ${r.serverGranted.send}` : 'server ?';
  console.log(
    `round ${rec.round} ${r.suite.padEnd(4)} ${rec.kind === 'force' ? 'FORCE ' : ''}-B ${r.buffer}  ${intact(r) ? 'intact' : 'NOT INTACT'}  ` +
      `${mibPerSec(r, bytes).toFixed(1).padStart(6)} MiB/s (file ${r.elapsedSeconds.toFixed(2)} s, wall ${r.wallSeconds.toFixed(2)} s)  ` +
      `chain ${perGiB(chainCpu(r), bytes).toFixed(2)} CPU-s/GiB, machine ${perGiB(r.machineCpuSeconds, bytes).toFixed(2)} CPU-s/GiB  ` +
      `other programs ${r.foreignCpuSeconds.toFixed(1)} s (${r.busiestOthers})`,
  );
  const procs = r.processes.map((p) => `${p.host} ${p.cpuSeconds.toFixed(2)} s ${p.peakRssMiB.toFixed(0)} MiB`).join(', ');
  const d = Object.entries(r.drops).map(([h, n]) => `${h}=${n}`).join(' ');
  console.log(`    granted rcv: ${sg}, ${g}\n    cpu/RSS: ${procs}\n    ${r.passes} pass${r.passes === 1 ? '' : 'es'}, ${r.naks} NAKs, ${r.rateCuts} rate cuts; RcvbufErrors ${d}`);
}

/** Medians, ratios and goals. Returns whether every file arrived intact. */
export function printSummary(records: ChainRecord[], bytes: number, rounds: number): boolean {
  const allIntact = records.every((r) => intact(r.result));
  const of = (suite: string, kind: RunKind = 'normal') => records.filter((r) => r.result.suite === suite && r.kind === kind).map((r) => r.result);
  const [real, ours, forced] = [of('real'), of('ours'), of('ours', 'force')];
  const med = (rs: ChainRunResult[], f: (r: ChainRunResult) => number) => (rs.length === 0 ? NaN : median(rs.map(f)));
  const max = (rs: ChainRunResult[], f: (r: ChainRunResult) => number) => (rs.length === 0 ? NaN : Math.max(...rs.map(f)));
  const sum = (rs: ChainRunResult[], f: (r: ChainRunResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  const tput = (r: ChainRunResult) => mibPerSec(r, bytes);
  const cpu = (r: ChainRunResult) => perGiB(chainCpu(r), bytes);
  const machine = (r: ChainRunResult) => perGiB(r.machineCpuSeconds, bytes);

  ratioHeader(`medians over ${rounds} round${rounds === 1 ? '' : 's'}`, 'all C', 'all ours');
  ratioRow('throughput, MiB/s', med(real, tput), med(ours, tput), '>= 1.5, every file intact');
  ratioRow('CPU s per GiB, sum of the chain', med(real, cpu), med(ours, cpu), '<= 0.5');
  ratioRow('CPU s per GiB, whole machine', med(real, machine), med(ours, machine), '<= 0.5');
  for (const kind of KINDS) ratioRow(`  CPU s per GiB, ${kind}${kind === 'client' ? 's (2)' : ''}`, med(real, (r) => perGiB(kindCpu(r, kind), bytes)), med(ours, (r) => perGiB(kindCpu(r, kind), bytes)));
  for (const kind of KINDS) ratioRow(`peak RSS MiB, ${kind} (max)`, max(real, (r) => kindRss(r, kind)), max(ours, (r) => kindRss(r, kind)), '', 1);
  ratioRow('runs with a second pass', real.filter((r) => r.passes > 1).length, ours.filter((r) => r.passes > 1).length, '', 0);
  ratioRow('blocks NAKed (sum)', sum(real, (r) => r.naks), sum(ours, (r) => r.naks), '', 0);
  ratioRow('RcvbufErrors, every namespace (sum)', sum(real, drops), sum(ours, drops), '', 0);
  if (real.length > 0 && ours.length > 0) {
    console.log(`throughput range MiB/s: C ${spread(real.map(tput))}, ours ${spread(ours.map(tput))}`);
    console.log(`chain CPU s/GiB range: C ${spread(real.map(cpu), 2)}, ours ${spread(ours.map(cpu), 2)}; machine: C ${spread(real.map(machine), 2)}, ours ${spread(ours.map(machine), 2)}`);
  }
  if (forced.length > 0) {
    console.log(
      `all ours with -B ${forced[0].buffer} (FORCE, granted ${Object.entries(forced[0].granted).map(([h, n]) => `${h} ${n}`).join(' ')}): ` +
        `${med(forced, tput).toFixed(1)} MiB/s (${spread(forced.map(tput))}), chain ${med(forced, cpu).toFixed(2)} CPU s/GiB, machine ${med(forced, machine).toFixed(2)}, ` +
        `passes ${forced.map((r) => r.passes).join(',')}, ${sum(forced, (r) => r.naks)} NAKs, RcvbufErrors ${sum(forced, drops)}`,
    );
  }
  console.log(foreignLine(records.map((r) => r.result.foreignCpuSeconds / r.result.wallSeconds)));
  if (real.length > 0 && ours.length > 0) {
    const say = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const t = med(ours, tput) / med(real, tput) >= 1.5 && ours.every(intact);
    const c = med(ours, cpu) / med(real, cpu) <= 0.5;
    const m = med(ours, machine) / med(real, machine) <= 0.5;
    console.log(`goals: throughput >= 1.5x intact ${say(t)}; CPU per GiB <= 0.5x: chain sum ${say(c)}, whole machine ${say(m)}`);
  }
  console.log(`\nfiles intact and Completed in every run: ${allIntact ? 'yes' : 'NO'}`);
  return allIntact;
}
