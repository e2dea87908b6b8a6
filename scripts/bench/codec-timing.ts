// Timing loop of the codec benchmark: warm up, then time n calls on one core, and report per-op cost,
// rate and, for ops over packets of known size, MB/s. Cost is CPU time (user + system) of this process,
// as `openssl speed` divides by CPU time too: other load on the machine does not count against either.

export interface Timing {
  name: string;
  nsPerOp: number;
  opsPerSec: number;
  /** Megabytes (10^6) per second of `bytesPerOp`; 0 when not given. */
  mbPerSec: number;
}

/** Times `op` (whose result is summed so the JIT cannot drop it) over `n` calls after a warm-up. */
export function time(name: string, n: number, op: (i: number) => number, bytesPerOp = 0): Timing {
  let sink = 0;
  const warm = Math.min(n, 100_000);
  for (let i = 0; i < warm; i++) sink += op(i);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) sink += op(i);
  const used = process.cpuUsage(start);
  const nsPerOp = ((used.user + used.system) * 1000) / n;
  if (Number.isNaN(sink)) throw new Error(`${name}: result is not a number`);
  const opsPerSec = 1e9 / nsPerOp;
  return { name, nsPerOp, opsPerSec, mbPerSec: (opsPerSec * bytesPerOp) / 1e6 };
}

export function timingLine(t: Timing): string {
  const rate = t.opsPerSec >= 1e6 ? `${(t.opsPerSec / 1e6).toFixed(2)} M/s` : `${(t.opsPerSec / 1e3).toFixed(1)} k/s`;
  const mb = t.mbPerSec > 0 ? `  ${t.mbPerSec.toFixed(0).padStart(6)} MB/s` : '';
  return `${t.name.padEnd(44)} ${t.nsPerOp.toFixed(1).padStart(8)} ns/op  ${rate.padStart(11)}${mb}`;
}
