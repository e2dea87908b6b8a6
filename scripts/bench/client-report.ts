// Prints the client benchmark: a block per session, then per cipher the medians of ours and the real
// uftpd, their ratios and the goals.
import { median, spread } from './common';
import type { Cipher, ClientResult, SessionResult } from './client-round';
import type { ClientImpl } from './programs';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** together: one session to both; alone: to one of them; force: ours alone with a larger -B, by FORCE. */
export type SessionKind = 'together' | 'alone' | 'force';

export interface SessionRecord {
  round: number;
  kind: SessionKind;
  session: SessionResult;
}

export const mibPerSec = (c: ClientResult, bytes: number): number => bytes / MIB / c.seconds;
export const cpuPerGiB = (c: ClientResult, bytes: number): number => c.cpuSeconds / (bytes / GIB);

const passes = (ps: number[]): string => (ps.length === 0 ? 'none' : ps.join(','));
const sections = (c: ClientResult): string => (c.nakSections.length === 0 ? '' : ` in sections ${c.nakSections.join(',')} of ${c.sections}`);

export function printSession(r: SessionRecord, bytes: number): void {
  const s = r.session;
  console.log(
    `round ${r.round} ${s.cipher.padEnd(5)} ${r.kind.padEnd(8)}  ${s.passes} pass${s.passes === 1 ? ' ' : 'es'}  ` +
      `elapsed ${s.elapsedSeconds.toFixed(2)} s (wall ${s.wallSeconds.toFixed(2)} s)  ` +
      `machine ${(s.machineCpuSeconds / (bytes / GIB)).toFixed(2)} CPU-s/GiB  server RcvbufErrors ${s.serverDrops}  ` +
      `foreign CPU ${s.foreignCpuSeconds.toFixed(1)} s`,
  );
  for (const c of s.clients) {
    console.log(
      `    ${c.which.padEnd(4)} -B ${c.buffer} granted ${c.granted}  ${c.intact ? 'intact ' : 'CORRUPT'} ${c.status}  ` +
        `${mibPerSec(c, bytes).toFixed(1).padStart(6)} MiB/s (${c.seconds.toFixed(2)} s)  ` +
        `cpu ${c.cpuSeconds.toFixed(2)} s = ${cpuPerGiB(c, bytes).toFixed(2)} s/GiB (startup ${c.startupCpuSeconds.toFixed(2)} s)  ` +
        `peak RSS ${c.peakRssMiB.toFixed(1)} MiB  NAK passes ${passes(c.nakPasses)} (${c.naks} NAKs${sections(c)})  RcvbufErrors ${c.drops}`,
    );
    const t = c.split;
    const others = t.otherUser + t.otherSystem;
    console.log(
      `         cpu by thread: main ${t.mainUser.toFixed(2)} user + ${t.mainSystem.toFixed(2)} sys` +
        (others > 0 ? `, others ${t.otherUser.toFixed(2)} user + ${t.otherSystem.toFixed(2)} sys` : ', no other thread'),
    );
  }
}

interface Sample {
  round: number;
  kind: SessionKind;
  session: SessionResult;
  client: ClientResult;
}

function samples(records: SessionRecord[], cipher: Cipher, which: ClientImpl, kinds: SessionKind[]): Sample[] {
  return records
    .filter((r) => r.session.cipher === cipher && kinds.includes(r.kind))
    .flatMap((r) => r.session.clients.filter((c) => c.which === which).map((client) => ({ round: r.round, kind: r.kind, session: r.session, client })));
}

/**
 * NAK passes ours caused that the real uftpd did not: in a session to both, passes in which ours NAKed
 * and the real one did not; alone, how many more passes ours needed than the real one in the same round.
 */
function extraNakPasses(records: SessionRecord[], cipher: Cipher): number {
  let extra = 0;
  const rounds = new Set(records.map((r) => r.round));
  for (const round of rounds) {
    const of = (kind: SessionKind) => records.filter((r) => r.round === round && r.kind === kind && r.session.cipher === cipher);
    for (const r of of('together')) {
      const [ours, real] = (['ours', 'real'] as const).map((w) => r.session.clients.find((c) => c.which === w)!);
      extra += ours.nakPasses.filter((p) => !real.nakPasses.includes(p)).length;
    }
    const alone = of('alone');
    const ours = alone.find((r) => r.session.clients[0].which === 'ours');
    const real = alone.find((r) => r.session.clients[0].which === 'real');
    if (ours && real) extra += Math.max(0, ours.session.clients[0].nakPasses.length - real.session.clients[0].nakPasses.length);
  }
  return extra;
}

function row(name: string, real: number, ours: number, goal = '', digits = 2): void {
  const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const ratio = real > 0 && Number.isFinite(ours) ? (ours / real).toFixed(2) : '-';
  console.log(`${name.padEnd(36)} ${fmt(real).padStart(8)} ${fmt(ours).padStart(8)} ${ratio.padStart(9)}   ${goal}`);
}

/** Counts: whole numbers, no ratio when the real one's is 0. */
const countRow = (name: string, real: number, ours: number, goal = ''): void => row(name, real, ours, goal, 0);

/** Per cipher: medians, ratios and goals. Returns whether every file arrived intact. */
export function printSummary(records: SessionRecord[], bytes: number, rounds: number): boolean {
  const intact = records.every((r) => r.session.clients.every((c) => c.intact && /^Completed/.test(c.status)));
  let allMet = true;
  let compared = false;
  const ciphers = [...new Set(records.map((r) => r.session.cipher))];
  for (const cipher of ciphers) {
    const of = (which: ClientImpl, kinds: SessionKind[]) => samples(records, cipher, which, kinds);
    const med = (xs: Sample[], f: (s: Sample) => number) => (xs.length === 0 ? NaN : median(xs.map(f)));
    const tput = (s: Sample) => mibPerSec(s.client, bytes);
    const cpu = (s: Sample) => cpuPerGiB(s.client, bytes);
    const machine = (s: Sample) => s.session.machineCpuSeconds / (bytes / GIB);
    const sum = (xs: Sample[], f: (s: Sample) => number) => xs.reduce((a, s) => a + f(s), 0);
    const rssMax = (xs: Sample[]) => (xs.length === 0 ? NaN : Math.max(...xs.map((s) => s.client.peakRssMiB)));

    console.log(`\n${cipher}: medians over ${rounds} round${rounds === 1 ? '' : 's'}      real uftpd     ours  ours/real   goal`);
    const [realAlone, oursAlone, realTogether, oursTogether] = [of('real', ['alone']), of('ours', ['alone']), of('real', ['together']), of('ours', ['together'])];
    row('throughput alone, MiB/s', med(realAlone, tput), med(oursAlone, tput));
    row('throughput together, MiB/s', med(realTogether, tput), med(oursTogether, tput));
    const cpuRatios = [med(oursAlone, cpu) / med(realAlone, cpu), med(oursTogether, cpu) / med(realTogether, cpu)].filter(Number.isFinite);
    row('CPU s per GiB alone', med(realAlone, cpu), med(oursAlone, cpu), '<= 0.70');
    row('CPU s per GiB together', med(realTogether, cpu), med(oursTogether, cpu), '<= 0.70');
    row('whole machine CPU s per GiB, alone', med(realAlone, machine), med(oursAlone, machine));
    const [realAll, oursAll] = [of('real', ['alone', 'together']), of('ours', ['alone', 'together'])];
    row('peak RSS MiB, max of all sessions', rssMax(realAll), rssMax(oursAll), 'ours < 100');
    countRow('NAK passes, alone (sum)', sum(realAlone, (s) => s.client.nakPasses.length), sum(oursAlone, (s) => s.client.nakPasses.length));
    countRow('NAK passes, together (sum)', sum(realTogether, (s) => s.client.nakPasses.length), sum(oursTogether, (s) => s.client.nakPasses.length));
    countRow('blocks NAKed, all sessions (sum)', sum(realAll, (s) => s.client.naks), sum(oursAll, (s) => s.client.naks));
    countRow('RcvbufErrors, all sessions (sum)', sum(realAll, (s) => s.client.drops), sum(oursAll, (s) => s.client.drops));
    const both = oursAll.length > 0 && realAll.length > 0;
    const extra = extraNakPasses(records, cipher);
    if (both) console.log(`NAK passes ours caused that the real uftpd did not: ${extra} (goal 0)`);
    if (realAlone.length && oursAlone.length) {
      console.log(`throughput range alone MiB/s: real ${spread(realAlone.map(tput))}, ours ${spread(oursAlone.map(tput))}`);
      console.log(`CPU s/GiB range alone: real ${spread(realAlone.map(cpu), 2)}, ours ${spread(oursAlone.map(cpu), 2)}`);
    }
    for (const [name, xs] of [['real', realAlone], ['ours', oursAlone]] as const) {
      if (xs.length === 0) continue;
      const per = (f: (t: Sample['client']['split']) => number) => med(xs, (x) => f(x.client.split) / (bytes / GIB)).toFixed(2);
      console.log(
        `${name} CPU s/GiB by thread, alone (medians): main ${per((t) => t.mainUser)} user + ${per((t) => t.mainSystem)} sys, ` +
          `other threads ${per((t) => t.otherUser)} user + ${per((t) => t.otherSystem)} sys`,
      );
    }
    const forced = of('ours', ['force']);
    if (forced.length > 0) {
      const c = forced[0].client;
      console.log(
        `ours alone with -B ${c.buffer} (granted ${c.granted}): ${med(forced, tput).toFixed(1)} MiB/s, ${med(forced, cpu).toFixed(2)} CPU s/GiB, ` +
          `peak RSS ${rssMax(forced).toFixed(1)} MiB, NAK passes ${sum(forced, (s) => s.client.nakPasses.length)} (${sum(forced, (s) => s.client.naks)} NAKs), ` +
          `RcvbufErrors ${sum(forced, (s) => s.client.drops)}`,
      );
    }
    const all = [...records.filter((r) => r.session.cipher === cipher)];
    const worst = Math.max(...all.map((r) => r.session.foreignCpuSeconds / r.session.wallSeconds));
    // Two cores: more than a tenth of a core taken by others makes a session's figures suspect.
    console.log(`foreign CPU (cores busy with other programs): up to ${worst.toFixed(2)}${worst > 0.1 ? '  WARNING: rerun on a quiet machine' : ''}`);
    if (both) {
      compared = true;
      const met = extra === 0 && cpuRatios.every((r) => r <= 0.7) && rssMax(oursAll) < 100;
      console.log(`goals met (${cipher}): ${met ? 'yes' : 'no'} — NAK passes ${extra === 0 ? 'ok' : 'MISSED'}, CPU per GiB ${cpuRatios.every((r) => r <= 0.7) ? 'ok' : 'MISSED'}, RSS ${rssMax(oursAll) < 100 ? 'ok' : 'MISSED'}`);
      allMet &&= met;
    }
  }
  const goals = compared ? `; all goals met: ${allMet ? 'yes' : 'no'}` : ' (one side only: no ratios, no goals)';
  console.log(`\nfiles intact and Completed in every session: ${intact ? 'yes' : 'NO'}${goals}`);
  return intact;
}
