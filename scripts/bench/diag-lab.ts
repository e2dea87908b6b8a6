// Running the built uftp_diag inside lab hosts: shared by the addon's lab tests and the socket benchmark.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DatagramRecord, ListenSummary } from '../../lib/cli/diag/listen';
import type { ExecResult, LabHost, LabProcess } from '../lab';
import { waitForFile } from '../lab';

/** The repository root, found from this file whether it runs as TypeScript or from dist/. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** Why bin/uftp_diag cannot run yet (it needs the compiled dist/), or undefined when it can. */
export function diagUnbuilt(): string | undefined {
  const root = repoRoot();
  if (existsSync(path.join(root, 'dist/lib/cli/diag/main.js'))) return undefined;
  return `${root}/dist is not built: run \`npm run build\` before the lab tests and benchmarks`;
}

/** argv that runs bin/uftp_diag. */
export function diagArgv(args: string[]): [string, string[]] {
  const unbuilt = diagUnbuilt();
  if (unbuilt) throw new Error(unbuilt);
  return [process.execPath, [path.join(repoRoot(), 'bin/uftp_diag'), ...args]];
}

export function runDiag(host: LabHost, args: string[], timeoutMs = 30_000): Promise<ExecResult> {
  const [cmd, argv] = diagArgv(args);
  return host.exec(cmd, argv, { timeoutMs });
}

export function spawnDiag(host: LabHost, args: string[]): LabProcess {
  const [cmd, argv] = diagArgv(args);
  return host.spawn(cmd, argv);
}

/** Parses --json output: one object per non-empty line. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/**
 * Starts `uftp_diag listen ARGS --ready-file FILE` and resolves once the socket is bound and joined.
 * If the listener dies first, the error carries its stderr.
 */
export async function startListener(host: LabHost, args: string[], readyFile: string, timeoutMs = 15_000): Promise<LabProcess> {
  const proc = spawnDiag(host, ['listen', ...args, '--ready-file', readyFile]);
  const died = proc.exited.then(({ code, signal }) => {
    throw new Error(`uftp_diag listen ${args.join(' ')} exited (${signal ?? code}) before ready: ${proc.stderr()}`);
  });
  await Promise.race([waitForFile(readyFile, timeoutMs), died]);
  died.catch(() => undefined); // it may end normally later
  return proc;
}

/** Waits for a process to end on its own (SIGKILL after timeoutMs) and returns its status and output. */
export async function finish(proc: LabProcess, timeoutMs: number): Promise<ExecResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  const ended = await Promise.race([proc.exited.then(() => true), late.then(() => false)]);
  clearTimeout(timer);
  if (!ended) {
    await proc.stop('SIGKILL', 0);
    throw new Error(`process ${proc.pid} did not end within ${timeoutMs} ms: ${proc.stderr()}`);
  }
  const { code, signal } = await proc.exited;
  return { code, signal, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Ends a listener with SIGTERM (it prints its summary and exits 0) and returns its status and output. */
export async function stopListener(proc: LabProcess): Promise<ExecResult> {
  await proc.stop('SIGTERM', 5_000);
  const { code, signal } = await proc.exited;
  return { code, signal, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Fields of the Udp line of /proc/net/snmp in a host's namespace (InDatagrams, RcvbufErrors, ...). */
export async function udpCounters(host: LabHost): Promise<Record<string, number>> {
  const { stdout } = await host.exec('cat', ['/proc/net/snmp']);
  const [names, values] = stdout.split('\n').filter((l) => l.startsWith('Udp: '));
  const keys = names.split(/\s+/).slice(1);
  const nums = values.split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(keys.map((k, i) => [k, nums[i]]));
}

/** Splits `listen --json` output into its datagram records and its closing summary line. */
export function listenRecords(stdout: string): { datagrams: DatagramRecord[]; summary?: ListenSummary } {
  const lines = jsonLines<DatagramRecord | ListenSummary>(stdout);
  const last = lines[lines.length - 1];
  if (last && 'summary' in last) return { datagrams: lines.slice(0, -1) as DatagramRecord[], summary: last };
  return { datagrams: lines as DatagramRecord[] };
}

/** The index of a host's interface on a segment, as `uftp_diag interfaces` sees it in that namespace. */
export async function interfaceIndex(host: LabHost, segment: string): Promise<number> {
  const r = await runDiag(host, ['interfaces', '--json']);
  const found = jsonLines<{ name: string; index: number }>(r.stdout).find((i) => i.name === host.ifname(segment));
  if (!found) throw new Error(`${host.name} has no interface ${host.ifname(segment)}: ${r.stdout}${r.stderr}`);
  return found.index;
}
