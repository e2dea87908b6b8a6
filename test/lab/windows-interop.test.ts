// Our uftpd as a Windows program: the official node.exe under Wine with the mingw-built addon, inside a
// lab namespace (its own Wine prefix, whose wineserver starts in that namespace), receiving from the real
// Linux uftp (Debian's 4.10.2), plain and encrypted. Files compared by sha256; the real server must
// report the client Completed.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../scripts/bench/diag-lab';
import { UFTP_PORT } from '../../scripts/bench/programs';
import { stageUnbuilt, stageWindowsApp } from '../../scripts/windows/stage';
import { WinePrefix, wineMissing, type WineProcess } from '../../scripts/windows/wine';
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type KeyFile, type ProxyTestLab } from './helpers/proxy-lab';
import { expectCompleted, sendFiles } from './helpers/uftpd-lab';

const root = repoRoot();
const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, near: { segments: ['a'] } } };

describeLab(
  'real uftp -> our uftpd under Wine (node.exe, mingw addon) in a lab namespace',
  () => {
    const lab = useProxyLab(LAB);
    let dir: string;
    let app: string;
    let prefix: WinePrefix;
    const keys: Partial<Record<'server' | 'client', KeyFile>> = {};
    const running: WineProcess[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'uftpts-win-interop-'));
      app = stageWindowsApp(root, dir);
      prefix = WinePrefix.create(dir, lab().host('near').netns);
      [keys.server, keys.client] = await Promise.all([lab().key('server-rsa', 'rsa:1024'), lab().key('client-rsa', 'rsa:1024')]);
    }, 300_000);
    afterEach(async () => {
      for (const p of running.splice(0)) {
        p.child.kill('SIGTERM');
        await p.exited;
      }
    });
    afterAll(() => {
      prefix?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Starts our uftpd under Wine on `near` and resolves once its UDP port is bound there. */
    async function startWindowsUftpd(t: ProxyTestLab, dest: string, extra: string[]): Promise<WineProcess> {
      await mkdir(dest, { recursive: true });
      const proc = prefix.spawnNode([path.join(app, 'bin/uftpd'), '-d', '-D', dest, '-I', t.ifname('near'), ...extra]);
      running.push(proc);
      let exited = false;
      void proc.exited.then(() => (exited = true));
      const end = Date.now() + 60_000;
      for (;;) {
        const ss = await t.host('near').exec('ss', ['-Hlun', `sport = :${UFTP_PORT}`]);
        if (ss.stdout.trim() !== '') return proc;
        if (exited || Date.now() > end) throw new Error(`uftpd under Wine ${exited ? 'exited' : 'did not bind'}:\n${proc.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    test.each([
      ['unencrypted', [], false],
      ['aes256-gcm sha256, RSA keys', ['-Y', 'aes256-gcm', '-h', 'sha256'], true],
    ] as const)('%s: the file arrives intact, the server reports Completed', async (_n, suite, encrypted) => {
      const t = lab();
      const work = await t.freshDir('win-interop');
      const src = await payload(`${work}/src`);
      const ours = await startWindowsUftpd(t, `${work}/near`, encrypted ? ['-k', keys.client!.file] : []);
      const run = await sendFiles(t, [...suite, ...(encrypted ? ['-k', keys.server!.file] : [])], [src.file]);
      expectCompleted(run.log, t.uid('near'));
      expect(run.code).toBe(0);
      expect(await treeDigest(`${work}/near`)).toEqual(src.digest);
      if (encrypted) expect(ours.stderr()).toMatch(/Received KEYINFO/);
    });
  },
  [wineMissing, () => stageUnbuilt(root), realProgramsMissing],
);
