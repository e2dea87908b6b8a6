// npm run bench:socket — receive rate of the addon's batched receive against Node's dgram on the same
// traffic: 1,400-byte datagrams from fast uftp_diag senders (sendmmsg) in one lab host to a receiver
// process in another; packets/s, CPU of the receiving process, loss and RcvbufErrors, side by side.
//   node dist/scripts/bench-socket.js [--count N] [--size BYTES] [--senders 1|2] [--rounds R]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, labAvailable, type LabHost } from './lab';
import { diagUnbuilt, finish, jsonLines, runDiag, udpCounters } from './bench/diag-lab';
import type { ReceiverResult } from './bench/receiver';
import { waitForFile } from './lab';
import { formatReport, RunRow } from './bench/socket-report';

const PORT = 5500;

interface BenchOptions {
  count: number;
  size: number;
  senders: number;
  rounds: number;
}

function options(): BenchOptions {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '2000000' },
      size: { type: 'string', default: '1400' },
      senders: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '1' },
    },
    strict: true,
  });
  const num = (name: keyof typeof values, min: number, max: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name}: '${values[name]}' is not an integer in ${min}..${max}`);
    return n;
  };
  return { count: num('count', 1000, 1e9), size: num('size', 8, 65507), senders: num('senders', 1, 2), rounds: num('rounds', 1, 20) };
}

async function runOnce(lab: Lab, impl: ReceiverResult['impl'], opts: BenchOptions, senders: LabHost[], round: number): Promise<RunRow> {
  const rx = lab.host('rx');
  const readyFile = path.join(lab.tmpdir(), `ready-${impl}-${round}`);
  const before = await udpCounters(rx);
  const receiverJs = path.join(__dirname, 'bench', 'receiver.js');
  const receiver = rx.spawn(process.execPath, [receiverJs, '--impl', impl, '--port', String(PORT), '--ready-file', readyFile]);
  await waitForFile(readyFile, 10_000);
  const share = Math.ceil(opts.count / senders.length);
  const sendArgs = ['send', '--to', rx.addr('a'), '--port', String(PORT), '--count', String(share), '--size', String(opts.size), '--sndbuf', '4M', '--json'];
  const sent = await Promise.all(senders.map((tx) => runDiag(tx, sendArgs, 600_000)));
  for (const s of sent) if (s.code !== 0) throw new Error(`sender failed: ${s.stderr}`);
  const out = await finish(receiver, 60_000);
  if (out.code !== 0) throw new Error(`receiver failed: ${out.stderr}`);
  const after = await udpCounters(rx);
  const result = jsonLines<ReceiverResult>(out.stdout)[0];
  const total = sent.reduce((sum, s) => sum + (jsonLines<{ sent: number }>(s.stdout)[0]?.sent ?? 0), 0);
  return { ...result, sent: total, rcvbufErrors: after.RcvbufErrors - before.RcvbufErrors };
}

async function main(): Promise<void> {
  const opts = options();
  const available = labAvailable();
  if (!available.ok) throw new Error(`bench:socket needs the netns lab: ${available.why}`);
  const unbuilt = diagUnbuilt();
  if (unbuilt) throw new Error(unbuilt);
  const senderNames = ['tx1', 'tx2'].slice(0, opts.senders);
  const hosts = Object.fromEntries(['rx', ...senderNames].map((n) => [n, { segments: ['a'] }]));
  const lab = await Lab.create({ segments: ['a'], hosts });
  try {
    const senders = senderNames.map((n) => lab.host(n));
    const rows: RunRow[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      for (const impl of ['dgram', 'addon'] as const) {
        const row = await runOnce(lab, impl, opts, senders, round);
        process.stderr.write(`round ${round + 1} ${impl}: ${row.received} datagrams in ${row.seconds.toFixed(2)} s\n`);
        rows.push(row);
      }
    }
    process.stdout.write(formatReport(rows, opts.size) + '\n');
  } finally {
    await lab.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:socket: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
