// Nothing of the real suite on the wire: our uftp to our uftpd, directly on one segment, through our server
// and client proxies (net A -> unicast-only router -> net B), and through our response proxy. Plain and
// encrypted (aes256-gcm, sha256, RSA keys made by the real uftp_keymgt).
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { useProxyLab, realProgramsMissing, type HostName } from './helpers/proxy-lab';
import { AES256_GCM, PLAIN, keyArgs, useSuiteKeys, type Suite } from './helpers/proxy-suites';
import { expectCompleted } from './helpers/uftpd-lab';

const SUITES: Array<[string, Suite]> = [PLAIN, AES256_GCM].map((s) => [s.name, s]);

describeLab(
  'all ours: our uftp, our proxies, our uftpd',
  () => {
    const lab = useProxyLab();
    const suiteKeys = useSuiteKeys(lab);

    /** Runs our uftp to its end and checks every client's report line, the exit status and the files. */
    async function sendAndCheck(suite: Suite, dir: string, src: Awaited<ReturnType<typeof payload>>, clients: HostName[]) {
      const [t, keys] = [lab(), suiteKeys()];
      const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file], 'server', 60_000, 'ours');
      for (const name of clients) expectCompleted(run.log, lab().uid(name));
      expect(run.code).toBe(0);
      for (const name of clients) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
      return run;
    }

    test.each(SUITES)('direct, one segment, %s: both clients get the file intact', async (_name, suite) => {
      const [t, keys] = [lab(), suiteKeys()];
      const dir = await t.freshDir('direct');
      const src = await payload(`${dir}/src`);
      const clients: HostName[] = ['near', 'near2'];
      const procs = await Promise.all(clients.map((n) => t.client(n, `${dir}/${n}`, keyArgs(suite, keys, 'client'), 'ours')));
      await sendAndCheck(suite, dir, src, clients);
      for (const p of procs) expect(p.stderr()).not.toMatch(/Internal error/);
    });

    test.each(SUITES)('server proxy -> client proxy, %s: near and both far clients get the file intact', async (_name, suite) => {
      const [t, keys] = [lab(), suiteKeys()];
      const dir = await t.freshDir('chain');
      const src = await payload(`${dir}/src`);
      const clients: HostName[] = ['near', 'far1', 'far2'];
      const procs = await Promise.all(clients.map((n) => t.client(n, `${dir}/${n}`, keyArgs(suite, keys, 'client'), 'ours')));
      const cproxy = await t.clientProxy('ours', keyArgs(suite, keys, 'proxy'));
      const sproxy = await t.serverProxy('ours', keyArgs(suite, keys, 'proxy'));
      const run = await sendAndCheck(suite, dir, src, clients);
      expect(run.log).not.toMatch(new RegExp(`Host: ${t.uid('cproxy')}`)); // a proxy is no receiver
      if (suite.keys) for (const far of procs.slice(1)) expect(far.stderr()).toMatch(/KEYINFO/);
      for (const p of [...procs, cproxy, sproxy]) expect(p.stderr()).not.toMatch(/Internal error/);
    });

    test.each(SUITES)('response proxy, %s: both clients complete through it', async (_name, suite) => {
      const [t, keys] = [lab(), suiteKeys()];
      const dir = await t.freshDir('response');
      const src = await payload(`${dir}/src`);
      const proxy = await t.proxy('sproxy', 'ours', ['-r', ...keyArgs(suite, keys, 'proxy')]);
      const clients: HostName[] = ['near', 'near2'];
      const procs = await Promise.all(
        clients.map((n) => t.client(n, `${dir}/${n}`, ['-R', t.addr('sproxy'), ...keyArgs(suite, keys, 'client')], 'ours')),
      );
      for (const p of procs) await p.waitForOutput(/Received PROXY_KEY/, 12_000);
      const run = await sendAndCheck(suite, dir, src, clients);
      expect(run.log).not.toMatch(new RegExp(`Host: ${t.uid('sproxy')}`));
      for (const p of [...procs, proxy]) expect(p.stderr()).not.toMatch(/Internal error/);
    });
  },
  [realProgramsMissing],
);
