// SIGHUP to our uftpproxyd, server and client proxy of one chain (issue 9, "Reload"): the server proxy's -S
// and the client proxy's -C lists are rewritten between two sessions of the real uftp, and the next session
// goes by the new lists. The server proxy starts allowing server A, the client proxy serving far1; after the
// reload it is server B and far2. Real uftpd clients, real uftp servers.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type ProxyTestLab } from './helpers/proxy-lab';
import type { ExecResult } from '../../scripts/lab';

const RELOAD_LAB = {
  segments: ['a', 'b'],
  hosts: {
    server: { segments: ['a'] },
    server2: { segments: ['a'] },
    sproxy: { segments: ['a'] },
    router: { segments: ['a', 'b'], router: true },
    cproxy: { segments: ['b'] },
    far1: { segments: ['b'] },
    far2: { segments: ['b'] },
  },
};
const PUBLIC = '232.4.4.1';
const NO_CLIENT = 7; // uftp's exit status when no client answered the ANNOUNCE

function completed(run: ExecResult & { log: string }, t: ProxyTestLab, far: string): boolean {
  return new RegExp(`Host: ${t.uid(far)}\\s+Status: Completed`).test(run.log);
}

describeLab(
  'our uftpproxyd: SIGHUP reloads -S (server proxy) and -C (client proxy) for the next session',
  () => {
    const lab = useProxyLab(RELOAD_LAB);

    test('session 1 by the old lists, session 2 by the new ones; the dropped server is refused', async () => {
      const t = lab();
      const dir = await t.freshDir('proxy-reload');
      const servers = path.join(dir, 'servers.txt');
      const clients = path.join(dir, 'clients.txt');
      await writeFile(servers, `${t.uid('server')}|${t.addr('server')}\n`);
      await writeFile(clients, `${t.uid('far1')}\n`);
      for (const far of ['far1', 'far2']) await t.client(far, `${dir}/${far}`, ['-M', PUBLIC]);
      const cproxy = await t.clientProxy('ours', ['-C', clients]);
      const sproxy = await t.serverProxy('ours', ['-S', servers, '-M', PUBLIC]);

      const first = await payload(`${dir}/src1`);
      const run1 = await t.send(['-M', PUBLIC, '-P', '232.5.5.1'], [first.file]);
      expect([completed(run1, t, 'far1'), completed(run1, t, 'far2')]).toEqual([true, false]);
      expect(await treeDigest(`${dir}/far1`)).toEqual(first.digest);
      expect(await treeDigest(`${dir}/far2`)).toEqual({});

      await writeFile(servers, `${t.uid('server2')}|${t.addr('server2')}\n`);
      await writeFile(clients, `${t.uid('far2')}\n`);
      process.kill(sproxy.pid, 'SIGHUP');
      process.kill(cproxy.pid, 'SIGHUP');
      await sproxy.waitForOutput(/Reloaded: 1 server in -S \S+ \(was 1, entries changed\)/, 30_000);
      await cproxy.waitForOutput(/Reloaded: 1 client in -C \S+ \(was 1, entries changed\)/, 30_000);

      const second = await payload(`${dir}/src2`);
      const run2 = await t.send(['-M', PUBLIC, '-P', '232.5.6.1'], [second.file], 'server2');
      expect([completed(run2, t, 'far1'), completed(run2, t, 'far2')]).toEqual([false, true]);
      expect(await treeDigest(`${dir}/far2`)).toEqual(second.digest);
      expect(await treeDigest(`${dir}/far1`)).toEqual(first.digest);

      const third = await payload(`${dir}/src3`, 4096);
      const run3 = await t.send(['-M', PUBLIC, '-P', '232.5.5.2', '-s', '10'], [third.file]);
      expect(run3.code).toBe(NO_CLIENT);
      for (const proxy of [sproxy, cproxy]) expect(proxy.stderr()).not.toMatch(/Internal error|Reload refused/);
    }, 240_000);
  },
  [realProgramsMissing],
);
