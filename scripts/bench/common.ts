// What the lab benchmarks' drivers share: their command-line checks, the random payload, node flags for
// --profile, and the statistics of their summaries.
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

export function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(text)}`);
  return n;
}

/** A count that may be 0 (0 turns something off). */
export function nonNegativeInt(name: string, text: string): number {
  return text === '0' ? 0 : positiveInt(name, text);
}

/** --name, when given, must be one of `allowed`. */
export function oneOf<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new Error(`--${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/**
 * A file of `bytes` random bytes, written 16 MiB at a time (each writeFile goes on where the last one
 * ended), then flushed to disk: its write-back must not compete with the first runs for the CPU.
 */
export async function writeRandom(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (let done = 0; done < bytes; done += 1 << 24) await handle.writeFile(randomBytes(Math.min(1 << 24, bytes - done)));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * --profile DIR: node flags that make our programs leave .cpuprofile files in DIR (created), to summarize
 * with scripts/cpuprofile-top. None without a DIR.
 */
export async function profileFlags(dir: string | undefined): Promise<string[]> {
  if (dir === undefined) return [];
  const abs = path.resolve(dir);
  await mkdir(abs, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${abs}`];
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const spread = (xs: number[], digits = 1): string => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;

/**
 * One line of a summary table: the real program's figure, ours, ours/real and the goal (no ratio when
 * the real one's is 0 or a figure is missing).
 */
export function ratioRow(name: string, real: number, ours: number, goal = '', digits = 2, width = 40): void {
  const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const ratio = real > 0 && Number.isFinite(real) && Number.isFinite(ours) ? (ours / real).toFixed(2) : '-';
  console.log(`${name.padEnd(width)} ${fmt(real).padStart(9)} ${fmt(ours).padStart(9)} ${ratio.padStart(9)}   ${goal}`);
}

/** The header above ratioRow lines. */
export function ratioHeader(title: string, real: string, ours: string, width = 40): void {
  console.log(`\n${title.padEnd(width)} ${real.padStart(9)} ${ours.padStart(9)} ${'ours/real'.padStart(9)}   goal`);
}

/**
 * The CPU others took: `shares` are cores busy with programs outside the benchmark, per run. On two
 * cores more than a tenth of one makes a run's figures suspect.
 */
export function foreignLine(shares: number[]): string {
  const worst = Math.max(0, ...shares);
  const busy = shares.filter((s) => s > 0.1).length;
  const note = busy > 0 ? `  WARNING: ${busy} of ${shares.length} runs shared the machine with other programs` : '';
  return `other programs' CPU (cores busy outside the benchmark): up to ${worst.toFixed(2)}${note}`;
}

/** Which goes first in a round: the real program in odd rounds, ours in even ones. */
export function alternating<T>(round: number, real: T, ours: T): T[] {
  return round % 2 ? [real, ours] : [ours, real];
}

/** Runs a benchmark's main and exits with its status; an error is one line naming the benchmark. */
export function runBenchmark(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`${name}: ${err instanceof Error ? err.message : err}`);
      process.exit(1);
    },
  );
}

