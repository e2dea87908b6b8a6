// One run of the registration benchmark: our uftp or the real one announces a closed group of many clients
// (-H @file), registers and (encrypted) keys them, and sends them a tiny file. The clients are client-swarm
// processes (many of our client machines behind one uftpd daemon), the same for both servers. Timed from
// the server's own -T log: "Initializing group" to the first file's "----- name -----" line.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Lab, LabHost, LabProcess, LabSpec } from '../lab';
import { cpuSnapshot, otherPrograms, processUsage, type ProcessUsage } from './measure';
import { UFTP_PORT, waitForUdpPort } from './programs';
import { countLines, timeOfFirst } from './uftp-log';
import type { ServerImpl } from './uftp-command';
import { runUftp, type Granted } from './uftp-run';

export type Cipher = 'plain' | 'gcm';
export const CIPHER_ARGS: Record<Cipher, string[]> = { plain: [], gcm: ['-Y', 'aes256-gcm', '-h', 'sha256'] };

/** The server, and the hosts the client swarms run on, on one segment. */
export function registerLab(swarms: number): LabSpec {
  const hosts: LabSpec['hosts'] = { server: { segments: ['a'] } };
  for (let i = 1; i <= swarms; i++) hosts[`swarm${i}`] = { segments: ['a'] };
  return { segments: ['a'], hosts };
}

export const BUFFER = 4194304;
/** Both servers: the closed group's timing as the issue gives it, -T for the log's timestamps. */
export const REGISTER_SERVER_ARGS = ['-R', '-1', '-B', String(BUFFER), '-r', '0.05:0.01:1.0', '-x', '2', '-T'];

/** The IDs of swarm `i` (0-based): 0x0A000001 + i * 0x10000 on. */
export function swarmBase(i: number): number {
  return 0x0a000001 + i * 0x10000;
}

export const hexId = (id: number): string => `0x${id.toString(16).toUpperCase().padStart(8, '0')}`;

/** The host list (-H @file) of `swarms` swarms of `perSwarm` clients each. */
export async function writeHostList(file: string, swarms: number, perSwarm: number): Promise<void> {
  const ids: string[] = [];
  for (let s = 0; s < swarms; s++) for (let i = 0; i < perSwarm; i++) ids.push(hexId(swarmBase(s) + i));
  await writeFile(file, `${ids.join('\n')}\n`);
}

export interface RegisterRunSpec {
  which: ServerImpl;
  cipher: Cipher;
  swarms: number;
  perSwarm: number;
  hostList: string;
  /** -k for the server when encrypted (the same key file for both), or undefined: its own throwaway key. */
  serverKey?: string;
  /**
   * -k for the swarms (encrypted runs): with the default signatures a client's key must be the size of the
   * server's, so a server key of its own needs client keys of the same kind.
   */
  clientKey?: string;
  file: string;
  label: string;
  nodeFlags?: string[];
  /** node options for the swarms (--profile-swarms). */
  swarmNodeFlags?: string[];
  /** Keep each server's log there, as LABEL.log (--logs). */
  logDir?: string;
}

export interface RegisterRunResult {
  which: ServerImpl;
  cipher: Cipher;
  code: number | null;
  /** "Initializing group" to the first "----- name -----": announce, register, key, REG_CONF/KEYINFO done. */
  registerSeconds: number;
  /** "Initializing group" to "Late registers:" (the last listed client is in), when logged. */
  allInSeconds?: number;
  /** The whole run, start (node's own start and key loading included for ours) to exit. */
  wallSeconds: number;
  server: ProcessUsage;
  /** The server socket's buffers (ss -m). */
  granted?: Granted;
  announceRounds: number;
  registered: number; // distinct clients whose REGISTER the server logged
  keyed: number; // distinct clients whose KEYINFO_ACK it logged (encrypted)
  completed: number; // "Status: Completed" in its report of the file
  swarmCpuSeconds: number;
  foreignCpuSeconds: number;
  busiestOthers: string;
}

/** Starts a swarm of `count` client machines with IDs from `base` on a host; resolves once it listens. */
async function startSwarm(host: LabHost, dest: string, count: number, base: number, extra: string[], nodeFlags: string[]): Promise<LabProcess> {
  await mkdir(dest, { recursive: true });
  const script = path.join(__dirname, 'client-swarm.js');
  const args = [...nodeFlags, script, String(count), '-d', '-q', '-x', '1', '-D', dest, '-I', host.ifname('a'), '-U', hexId(base), '-B', String(BUFFER), ...extra];
  const proc = host.spawn(process.execPath, args);
  await proc.waitForOutput(/Loaded (\d+ bit \w+|ECDSA) key/, 60_000);
  await waitForUdpPort(host, UFTP_PORT, proc, 60_000);
  return proc;
}

const distinct = (log: string, pattern: RegExp): number => new Set([...log.matchAll(pattern)].map((m) => m[1].toUpperCase())).size;

export async function runRegisterRound(lab: Lab, spec: RegisterRunSpec): Promise<RegisterRunResult> {
  const server = lab.host('server');
  const dir = path.join(lab.tmpdir(), spec.label);
  const swarms: LabProcess[] = [];
  try {
    const clientKey = spec.cipher !== 'plain' && spec.clientKey ? ['-k', spec.clientKey] : [];
    for (let s = 0; s < spec.swarms; s++) {
      swarms.push(await startSwarm(lab.host(`swarm${s + 1}`), path.join(dir, `swarm${s + 1}`), spec.perSwarm, swarmBase(s), clientKey, spec.swarmNodeFlags ?? []));
    }
    const before = await Promise.all(swarms.map((p) => processUsage(p.pid)));
    const cpu0 = await cpuSnapshot();
    const key = spec.cipher !== 'plain' && spec.serverKey ? ['-k', spec.serverKey] : [];
    const args = ['-I', server.ifname('a'), ...REGISTER_SERVER_ARGS, '-H', `@${spec.hostList}`, ...CIPHER_ARGS[spec.cipher], ...key, spec.file];
    const run = await runUftp(server, spec.which, args, { nodeFlags: spec.nodeFlags, timeoutMs: 300_000, label: spec.label, dir: lab.tmpdir() });
    const cpu1 = await cpuSnapshot();
    const after = await Promise.all(swarms.map((p) => processUsage(p.pid)));
    await Promise.all(swarms.map((p) => p.stop()));
    if (spec.logDir) await writeFile(path.join(spec.logDir, `${spec.label}.log`), run.log);
    const init = timeOfFirst(run.log, /\]: Initializing group$/);
    const fileLine = timeOfFirst(run.log, /\]: ----- .+ -----$/);
    const allIn = timeOfFirst(run.log, /\]: Late registers:$/);
    if (run.code !== 0 || init === undefined || fileLine === undefined) {
      throw new Error(`${spec.which} uftp (${spec.cipher}) failed (exit ${run.code}) or logged no timestamps:\n${run.log.slice(-3000)}`);
    }
    const swarmCpu = after.reduce((a, u, i) => a + u.cpuSeconds - before[i].cpuSeconds, 0);
    const others = otherPrograms(cpu0, cpu1, swarmCpu);
    const rounds = [...run.log.matchAll(/Sending ANNOUNCE (\d+)/g)].map((m) => Number(m[1]));
    return {
      which: spec.which,
      cipher: spec.cipher,
      code: run.code,
      registerSeconds: fileLine - init,
      allInSeconds: allIn === undefined ? undefined : allIn - init,
      wallSeconds: run.wallSeconds,
      server: run.usage,
      granted: run.granted,
      announceRounds: Math.max(0, ...rounds),
      registered: distinct(run.log, /Received REGISTER\+? from (?:client )?(0x[0-9A-Fa-f]+)/g),
      // The real uftp names no 'client' in this line; ours does.
      keyed: distinct(run.log, /Received KEYINFO_ACK\+? from (?:client )?(0x[0-9A-Fa-f]+)/g),
      completed: countLines(run.log, /Status: Completed/),
      swarmCpuSeconds: swarmCpu,
      foreignCpuSeconds: others.seconds,
      busiestOthers: others.busiest,
    };
  } finally {
    await Promise.all(swarms.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}
