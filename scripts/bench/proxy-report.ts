// Prints the proxy benchmark: one line per run (with the receive buffers the kernel granted), then ours/C
// ratios against the goals, from the runs at the -B both really get; ours with a larger -B (FORCE,
// which only ours gets) as a row of its own.
import { median, spread } from './common';
import type { RoundResult } from './proxy-round';

const MIB = 1024 * 1024;

export function mibPerSec(r: RoundResult, bytes: number): number {
  return bytes / MIB / r.fileSeconds;
}

function cpuPerGiB(r: RoundResult, bytes: number): number {
  return (r.sproxy.cpuSeconds + r.cproxy.cpuSeconds) / (bytes / (1024 * MIB));
}

function peakRss(r: RoundResult): number {
  return Math.max(r.sproxy.peakRssMiB, r.cproxy.peakRssMiB);
}

/** A run with a -B that only ours gets (FORCE), not part of the comparison. */
export function isForced(r: RoundResult, common: number): boolean {
  return r.buffer !== common;
}

function grantedText(r: RoundResult): string {
  return Object.entries(r.granted).map(([h, n]) => `${h} ${n}`).join(' ');
}

export function printRun(round: number, r: RoundResult, bytes: number, common: number): void {
  const drops = Object.entries(r.drops).map(([h, n]) => `${h}=${n}`).join(' ');
  console.log(
    `round ${round} ${r.which.padEnd(4)} ${isForced(r, common) ? 'FORCE ' : ''}-B ${r.buffer} (granted ${grantedText(r)}) ${r.intact ? 'intact' : 'CORRUPT'}  ` +
      `${mibPerSec(r, bytes).toFixed(1).padStart(6)} MiB/s (file ${r.fileSeconds.toFixed(2)} s, wall ${r.wallSeconds.toFixed(2)} s)  ` +
      `cpu sproxy ${r.sproxy.cpuSeconds.toFixed(2)} s cproxy ${r.cproxy.cpuSeconds.toFixed(2)} s  ` +
      `peak RSS sproxy ${r.sproxy.peakRssMiB.toFixed(1)} MiB cproxy ${r.cproxy.peakRssMiB.toFixed(1)} MiB  ` +
      `RcvbufErrors ${drops}  foreign CPU ${r.foreignCpuSeconds.toFixed(1)} s`,
  );
}

export function printSummary(results: RoundResult[], bytes: number, common: number): boolean {
  const of = (which: string) => results.filter((r) => r.which === which && !isForced(r, common));
  const [real, ours, forced] = [of('real'), of('ours'), results.filter((r) => isForced(r, common))];
  const intact = results.every((r) => r.intact);
  if (forced.length > 0) printForced(forced, bytes);
  if (real.length === 0 || ours.length === 0) {
    console.log(`\nfiles intact in every run: ${intact ? 'yes' : 'NO'} (one side only: no ratios)`);
    return intact;
  }
  const tput = (rs: RoundResult[]) => median(rs.map((r) => mibPerSec(r, bytes)));
  const cpu = (rs: RoundResult[]) => median(rs.map((r) => cpuPerGiB(r, bytes)));
  const rss = (rs: RoundResult[]) => Math.max(...rs.map(peakRss));
  console.log(`\nmedians over the rounds at -B ${common}, granted: real ${grantedText(real[0])}; ours ${grantedText(ours[0])}`);
  console.log('                          real (C)     ours    ours/C   goal');
  const row = (name: string, c: number, o: number, unit: string, goal: string) =>
    console.log(`${name.padEnd(24)} ${c.toFixed(2).padStart(8)} ${o.toFixed(2).padStart(8)} ${(o / c).toFixed(2).padStart(8)}   ${goal} (${unit})`);
  row('throughput', tput(real), tput(ours), 'MiB/s', '>= 1.0');
  row('CPU s per GiB, 2 proxies', cpu(real), cpu(ours), 's/GiB', '<= 1.5');
  row('peak RSS, max of proxies', rss(real), rss(ours), 'MiB', 'ours < 100 MiB');
  printSpread(real, ours, bytes);
  const met = tput(ours) / tput(real) >= 1.0 && cpu(ours) / cpu(real) <= 1.5 && rss(ours) < 100;
  console.log(`\nfiles intact in every run: ${intact ? 'yes' : 'NO'}; goals met: ${met ? 'yes' : 'no'}`);
  return intact;
}

/** Ours with a -B only it gets: its own row, beside (not in) the comparison. */
function printForced(forced: RoundResult[], bytes: number): void {
  console.log(
    `\nours with -B ${forced[0].buffer} (FORCE, granted ${grantedText(forced[0])}): ` +
      `${median(forced.map((r) => mibPerSec(r, bytes))).toFixed(2)} MiB/s (${spread(forced.map((r) => mibPerSec(r, bytes)))}), ` +
      `${median(forced.map((r) => cpuPerGiB(r, bytes))).toFixed(2)} CPU s/GiB (2 proxies), peak RSS ${Math.max(...forced.map(peakRss)).toFixed(1)} MiB, ` +
      `RcvbufErrors ${forced.reduce((n, r) => n + Object.values(r.drops).reduce((a, b) => a + b, 0), 0)}`,
  );
}

/**
 * The noise: per-run ranges, and ours/C within each round (the two runs of a round are back to back,
 * so they share the machine's conditions best), and the CPU other programs took meanwhile.
 */
function printSpread(real: RoundResult[], ours: RoundResult[], bytes: number): void {
  const tputs = (rs: RoundResult[]) => rs.map((r) => mibPerSec(r, bytes));
  console.log(`throughput range MiB/s: real ${spread(tputs(real))}, ours ${spread(tputs(ours))}`);
  const paired = ours.slice(0, real.length).map((o, i) => mibPerSec(o, bytes) / mibPerSec(real[i], bytes));
  if (paired.length > 0) {
    console.log(`throughput ours/C per round: ${paired.map((p) => p.toFixed(2)).join(' ')} (median ${median(paired).toFixed(2)})`);
  }
  const foreign = [...real, ...ours].map((r) => r.foreignCpuSeconds / r.wallSeconds);
  const worst = Math.max(...foreign);
  // Two cores: more than a tenth of a core taken by others makes a run's throughput suspect.
  const note = worst > 0.1 ? '  WARNING: other programs competed for the CPU; rerun on a quiet machine' : '';
  console.log(`foreign CPU (cores busy with other programs): up to ${worst.toFixed(2)}${note}`);
}
