// Our uftpd beside real uftpd clients in one session of the real uftp: side by side on the server's segment;
// behind a server proxy -> client proxy chain (the real pair, and ours), where the client proxy hands our
// client the group key; and behind a real response proxy (`uftpproxyd -r`) that gathers both clients'
// answers. Each client gets the file byte for byte and the real server reports each one Completed.
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName, type ProxyImpl } from './helpers/proxy-lab';
import { AES256_GCM, PLAIN, keyArgs, useSuiteKeys, type Suite } from './helpers/proxy-suites';
import { expectCompleted, logOf } from './helpers/uftpd-lab';

type Who = 'ours' | 'real';
const SUITES = [PLAIN, AES256_GCM];

describeLab(
  'our uftpd beside the real uftpd in one session',
  () => {
    const lab = useProxyLab();
    const suiteKeys = useSuiteKeys(lab);

    async function clients(dir: string, which: Array<[HostName, Who]>, suite: Suite, extra: string[] = []) {
      const t = lab();
      const procs = [];
      for (const [host, who] of which) procs.push(await t.client(host, `${dir}/${host}`, [...extra, ...keyArgs(suite, suiteKeys(), 'client')], who));
      return procs;
    }

    test.each(SUITES.map((s) => [s.name, s] as const))('direct, %s: near (ours) and near2 (real) both complete', async (_n, suite) => {
      const t = lab();
      const dir = await t.freshDir('direct');
      const src = await payload(`${dir}/src`);
      const hosts: Array<[HostName, Who]> = [['near', 'ours'], ['near2', 'real']];
      await clients(dir, hosts, suite);

      const run = await t.send([...suite.server, ...keyArgs(suite, suiteKeys(), 'server')], [src.file]);
      for (const [host] of hosts) expectCompleted(run.log, t.uid(host));
      expect(run.code).toBe(0);
      for (const [host] of hosts) expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);
    });

    const chains: Array<[ProxyImpl, Suite]> = (['real', 'ours'] as const).flatMap((p) => SUITES.map((s) => [p, s] as [ProxyImpl, Suite]));
    test.each(chains.map(([p, s]) => [p, s.name, p, s] as const))(
      '%s server and client proxies, %s: far1 (ours) and far2 (real) behind them, near (ours) beside the server',
      async (_p, _n, proxies, suite) => {
        const t = lab();
        const keys = suiteKeys();
        const dir = await t.freshDir('chain');
        const src = await payload(`${dir}/src`);
        const hosts: Array<[HostName, Who]> = [['near', 'ours'], ['far1', 'ours'], ['far2', 'real']];
        const [, far1] = await clients(dir, hosts, suite);
        await t.clientProxy(proxies, keyArgs(suite, keys, 'proxy'));
        await t.serverProxy(proxies, keyArgs(suite, keys, 'proxy'));

        const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file]);
        expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
        for (const [host] of hosts) expectCompleted(run.log, t.uid(host));
        expect(run.code).toBe(0);
        // Our far client took the group key from the client proxy (KEYINFO), not from the server.
        if (suite.keys) expect(logOf(far1)).toContain('Received KEYINFO');
        for (const [host] of hosts) expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);
      },
    );

    test.each(SUITES.map((s) => [s.name, s] as const))(
      'real response proxy (uftpproxyd -r), %s: near (ours) and near2 (real) answer through it',
      async (_n, suite) => {
        const t = lab();
        const keys = suiteKeys();
        const dir = await t.freshDir('response');
        const src = await payload(`${dir}/src`);
        await t.proxy('sproxy', 'real', ['-r', ...keyArgs(suite, keys, 'proxy')]);
        const hosts: Array<[HostName, Who]> = [['near', 'ours'], ['near2', 'real']];
        const procs = await clients(dir, hosts, suite, ['-R', t.addr('sproxy')]);
        // No encrypted session before the proxy's key has come (KEY_REQ -> PROXY_KEY).
        for (const p of procs) await p.waitForOutput(/Received PROXY_KEY/, 10_000);

        const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file]);
        expect(run.log).toContain(`Got COMPLETE from proxy ${t.uid('sproxy')}`);
        expect(run.log).not.toMatch(/Received REGISTER from client/); // nobody answered the server directly
        for (const [host] of hosts) expectCompleted(run.log, t.uid(host));
        expect(run.code).toBe(0);
        for (const [host] of hosts) expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);
      },
    );
  },
  [realProgramsMissing],
);
