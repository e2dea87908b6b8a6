// `npm run bench:server`: our `uftp -R -1` and the real one, each sending the same file to the same two real
// uftpd on one segment, alternating which goes first, several rounds. Every program gets -B 4194304, which
// the real ones really get (rmem_max in a lab namespace); the granted sizes are printed. Per run: throughput
// (uftp's own time for the file), the server's CPU seconds per GiB and peak RSS (GNU time: rusage of the
// process itself), passes and NAKs, drops, the clients' CPU and the whole machine's (/proc/stat); then the
// ratios ours/real. A further run per round gives ours a larger -B, which only ours gets (FORCE).
// Needs root (network namespaces), /usr/bin/time and a built tree (npm run build).
//
//   node dist/scripts/bench-server.js [--size MB] [--rounds N] [--only ours|real] [--force-buffer BYTES] [--profile DIR]
//
// --only runs one server (to check the set-up, or to profile ours); ratios need both.
// --force-buffer: ours' -B in its extra run (default 16777216; 0: no such run).
// --profile DIR: our uftp runs under `node --cpu-prof` and leaves a .cpuprofile per run in DIR (profiling
// slows it: take its figures with a grain of salt); summarize with scripts/cpuprofile-top.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, labAvailable, sha256File } from './lab';
import { alternating, nonNegativeInt, oneOf, positiveInt, profileFlags, runBenchmark, writeRandom } from './bench/common';
import { BUFFER, SERVER_ARGS, SERVER_LAB, runServerRound } from './bench/server-round';
import { printRun, printSummary, type RunKind, type RunRecord } from './bench/server-report';
import type { ServerImpl } from './bench/uftp-command';
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
  const only = oneOf<ServerImpl>('only', values.only, ['ours', 'real']);
  const bytes = positiveInt('size', values.size!) * 1024 * 1024;
  const rounds = positiveInt('rounds', values.rounds!);
  const forceBuffer = nonNegativeInt('force-buffer', values['force-buffer']!);
  const nodeFlags = await profileFlags(values.profile);
  const available = labAvailable();
  if (!available.ok) throw new Error(`cannot build the lab: ${available.why}`);
  checkRealPrograms('uftp', 'uftpd');
  const missing = uftpRunUnavailable();
  if (missing) throw new Error(missing);

  const lab = await Lab.create(SERVER_LAB);
  try {
    const file = path.join(lab.tmpdir(), 'payload.bin');
    await writeRandom(file, bytes);
    const sha = await sha256File(file);
    console.log(
      `${bytes / 1024 / 1024} MiB, ${rounds} round${rounds === 1 ? '' : 's'}; our uftp and the real one (${SERVER_ARGS.join(' ')}) -> 2 real uftpd ` +
        `on one segment; -B ${BUFFER} everywhere${forceBuffer && only !== 'real' ? `, and ours with -B ${forceBuffer}` : ''}`,
    );
    const records: RunRecord[] = [];
    const run = async (round: number, which: ServerImpl, kind: RunKind, buffer: number): Promise<void> => {
      const label = `round${round}-${which}-${kind}`;
      const result = await runServerRound(lab, { which, buffer, file, sha, label, nodeFlags: which === 'ours' ? nodeFlags : undefined }, bytes);
      const record = { round, kind, result };
      printRun(record, bytes);
      records.push(record);
    };
    for (let round = 1; round <= rounds; round++) {
      const order = alternating<ServerImpl>(round, 'real', 'ours');
      for (const which of order.filter((w) => only === undefined || w === only)) await run(round, which, 'normal', BUFFER);
      if (forceBuffer > 0 && only !== 'real') await run(round, 'ours', 'force', forceBuffer);
    }
    return printSummary(records, bytes, rounds) ? 0 : 1;
  } finally {
    await lab.destroy();
  }
}

runBenchmark('bench:server', main);
