// `npm run bench:chain`: the all-ours suite against the all-C suite on the proxy lab: uftp -R -1 -> server
// proxy -> (unicast-only router) -> client proxy -> two uftpd, every program of one suite, alternating which
// suite goes first, several rounds. Every program gets -B 4194304, which the real ones really get; the
// granted sizes are printed. Per run: throughput (uftp's own time for the file), CPU per GiB summed over
// every process of the chain and of the whole machine (/proc/stat), peak RSS per kind of process, passes,
// NAKs and drops; then the ratios ours/C. A further run per round gives every program of ours a larger
// -B, which only ours get (FORCE). Needs root, /usr/bin/time and a built tree (npm run build).
//
//   node dist/scripts/bench-chain.js [--size MB] [--rounds N] [--only ours|real] [--force-buffer BYTES] [--profile DIR]
//
// --size: default 1024; 500 if a round takes too long on a loaded machine.
// --force-buffer: every -B of ours in its extra run (default 16777216; 0: no such run).
// --profile DIR: each of our programs runs under `node --cpu-prof` and leaves a .cpuprofile in DIR
// (profiling slows them: take the figures with a grain of salt); summarize with scripts/cpuprofile-top.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, labAvailable, sha256File } from './lab';
import { BUFFER, CHAIN_SERVER_ARGS, runChainRound, type Suite } from './bench/chain-round';
import { printRun, printSummary, type ChainRecord, type RunKind } from './bench/chain-report';
import { alternating, nonNegativeInt, oneOf, positiveInt, profileFlags, runBenchmark, writeRandom } from './bench/common';
import { PROXY_LAB } from './bench/proxy-topology';
import { uftpRunUnavailable } from './bench/uftp-run';
import { checkRealPrograms } from './bench/real-programs';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '1024' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string' },
      'force-buffer': { type: 'string', default: '16777216' },
      profile: { type: 'string' },
    },
  });
  const only = oneOf<Suite>('only', values.only, ['ours', 'real']);
  const bytes = positiveInt('size', values.size!) * 1024 * 1024;
  const rounds = positiveInt('rounds', values.rounds!);
  const forceBuffer = nonNegativeInt('force-buffer', values['force-buffer']!);
  const nodeFlags = await profileFlags(values.profile);
  const available = labAvailable();
  if (!available.ok) throw new Error(`cannot build the lab: ${available.why}`);
  checkRealPrograms('uftp', 'uftpd', 'uftpproxyd');
  const missing = uftpRunUnavailable();
  if (missing) throw new Error(missing);

  const lab = await Lab.create(PROXY_LAB);
  try {
    const file = path.join(lab.tmpdir(), 'payload.bin');
    await writeRandom(file, bytes);
    const sha = await sha256File(file);
    console.log(
      `${bytes / 1024 / 1024} MiB, ${rounds} round${rounds === 1 ? '' : 's'}; uftp (${CHAIN_SERVER_ARGS.join(' ')}) -> server proxy -> client proxy -> 2 uftpd, ` +
        `all ours against all C; -B ${BUFFER} everywhere${forceBuffer && only !== 'real' ? `, and all ours with -B ${forceBuffer}` : ''}`,
    );
    const records: ChainRecord[] = [];
    const run = async (round: number, suite: Suite, kind: RunKind, buffer: number): Promise<void> => {
      const result = await runChainRound(lab, { suite, buffer, file, sha, label: `round${round}-${suite}-${kind}`, nodeFlags }, bytes);
      const record = { round, kind, result };
      printRun(record, bytes);
      records.push(record);
    };
    for (let round = 1; round <= rounds; round++) {
      const order = alternating<Suite>(round, 'real', 'ours');
      for (const suite of order.filter((s) => only === undefined || s === only)) await run(round, suite, 'normal', BUFFER);
      if (forceBuffer > 0 && only !== 'real') await run(round, 'ours', 'force', forceBuffer);
    }
    return printSummary(records, bytes, rounds) ? 0 : 1;
  } finally {
    await lab.destroy();
  }
}

runBenchmark('bench:chain', main);
