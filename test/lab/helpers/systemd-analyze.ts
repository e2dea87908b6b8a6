// systemd-analyze's verdicts on unit files: `verify` (must say nothing) and the offline `security` score.
import { spawnSync } from 'node:child_process';

export interface Verdict {
  status: number | null;
  output: string;
}

function analyze(args: string[]): Verdict {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `systemd-analyze verify`: status 0 and no output when the units are clean. */
export function verifyUnits(...units: string[]): Verdict {
  return analyze(['verify', ...units]);
}

/** The "Overall exposure level" of `systemd-analyze security --offline=true UNIT_FILE` (0.0 best, 10.0 worst). */
export function exposureOf(unitFile: string): { exposure: number; report: string } {
  const { output } = analyze(['security', '--offline=true', '--no-pager', unitFile]);
  const m = /Overall exposure level for \S+: ([0-9]+\.[0-9])/.exec(output);
  if (m === null) throw new Error(`no exposure level in systemd-analyze's output:\n${output}`);
  return { exposure: Number(m[1]), report: output };
}
