// Prints the registration benchmark: a line per run, then per cipher the medians of ours and the real uftp
// and their ratios.
import { foreignLine, median, ratioHeader, ratioRow, spread } from './common';
import type { Cipher, RegisterRunResult } from './register-round';

export interface RegisterRecord {
  round: number;
  result: RegisterRunResult;
}

const complete = (r: RegisterRunResult, clients: number): boolean =>
  r.registered === clients && r.completed === clients && (r.cipher === 'plain' || r.keyed === clients);

export function printRun(rec: RegisterRecord, clients: number): void {
  const r = rec.result;
  const allIn = r.allInSeconds === undefined ? '-' : r.allInSeconds.toFixed(3);
  console.log(
    `round ${rec.round} ${r.cipher.padEnd(5)} ${r.which.padEnd(4)} ${complete(r, clients) ? 'all in' : 'MISSING CLIENTS'}  ` +
      `registration ${r.registerSeconds.toFixed(3)} s (all in at ${allIn} s, ${r.announceRounds} announce round${r.announceRounds === 1 ? '' : 's'})  ` +
      `wall ${r.wallSeconds.toFixed(2)} s  -B granted ${r.granted ? `rcv ${r.granted.receive} snd ${r.granted.send}` : '?'}  server cpu ${r.server.cpuSeconds.toFixed(2)} s, peak RSS ${r.server.peakRssMiB.toFixed(1)} MiB  ` +
      `registered ${r.registered} keyed ${r.keyed} completed ${r.completed}  swarms' cpu ${r.swarmCpuSeconds.toFixed(2)} s  ` +
      `other programs ${r.foreignCpuSeconds.toFixed(1)} s (${r.busiestOthers})`,
  );
}

/** Per cipher: medians and ratios. Returns whether every run got every client registered and the file to them. */
export function printSummary(records: RegisterRecord[], clients: number, rounds: number): boolean {
  const ok = records.every((r) => complete(r.result, clients));
  const ciphers = [...new Set(records.map((r) => r.result.cipher))] as Cipher[];
  for (const cipher of ciphers) {
    const of = (which: string) => records.filter((r) => r.result.cipher === cipher && r.result.which === which).map((r) => r.result);
    const [real, ours] = [of('real'), of('ours')];
    const med = (rs: RegisterRunResult[], f: (r: RegisterRunResult) => number | undefined) => {
      const xs = rs.map(f).filter((x): x is number => x !== undefined);
      return xs.length === 0 ? NaN : median(xs);
    };
    ratioHeader(`${cipher}, ${clients} clients: medians of ${rounds}`, 'real uftp', 'ours', 44);
    const row = (name: string, f: (r: RegisterRunResult) => number | undefined, digits = 3) => ratioRow(name, med(real, f), med(ours, f), '', digits, 44);
    row('registration s (Initializing group -> file)', (r) => r.registerSeconds);
    row('  of which until the last client is in, s', (r) => r.allInSeconds);
    row('wall s (start to exit)', (r) => r.wallSeconds);
    row('server CPU s (whole run)', (r) => r.server.cpuSeconds, 2);
    row('server peak RSS MiB', (r) => r.server.peakRssMiB, 1);
    row('announce rounds', (r) => r.announceRounds, 0);
    row("swarms' CPU s", (r) => r.swarmCpuSeconds, 2);
    if (real.length > 0 && ours.length > 0) {
      const secs = (rs: RegisterRunResult[]) => rs.map((r) => r.registerSeconds);
      console.log(`registration range s: real ${spread(secs(real), 3)}, ours ${spread(secs(ours), 3)}`);
      const walls = (rs: RegisterRunResult[]) => rs.map((r) => r.wallSeconds);
      console.log(`wall range s: real ${spread(walls(real), 2)}, ours ${spread(walls(ours), 2)}`);
    }
  }
  console.log(foreignLine(records.map((r) => r.result.foreignCpuSeconds / r.result.wallSeconds)));
  console.log(`\nevery client registered${ciphers.includes('gcm') ? ', keyed' : ''} and Completed in every run: ${ok ? 'yes' : 'NO'}`);
  return ok;
}
