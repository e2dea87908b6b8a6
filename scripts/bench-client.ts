// `npm run bench:client`: real `uftp -R -1` sends the same file to our uftpd and to the real uftpd, each on
// a host of its own on one segment: in one session to both ("together"), and to each alone, alternating
// which goes first, several rounds; unencrypted and with aes256-gcm. Every client and the server get
// -B 4194304, which the real programs really get (rmem_max in a lab namespace); the granted sizes are
// printed. Per client: throughput (uftp's own time for it), the NAK passes it caused (uftp -x 3 logs the
// NAKs of each client in each pass), CPU seconds per GiB, peak RSS, drops; then the ratios ours/real.
// A further session per round gives ours alone a larger -B, which only ours gets (SO_RCVBUFFORCE).
// Needs root (network namespaces) and a built tree (npm run build).
//
//   node dist/scripts/bench-client.js [--size MB] [--rounds N] [--only ours|real] [--cipher plain|gcm|both]
//                                     [--force-buffer BYTES] [--profile DIR]
//
// --only runs sessions of one client alone (to check the set-up, or to profile ours); ratios need both.
// --force-buffer: -B of ours in its extra session (default 16777216; 0: no such session).
// --profile DIR: our uftpd runs under `node --cpu-prof` and leaves a .cpuprofile per session in DIR
// (profiling slows it: take its figures with a grain of salt); summarize with scripts/cpuprofile-top.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, labAvailable, sha256File } from './lab';
import { BUFFER, CLIENT_LAB, runSession, type Cipher, type ClientRun } from './bench/client-round';
import { printSession, printSummary, type SessionKind, type SessionRecord } from './bench/client-report';
import { alternating, nonNegativeInt, oneOf, positiveInt, profileFlags, runBenchmark, writeRandom } from './bench/common';
import type { ClientImpl } from './bench/programs';
import { checkRealPrograms } from './bench/real-programs';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '1024' },
      rounds: { type: 'string', default: '3' },
      only: { type: 'string' },
      cipher: { type: 'string', default: 'both' },
      'force-buffer': { type: 'string', default: '16777216' },
      profile: { type: 'string' },
    },
  });
  const only = oneOf<ClientImpl>('only', values.only, ['ours', 'real']);
  const cipherChoice = oneOf('cipher', values.cipher, ['plain', 'gcm', 'both'] as const)!;
  const ciphers: Cipher[] = cipherChoice === 'both' ? ['plain', 'gcm'] : [cipherChoice];
  const bytes = positiveInt('size', values.size!) * 1024 * 1024;
  const rounds = positiveInt('rounds', values.rounds!);
  const forceBuffer = nonNegativeInt('force-buffer', values['force-buffer']!);
  const nodeFlags = await profileFlags(values.profile);
  const available = labAvailable();
  if (!available.ok) throw new Error(`cannot build the lab: ${available.why}`);
  checkRealPrograms('uftp', 'uftpd');

  const lab = await Lab.create(CLIENT_LAB);
  try {
    const file = path.join(lab.tmpdir(), 'payload.bin');
    await writeRandom(file, bytes);
    const sha = await sha256File(file);
    console.log(
      `${bytes / 1024 / 1024} MiB, ${rounds} round${rounds === 1 ? '' : 's'}, ${ciphers.join(' and ')}; real uftp -R -1 -> our uftpd and the real uftpd ` +
        `on one segment, together and alone; -B ${BUFFER} everywhere${forceBuffer && only !== 'real' ? `, and ours alone with -B ${forceBuffer}` : ''}`,
    );
    const records: SessionRecord[] = [];
    const session = async (round: number, cipher: Cipher, kind: SessionKind, clients: ClientRun[]): Promise<void> => {
      const label = `round${round}-${cipher}-${kind}-${clients.map((c) => c.which).join('-')}`;
      const result = await runSession(lab, { cipher, clients, file, sha, label, nodeFlags }, bytes);
      const record = { round, kind, session: result };
      printSession(record, bytes);
      records.push(record);
    };
    for (let round = 1; round <= rounds; round++) {
      const order = alternating<ClientImpl>(round, 'real', 'ours');
      for (const cipher of round % 2 ? ciphers : [...ciphers].reverse()) {
        if (only === undefined) await session(round, cipher, 'together', order.map((which) => ({ which, buffer: BUFFER })));
        for (const which of order.filter((w) => only === undefined || w === only)) await session(round, cipher, 'alone', [{ which, buffer: BUFFER }]);
        if (forceBuffer > 0 && only !== 'real') await session(round, cipher, 'force', [{ which: 'ours', buffer: forceBuffer }]);
      }
    }
    return printSummary(records, bytes, rounds) ? 0 : 1;
  } finally {
    await lab.destroy();
  }
}

runBenchmark('bench:client', main);
