// Our programs as Windows programs in the lab: bin/<program> run by node.exe under Wine in a host's own
// prefix (its wineserver in the host's namespace), ready once its UDP port is bound there; stopped
// after each test, the prefixes after the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../../scripts/bench/diag-lab';
import { UFTP_PORT } from '../../../scripts/bench/programs';
import type { LabHost } from '../../../scripts/lab';
import { stageUnbuilt, stageWindowsApp } from '../../../scripts/windows/stage';
import { WinePrefix, wineMissing, type WineProcess } from '../../../scripts/windows/wine';

const root = repoRoot();

/** describeLab needs of a Windows-lane lab test. */
export const windowsLaneNeeds = [wineMissing, () => stageUnbuilt(root)];

export interface WindowsPrograms {
  /** Starts `bin/<program> args` under Wine on `host`; resolves once UDP `port` is bound in its namespace. */
  start(host: LabHost, program: 'uftpd' | 'uftpproxyd', args: string[], port?: number): Promise<WineProcess>;
}

/** Registers the hooks (inside a describe, after the lab's): one staged copy, one prefix per host used. */
export function useWindowsPrograms(): () => WindowsPrograms {
  let dir: string | undefined;
  let app = '';
  const prefixes = new Map<string, WinePrefix>();
  const running: WineProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'uftpts-win-lab-'));
    app = stageWindowsApp(root, dir);
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });
  afterAll(() => {
    for (const prefix of prefixes.values()) prefix.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(host: LabHost, program: 'uftpd' | 'uftpproxyd', args: string[], port = UFTP_PORT): Promise<WineProcess> {
    let prefix = prefixes.get(host.netns);
    if (!prefix) {
      prefix = WinePrefix.create(dir!, host.netns);
      prefixes.set(host.netns, prefix);
    }
    const proc = prefix.spawnNode([path.join(app, 'bin', program), '-d', ...args]);
    running.push(proc);
    let exited = false;
    void proc.exited.then(() => (exited = true));
    const end = Date.now() + 60_000;
    for (;;) {
      const ss = await host.exec('ss', ['-Hlun', `sport = :${port}`]);
      if (ss.stdout.trim() !== '') break;
      if (exited || Date.now() > end) throw new Error(`${program} under Wine on ${host.name} ${exited ? 'exited' : 'did not bind'}:\n${proc.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // A proxy joins its groups right after the bind: let it finish before traffic starts.
    await new Promise((r) => setTimeout(r, 300));
    return proc;
  }
  return () => ({ start });
}
