// The printed result of `npm run bench:socket`: one row per receiver run and the addon/dgram ratios.
import type { ReceiverResult } from './receiver';

export interface RunRow extends ReceiverResult {
  sent: number;
  /** RcvbufErrors counted in the receiving namespace during the run. */
  rcvbufErrors: number;
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

export function formatReport(rows: RunRow[], size: number): string {
  const header = ['receiver', 'sent', 'received', 'lost', 'RcvbufErr', 'seconds', 'pkt/s', 'cpu s', 'cpu %', 'pkt/cpu-s', 'rcvbuf'];
  const body = rows.map((r) => [
    r.impl,
    String(r.sent),
    String(r.received),
    String(r.sent - r.received),
    String(r.rcvbufErrors),
    r.seconds.toFixed(2),
    Math.round(pps(r)).toLocaleString('en-US'),
    r.cpuSeconds.toFixed(2),
    ((100 * r.cpuSeconds) / r.seconds).toFixed(0),
    Math.round(perCpu(r)).toLocaleString('en-US'),
    String(r.rcvbuf),
  ]);
  const addon = rows.filter((r) => r.impl === 'addon');
  const dgram = rows.filter((r) => r.impl === 'dgram');
  const ratePps = mean(addon, pps) / mean(dgram, pps);
  const rateCpu = mean(addon, perCpu) / mean(dgram, perCpu);
  return [
    `${size}-byte datagrams, one lab host to another (veth + bridge), receivers run one after the other`,
    table([header, ...body]),
    `addon / dgram: ${ratePps.toFixed(2)}x the packets per second, ${rateCpu.toFixed(2)}x the packets per CPU-second`,
    `goal (>= 3x the datagrams per second at the same CPU): ${Math.min(ratePps, rateCpu) >= 3 ? 'met' : 'NOT met'}`,
  ].join('\n');
}
