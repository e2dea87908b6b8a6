// `npm run bench:proxy`: the same file from real `uftp -R -1` to two real uftpd through a server proxy and a
// client proxy — (a) the real C uftpproxyd, (b) ours — side by side on one lab, several rounds, alternating
// which goes first. Every program gets -B 4194304, which the real ones really get (plain SO_RCVBUF, capped
// at rmem_max in a lab namespace); the granted sizes are printed. Prints throughput, CPU seconds and peak
// RSS of each proxy, drops, and the ratios ours/C. A further run per round gives ours a larger -B, which
// only ours gets (SO_RCVBUFFORCE): a row of its own, outside the comparison.
// Needs root (network namespaces), the real UFTP 4.10.2 programs in /usr/bin and a built tree (npm run build).
//
//   node dist/scripts/bench-proxy.js [--size MB] [--rounds N] [--only real|ours] [--force-buffer BYTES] [--profile DIR]
//
// --only runs one side (to check the set-up, or to profile ours); ratios need both.
// --force-buffer: -B of ours in its extra run (default 8388608; 0: no such run).
// --profile DIR: our proxies run under `node --cpu-prof` and leave their .cpuprofile files in DIR
// (profiling slows them: take its throughput with a grain of salt); summarize with scripts/cpuprofile-top.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, labAvailable, sha256File } from './lab';
import { alternating, oneOf, positiveInt, profileFlags, runBenchmark, writeRandom } from './bench/common';
import { printRun, printSummary } from './bench/proxy-report';
import { BUFFER, runRound, type RoundResult } from './bench/proxy-round';
import { PROXY_LAB, type ProxyImpl } from './bench/proxy-topology';
import { checkRealPrograms } from './bench/real-programs';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '500' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string' },
      'force-buffer': { type: 'string', default: '8388608' },
      profile: { type: 'string' },
    },
  });
  const only = oneOf<ProxyImpl>('only', values.only, ['real', 'ours']);
  const bytes = positiveInt('size', values.size!) * 1024 * 1024;
  const rounds = positiveInt('rounds', values.rounds!);
  const forceBuffer = values['force-buffer'] === '0' ? 0 : positiveInt('force-buffer', values['force-buffer']!);
  const nodeFlags = await profileFlags(values.profile);
  const available = labAvailable();
  if (!available.ok) throw new Error(`cannot build the lab: ${available.why}`);
  checkRealPrograms('uftp', 'uftpd', 'uftpproxyd');

  const lab = await Lab.create(PROXY_LAB);
  try {
    const file = path.join(lab.tmpdir(), 'payload.bin');
    await writeRandom(file, bytes);
    const sha = await sha256File(file);
    const forced = forceBuffer > 0 && only !== 'real' ? `, and ours with -B ${forceBuffer} (FORCE)` : '';
    console.log(`${bytes / 1024 / 1024} MiB, ${rounds} rounds; real uftp -R -1 -> server proxy -> client proxy -> 2 real uftpd; -B ${BUFFER} everywhere${forced}`);
    const results: RoundResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = alternating<ProxyImpl>(round, 'real', 'ours');
      for (const which of order.filter((w) => only === undefined || w === only)) {
        const r = await runRound(lab, which, file, sha, `round${round}-${which}`, nodeFlags);
        printRun(round, r, bytes, BUFFER);
        results.push(r);
      }
      if (forced) {
        const r = await runRound(lab, 'ours', file, sha, `round${round}-ours-force`, nodeFlags, forceBuffer);
        printRun(round, r, bytes, BUFFER);
        results.push(r);
      }
    }
    return printSummary(results, bytes, BUFFER) ? 0 : 1;
  } finally {
    await lab.destroy();
  }
}

runBenchmark('bench:proxy', main);
