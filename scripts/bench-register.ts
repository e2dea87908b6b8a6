// `npm run bench:register`: registration at scale. Our uftp and the real one each announce a closed group of
// 200 clients (-H @file), register them, key them (encrypted), and send them a tiny file; the clients are
// client-swarm processes (100 of our client machines behind one uftpd daemon per lab host), the same for
// both servers, restarted for every run. Timed from the server's own -T log ("Initializing group" to the
// first "----- name -----" line) and by wall clock; unencrypted and with -Y aes256-gcm -h sha256 (RSA key
// exchange: a premaster decryption per client); alternating which server goes first, several rounds.
// Needs root, /usr/bin/time and a built tree (npm run build).
//
//   node dist/scripts/bench-register.js [--clients N] [--swarms N] [--rounds N] [--cipher plain|gcm|both]
//                                       [--key rsa:BITS|none] [--only ours|real] [--profile DIR] [--profile-swarms DIR] [--logs DIR]
//
// --key: the server key of the encrypted runs, made once by the real uftp_keymgt and given to both (-k),
// and a client key of the same kind for the swarms (a client's key must match the server's in size);
// default rsa:2048. none: everyone makes its own throwaway key (512-bit RSA, as all do by default).
// --profile DIR: our uftp runs under `node --cpu-prof` and leaves a .cpuprofile per run in DIR.
// --profile-swarms DIR: the same for the client swarms (where the clients' time goes).
// --logs DIR: each server's log (-T) is kept in DIR as roundN-CIPHER-WHICH.log.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, labAvailable } from './lab';
import { alternating, oneOf, positiveInt, profileFlags, runBenchmark } from './bench/common';
import { REGISTER_SERVER_ARGS, registerLab, runRegisterRound, writeHostList, type Cipher } from './bench/register-round';
import { printRun, printSummary, type RegisterRecord } from './bench/register-report';
import type { ServerImpl } from './bench/uftp-command';
import { uftpRunUnavailable } from './bench/uftp-run';
import { checkRealPrograms } from './bench/real-programs';

async function makeKey(lab: Lab, spec: string, who: string): Promise<string> {
  const file = path.join(lab.tmpdir(), `${who}-key.pem`);
  const made = await lab.host('server').exec('/usr/bin/uftp_keymgt', ['-g', spec, file], { timeoutMs: 120_000 });
  if (made.code !== 0) throw new Error(`uftp_keymgt -g ${spec} failed: ${made.stdout}${made.stderr}`);
  return file;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '200' },
      swarms: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      cipher: { type: 'string', default: 'both' },
      key: { type: 'string', default: 'rsa:2048' },
      only: { type: 'string' },
      profile: { type: 'string' },
      logs: { type: 'string' },
      'profile-swarms': { type: 'string' },
    },
  });
  const only = oneOf<ServerImpl>('only', values.only, ['ours', 'real']);
  const cipherChoice = oneOf('cipher', values.cipher, ['plain', 'gcm', 'both'] as const)!;
  const ciphers: Cipher[] = cipherChoice === 'both' ? ['plain', 'gcm'] : [cipherChoice];
  const clients = positiveInt('clients', values.clients!);
  const swarms = positiveInt('swarms', values.swarms!);
  if (clients % swarms !== 0) throw new Error(`--clients (${clients}) must be a multiple of --swarms (${swarms})`);
  const rounds = positiveInt('rounds', values.rounds!);
  const keySpec = values.key!;
  if (keySpec !== 'none' && !/^rsa:\d+$/.test(keySpec)) throw new Error(`--key must be rsa:BITS or none, got ${JSON.stringify(keySpec)}`);
  const nodeFlags = await profileFlags(values.profile);
  const swarmNodeFlags = await profileFlags(values['profile-swarms']);
  const logDir = values.logs === undefined ? undefined : path.resolve(values.logs);
  if (logDir) await mkdir(logDir, { recursive: true });
  const available = labAvailable();
  if (!available.ok) throw new Error(`cannot build the lab: ${available.why}`);
  checkRealPrograms('uftp', 'uftp_keymgt');
  const missing = uftpRunUnavailable();
  if (missing) throw new Error(missing);

  const lab = await Lab.create(registerLab(swarms));
  try {
    const hostList = path.join(lab.tmpdir(), 'hosts.txt');
    await writeHostList(hostList, swarms, clients / swarms);
    const file = path.join(lab.tmpdir(), 'tiny.bin');
    await writeFile(file, Buffer.alloc(1000, 0x5a));
    const keyed = ciphers.includes('gcm') && keySpec !== 'none';
    const serverKey = keyed ? await makeKey(lab, keySpec, 'server') : undefined;
    const clientKey = keyed ? await makeKey(lab, keySpec, 'client') : undefined;
    console.log(
      `${clients} clients in ${swarms} client-swarm processes; our uftp and the real one (${REGISTER_SERVER_ARGS.join(' ')} -H @list), a 1000-byte file; ` +
        `${ciphers.join(' and ')}${ciphers.includes('gcm') ? `, server key ${keySpec === 'none' ? "each server's own throwaway one" : `${keySpec} (-k, the same file for both; the swarms another)`}` : ''}; ${rounds} round${rounds === 1 ? '' : 's'}`,
    );
    const records: RegisterRecord[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = alternating<ServerImpl>(round, 'real', 'ours');
      for (const cipher of round % 2 ? ciphers : [...ciphers].reverse()) {
        for (const which of order.filter((w) => only === undefined || w === only)) {
          const result = await runRegisterRound(lab, {
            which, cipher, swarms, perSwarm: clients / swarms, hostList, serverKey, clientKey, file, label: `round${round}-${cipher}-${which}`,
            nodeFlags: which === 'ours' ? nodeFlags : undefined, swarmNodeFlags, logDir,
          });
          const record = { round, result };
          printRun(record, clients);
          records.push(record);
        }
      }
    }
    return printSummary(records, clients, rounds) ? 0 : 1;
  } finally {
    await lab.destroy();
  }
}

runBenchmark('bench:register', main);
