// Runs one uftp scenario with the real uftp and with ours against the same real uftpd clients, and makes
// their logs and -S status files comparable: what legitimately varies between two runs (times, speeds,
// group ID, private address, the version banner, the order of lines from clients answering at once) is
// masked; everything else must match line by line.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LabProcess } from '../../../scripts/lab';
import type { AnyHost, ProxyTestLab, ServerImpl } from './proxy-lab';
import { sendInBackground } from './uftpd-lab';

export interface Side {
  code: number | null;
  /** Everything the server printed (stdout and stderr). */
  log: string;
  /** The -S file ('' when none was written). */
  status: string;
}

export interface ClientSpec {
  host: AnyHost;
  /** Extra uftpd options. */
  extra?: string[];
  /** nftables drop rule on this client's output, e.g. ['udp', 'sport', '1044', '@th,72,8', '8']. */
  drop?: string[];
}

export interface Scenario {
  /** uftp options (FAST_SERVER and -I come first); STATUS stands for the -S file of the run. */
  args: string[];
  files: string[];
  clients: ClientSpec[];
  /** Where the files are (uftp's working directory). */
  cwd: string;
  /** Something done while the server runs: a signal to it, a client stopped, ... */
  during?: (run: Running) => Promise<void>;
  timeoutMs?: number;
}

export interface Running {
  server: LabProcess;
  clients: LabProcess[];
}

const TABLE = 'uftpcmp';

async function nft(t: ProxyTestLab, host: AnyHost, args: string[]): Promise<void> {
  const run = await t.host(host).exec('nft', args);
  if (run.code !== 0) throw new Error(`nft ${args.join(' ')} on ${host}: ${run.stderr}`);
}

/** Drops the client's own datagrams that match `rule` (its answers to the server) until removed. */
async function dropOutgoing(t: ProxyTestLab, host: AnyHost, rule: string[]): Promise<void> {
  await nft(t, host, ['add', 'table', 'inet', TABLE]);
  await nft(t, host, ['add', 'chain', 'inet', TABLE, 'out', '{ type filter hook output priority 0; }']);
  await nft(t, host, ['add', 'rule', 'inet', TABLE, 'out', ...rule, 'drop']);
}

/** One run of the scenario with one server; clients are started fresh and stopped after. */
export async function runScenario(t: ProxyTestLab, which: ServerImpl, s: Scenario): Promise<Side> {
  const dir = await t.freshDir(`run-${which}`);
  const statusFile = path.join(dir, 'status');
  const clients: LabProcess[] = [];
  try {
    for (const [i, c] of s.clients.entries()) {
      clients.push(await t.client(c.host, path.join(dir, `dest${i}`), c.extra ?? []));
      if (c.drop) await dropOutgoing(t, c.host, c.drop);
    }
    const args = s.args.map((a) => (a === 'STATUS' ? statusFile : a));
    const server = sendInBackground(t, args, s.files, { server: which, cwd: s.cwd });
    await s.during?.({ server, clients });
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new Error(`${which} uftp still running after ${s.timeoutMs ?? 20_000} ms:\n${server.stderr()}`)), s.timeoutMs ?? 20_000);
      void server.exited.finally(() => clearTimeout(timer));
    });
    const { code } = await Promise.race([server.exited, timeout]);
    return { code, log: server.stdout() + server.stderr(), status: await readFile(statusFile, 'utf8').catch(() => '') };
  } finally {
    for (const c of s.clients) if (c.drop) await nft(t, c.host, ['delete', 'table', 'inet', TABLE]).catch(() => undefined);
    await t.stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The real uftp's run, then ours, of the same scenario. */
export async function runBoth(t: ProxyTestLab, s: Scenario): Promise<{ real: Side; ours: Side }> {
  const real = await runScenario(t, 'real', s);
  const ours = await runScenario(t, 'ours', s);
  return { real, ours };
}

/** Lines a client's answer produces: several clients answering at once print them in any order. */
const ARRIVALS = [
  /^Received (REGISTER|FILEINFO_ACK|KEYINFO_ACK|CLIENT_KEY)\+? from (client|proxy) /,
  /^Got COMPLETE(\(\w+\))?\+? from (client|proxy) /,
  /^Got \S+ NAKs for section \d+ from /,
  /^Transfer aborted by /,
];
/** Lines in host-list order: the -H order, or (open group) the order clients registered in. */
const HOST_ORDER = [/^Host: /, /^ {2}Free space on host: /, /^\S+ +(Aborted|Mute|Lost connection)$/, /^(CONNECT|RESULT|STATS|FREESPACE);/];

/** Masks of what varies from run to run (applied to the text after any -T prefix); [pattern, replacement]. */
const MASKS: Array<[RegExp, string]> = [
  [/^(UFTP version .*|uftp-ts uftp, .*)$/, '<banner>'],
  [/^(Starting at|uftp: Finishing at) .*$/, '$1 <ctime>'],
  [/^Using private multicast address \S+ {2}Group ID: [0-9A-F]{8}$/, 'Using private multicast address <addr>  Group ID: <group>'],
  [/(Status: Completed(\(overwritten\))? +time:) +-?[\d.]+ seconds$/, '$1 <t> seconds'],
  [/^Total elapsed time: [\d.]+ seconds$/, 'Total elapsed time: <t> seconds'],
  [/^Overall throughput: [\d.]+ KB\/s$/, 'Overall throughput: <r> KB/s'],
  [/^( {2}Free space on host:) \d+ bytes$/, '$1 <n> bytes'],
  [/^(RESULT;[^;]*;[^;]*;\d+KB;(copy|overwritten));[\d.]+KB\/s$/, '$1;<r>KB/s'],
  [/^(STATS;[^;]*;\d+;\d+;\d+;\d+MB);-?[\d.]+;[\d.]+KB\/s$/, '$1;<t>;<r>KB/s'],
  [/^FREESPACE;(.*);\d+$/, 'FREESPACE;$1;<n>'],
  [/^(Got )\d+( NAKs for section \d+ from .*)$/, '$1<n>$2'],
];

/** -T's time stamp and the group's prefix ("[29B34E74/00:0001]: "), kept apart from the text. */
const PREFIX = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6}: )?(\[[0-9A-F]{8}(\/[0-9A-F]{2}:[0-9A-F]+\]: ))?(.*)$/;

function split(line: string): { prefix: string; text: string } {
  const m = PREFIX.exec(line)!;
  return { prefix: `${m[1] ? '<time>: ' : ''}${m[2] ? `[<group>${m[3]}` : ''}`, text: m[4] };
}

function mask(line: string): string {
  const { prefix, text } = split(line);
  return prefix + MASKS.reduce((l, [re, to]) => l.replace(re, to), text);
}

/** Each run of lines of one kind sorted, so an order that legitimately varies does not count. */
function sortRuns(lines: string[], kinds: RegExp[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const end = (): void => {
    out.push(...run.sort());
    run = [];
  };
  for (const line of lines) {
    if (kinds.some((re) => re.test(split(line).text))) run.push(line);
    else {
      end();
      out.push(line);
    }
  }
  end();
  return out;
}

export interface NormaliseOptions {
  /** Lines that only one side prints on purpose. */
  drop?: RegExp[];
  /** Open group: the host order is the order of registration, which varies from run to run. */
  anyHostOrder?: boolean;
}

/** A log or status file as comparable lines. */
export function normalise(text: string, opts: NormaliseOptions = {}): string[] {
  const lines = text.replace(/\n$/, '').split('\n').filter((l) => !(opts.drop ?? []).some((re) => re.test(split(l).text)));
  return sortRuns(lines.map(mask), opts.anyHostOrder ? [...ARRIVALS, ...HOST_ORDER] : ARRIVALS);
}

/** Lines one server repeats a number of times that depends on timing, collapsed to one. */
export function collapseRepeats(lines: string[], pattern: RegExp): string[] {
  const is = (l: string | undefined): boolean => l !== undefined && pattern.test(split(l).text);
  return lines.filter((l, i) => !(is(l) && i > 0 && is(lines[i - 1])));
}
