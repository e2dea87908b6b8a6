// Our uftp through proxies, with real uftpd clients: (i) the real uftpproxyd pair (server proxy on net A,
// client proxy on net B behind the unicast-only router) to far1 and far2, with near on net A served directly;
// (ii) the same with our proxies in both positions; (iii) a response proxy (-r) on net A for two
// `uftpd -R proxy` clients, the real one and ours. Each plain and encrypted (aes256-gcm, sha256, RSA keys).
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { useProxyLab, realProgramsMissing, type HostName, type ProxyImpl } from './helpers/proxy-lab';
import { AES256_GCM, PLAIN, keyArgs, useSuiteKeys, type Suite } from './helpers/proxy-suites';
import { expectCompleted } from './helpers/uftpd-lab';

const CHAIN_CLIENTS: HostName[] = ['near', 'far1', 'far2'];
const RESPONSE_CLIENTS: HostName[] = ['near', 'near2'];

const cases: Array<[ProxyImpl, string, Suite]> = [];
for (const proxy of ['real', 'ours'] as const) for (const suite of [PLAIN, AES256_GCM]) cases.push([proxy, suite.name, suite]);

describeLab(
  'our uftp through proxies to real uftpd',
  () => {
    const lab = useProxyLab();
    const suiteKeys = useSuiteKeys(lab);

    test.each(cases)('%s server and client proxies, %s: every client gets the file intact', async (proxy, _name, suite) => {
      const [t, keys] = [lab(), suiteKeys()];
      const dir = await t.freshDir('chain');
      const src = await payload(`${dir}/src`);
      const clients = [];
      for (const name of CHAIN_CLIENTS) clients.push(await t.client(name, `${dir}/${name}`, keyArgs(suite, keys, 'client')));
      await t.clientProxy(proxy, keyArgs(suite, keys, 'proxy'));
      await t.serverProxy(proxy, keyArgs(suite, keys, 'proxy'));

      const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file], 'server', 60_000, 'ours');
      for (const name of CHAIN_CLIENTS) expectCompleted(run.log, t.uid(name));
      expect(run.log).not.toMatch(new RegExp(`Host: ${t.uid('cproxy')}`)); // a proxy is no receiver
      expect(run.code).toBe(0);
      if (suite.keys) for (const far of clients.slice(1)) expect(far.stderr()).toContain('Received KEYINFO');
      for (const name of CHAIN_CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
    });

    test.each(cases)('%s response proxy, %s: both clients complete through it', async (proxy, _name, suite) => {
      const [t, keys] = [lab(), suiteKeys()];
      const dir = await t.freshDir('response');
      const src = await payload(`${dir}/src`);
      await t.proxy('sproxy', proxy, ['-r', ...keyArgs(suite, keys, 'proxy')]);
      // Both clients up before either has the proxy's key: ours sends PROXY_KEY at most once in 5 s, on the
      // public group, so a client that starts later waits for its next KEY_REQ.
      const clients = await Promise.all(
        RESPONSE_CLIENTS.map((name) => t.client(name, `${dir}/${name}`, ['-R', t.addr('sproxy'), ...keyArgs(suite, keys, 'client')])),
      );
      for (const c of clients) await c.waitForOutput(/Received PROXY_KEY/, 10_000); // no session before the proxy's key

      const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file], 'server', 60_000, 'ours');
      for (const name of RESPONSE_CLIENTS) expectCompleted(run.log, t.uid(name));
      expect(run.log).not.toMatch(new RegExp(`Host: ${t.uid('sproxy')}`));
      expect(run.code).toBe(0);
      if (suite.keys) for (const c of clients) expect(c.stderr()).toContain('Received KEYINFO');
      for (const name of RESPONSE_CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
    });
  },
  [realProgramsMissing],
);
