// Everything the lab tests run besides node, by the Debian package that has it: checked once before the
// lab tests start (preflight.ts), and by each test file for what it uses (gate.ts `tools`).
import { existsSync } from 'node:fs';
import { labAvailable } from '../../../scripts/lab';

/** Program (a name looked up on PATH, or an absolute path) -> its Debian package. */
export const LAB_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  ss: 'iproute2',
  nft: 'nftables',
  tcpdump: 'tcpdump',
  socat: 'socat',
  python3: 'python3',
  sysctl: 'procps',
  setpriv: 'util-linux',
  script: 'bsdutils',
  file: 'file',
  openssl: 'openssl',
  'systemd-analyze': 'systemd',
  'dpkg-deb': 'dpkg',
  logrotate: 'logrotate',
  '/usr/bin/uftp': 'uftp',
  '/usr/bin/uftpd': 'uftp',
  '/usr/bin/uftpproxyd': 'uftp',
  '/usr/bin/uftp_keymgt': 'uftp',
};

function found(program: string): boolean {
  if (program.startsWith('/')) return existsSync(program);
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(`${dir}/${program}`));
}

/** Of `programs` (default: all of LAB_TOOLS), those missing here. */
export function missingTools(programs: readonly string[] = Object.keys(LAB_TOOLS)): string[] {
  return programs.filter((p) => !found(p));
}

/** "tcpdump, nft not found: apt-get install tcpdump nftables", or undefined when none is missing. */
export function missingMessage(missing: readonly string[]): string | undefined {
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((p) => LAB_TOOLS[p] ?? p))];
  return `${missing.join(', ')} not found: apt-get install ${packages.join(' ')}`;
}

/** Why the lab tests cannot all run here (root, namespaces, programs), in one sentence, or undefined when they can. */
export function labPrerequisites(): string | undefined {
  const lab = labAvailable();
  const problems = [lab.ok ? undefined : `no lab can be built: ${lab.why}`, missingMessage(missingTools())];
  const found = problems.filter((p): p is string => p !== undefined);
  return found.length === 0 ? undefined : `the lab tests cannot all run here: ${found.join('; ')}`;
}
