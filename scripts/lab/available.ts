// Can this machine build a lab? Asked once per process, answered with the reason when it cannot.
import { spawnSync } from 'node:child_process';

let answer: { ok: boolean; why?: string } | undefined;

function probe(): { ok: boolean; why?: string } {
  if (process.platform !== 'linux') return { ok: false, why: `network namespaces need Linux, not ${process.platform}` };
  const uid = process.getuid?.();
  if (uid !== 0) return { ok: false, why: `network namespaces need root (running as uid ${uid})` };
  const version = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (version.error) return { ok: false, why: `iproute2 'ip' cannot run (apt-get install iproute2): ${version.error.message}` };
  // Every lab host is set up with it (scripts/lab/build.ts).
  const sysctl = spawnSync('sysctl', ['-n', 'kernel.ostype'], { encoding: 'utf8' });
  if (sysctl.error) return { ok: false, why: `'sysctl' cannot run (apt-get install procps): ${sysctl.error.message}` };
  const ns = `uftl-probe-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
  if (add.status !== 0) return { ok: false, why: `cannot create a network namespace: ${add.stderr.trim()}` };
  const del = spawnSync('ip', ['netns', 'del', ns], { encoding: 'utf8' });
  if (del.status !== 0) return { ok: false, why: `cannot delete network namespace ${ns}: ${del.stderr.trim()}` };
  return { ok: true };
}

export function labAvailable(): { ok: boolean; why?: string } {
  answer ??= probe();
  return answer;
}
