// Prints the top self-time entries of V8 .cpuprofile files (as `node --cpu-prof` writes them, e.g. from
// `npm run bench:proxy -- --profile DIR`): where a process's CPU went, without opening DevTools.
//
//   node dist/scripts/cpuprofile-top.js [--top N] FILE.cpuprofile...
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time (µs) per function, summed over every call site of it. */
function selfTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${path.basename(url)}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    // A sample's time is the delta to the next one.
    times.set(key, (times.get(key) ?? 0) + (deltas[i + 1] ?? 0));
  }
  return times;
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new Error(`--top must be a positive whole number, got ${values.top}`);
  if (positionals.length === 0) throw new Error('usage: cpuprofile-top [--top N] FILE.cpuprofile...');
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const times = selfTimes(profile);
    const total = [...times.values()].reduce((a, b) => a + b, 0);
    const busy = total - (times.get('(idle)') ?? 0);
    console.log(`\n${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s not idle`);
    const rows = [...times].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [name, us] of rows) {
      const pctBusy = name === '(idle)' ? '' : `${((100 * us) / busy).toFixed(1).padStart(5)}% of busy`;
      console.log(`${(us / 1e3).toFixed(0).padStart(8)} ms  ${pctBusy.padEnd(13)}  ${name}`);
    }
  }
}

try {
  main();
} catch (err) {
  console.error(`cpuprofile-top: ${(err as Error).message}`);
  process.exit(1);
}
