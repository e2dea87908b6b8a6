// The printed result of `npm run bench:socket`: one row per receiver run and the addon/dgram ratios.
import type { ReceiverResult } from './receiver';

export interface RunRow extends ReceiverResult {
  sent: number;
  /** RcvbufErrors counted in the receiving namespace during the run. */
  rcvbufErrors: number;
}

export interface Ratios {
  pps: number;
  perCpu: number;
}

const pps = (r: RunRow) => r.received / r.seconds;
const perCpu = (r: RunRow) => r.received / r.cpuSeconds;

function mean(rows: RunRow[], f: (r: RunRow) => number): number {
  return rows.reduce((sum, r) => sum + f(r), 0) / rows.length;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

/** One addon receiver over dgram, averaged over the rounds. */
export function ratios(rows: RunRow[], impl: RunRow['impl'] = 'addon'): Ratios {
  const addon = rows.filter((r) => r.impl === impl);
  const dgram = rows.filter((r) => r.impl === 'dgram');
  return { pps: mean(addon, pps) / mean(dgram, pps), perCpu: mean(addon, perCpu) / mean(dgram, perCpu) };
}

export function formatSection(title: string, rows: RunRow[]): string {
  const header = ['receiver', 'sent', 'received', 'lost', 'RcvbufErr', 'busy s', 'pkt/s', 'cpu s', 'cpu %', 'pkt/cpu-s', 'rcvbuf'];
  const body = rows.map((r) => [
    r.impl,
    String(r.sent),
    String(r.received),
    String(r.sent - r.received),
    String(r.rcvbufErrors),
    r.seconds.toFixed(3),
    Math.round(pps(r)).toLocaleString('en-US'),
    r.cpuSeconds.toFixed(3),
    ((100 * r.cpuSeconds) / r.seconds).toFixed(0),
    Math.round(perCpu(r)).toLocaleString('en-US'),
    String(r.rcvbuf),
  ]);
  const impls = [...new Set(rows.map((r) => r.impl))].filter((i) => i !== 'dgram');
  const lines = impls.map((impl) => {
    const q = ratios(rows, impl);
    return `${impl} / dgram: ${q.pps.toFixed(2)}x the packets per second, ${q.perCpu.toFixed(2)}x the packets per CPU-second`;
  });
  return [title, table([header, ...body]), ...lines].join('\n');
}
