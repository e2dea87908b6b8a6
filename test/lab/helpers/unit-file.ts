// A systemd unit of packaging/ turned into the command a service manager would run: the [Service]
// settings read from the file, $ARGS from its /etc/default file, and the user and capabilities applied with
// setpriv as systemd applies them (uid/gid, no supplementary groups, the bounding and ambient sets, no new
// privileges). This machine has no systemd as PID 1; this is the nearest faithful stand-in.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../scripts/bench/diag-lab';

export const PACKAGING = path.join(repoRoot(), 'packaging');

/** The [Service] settings of a unit file; a setting given twice keeps every value, in order. */
export function serviceSettings(unitFile: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(unitFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  return settings;
}

/** ARGS="..." of an /etc/default file as words (the files quote the whole value once, nothing nested). */
export function defaultArgs(defaultsFile: string): string[] {
  const m = /^ARGS="([^"]*)"$/m.exec(readFileSync(defaultsFile, 'utf8'));
  if (m === null) throw new Error(`no ARGS= line in ${defaultsFile}`);
  return m[1].split(/\s+/).filter((w) => w !== '');
}

function one(settings: Map<string, string[]>, key: string): string {
  const values = settings.get(key);
  if (values === undefined || values.length !== 1) throw new Error(`want exactly one ${key}= in the unit, found ${values?.length ?? 0}`);
  return values[0];
}

/** CAP_NET_ADMIN CAP_X -> "net_admin,x", setpriv's spelling. */
function capNames(value: string): string[] {
  return value.split(/\s+/).filter((c) => c !== '').map((c) => c.replace(/^CAP_/, '').toLowerCase());
}

export interface UnitCommand {
  /** setpriv and its options, then the program: what to spawn. */
  argv: string[];
  /** The capability names of the unit's ambient set (setpriv's spelling). */
  ambient: string[];
  user: string;
}

/**
 * The unit's ExecStart as it would run: the installed program path mapped to this checkout's bin/, $ARGS
 * replaced by `args` (the defaults file's, adapted by the caller), run as uid:gid with the unit's capability
 * sets. `uid`/`gid` stand for User=/Group= where that user does not exist on this machine.
 */
export function unitCommand(unitFile: string, args: string[], uid: number, gid: number): UnitCommand {
  const s = serviceSettings(unitFile);
  const bounding = capNames(one(s, 'CapabilityBoundingSet'));
  const ambient = capNames(one(s, 'AmbientCapabilities'));
  const exec = one(s, 'ExecStart').split(/\s+/);
  const program = exec[0];
  if (!program.startsWith('/usr/lib/uftp-ts/bin/')) throw new Error(`ExecStart runs ${program}, not a program of the package`);
  const words = exec.slice(1).flatMap((w) => (w === '$ARGS' ? args : [w]));
  const setpriv = [
    'setpriv',
    `--reuid=${uid}`,
    `--regid=${gid}`,
    '--clear-groups',
    `--bounding-set=-all${bounding.map((c) => `,+${c}`).join('')}`,
    `--inh-caps=-all${ambient.map((c) => `,+${c}`).join('')}`,
    `--ambient-caps=-all${ambient.map((c) => `,+${c}`).join('')}`,
    ...(one(s, 'NoNewPrivileges') === 'yes' ? ['--no-new-privs'] : []),
  ];
  const bin = path.join(repoRoot(), 'bin', path.basename(program));
  return { argv: [...setpriv, process.execPath, bin, ...words], ambient, user: one(s, 'User') };
}

/** Capability bit numbers of linux/capability.h that the units may name. */
const CAP_BITS: Record<string, number> = { net_admin: 12, net_raw: 13, net_bind_service: 10 };

/** The effective capability mask a process with exactly these capabilities shows in /proc/PID/status. */
export function capMask(names: string[]): bigint {
  return names.reduce((mask, n) => {
    const bit = CAP_BITS[n];
    if (bit === undefined) throw new Error(`unknown capability ${n}`);
    return mask | (1n << BigInt(bit));
  }, 0n);
}

/** Uid and effective capabilities of a running process, from /proc. */
export function processCredentials(pid: number): { uid: number; capEff: bigint; noNewPrivs: boolean } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): string => {
    const m = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status);
    if (m === null) throw new Error(`no ${name} in /proc/${pid}/status`);
    return m[1];
  };
  return { uid: Number(field('Uid').split(/\s+/)[1]), capEff: BigInt(`0x${field('CapEff')}`), noNewPrivs: field('NoNewPrivs') === '1' };
}
