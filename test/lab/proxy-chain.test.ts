// Scenarios 1 and 2 of the proxy issue: real uftp on net A -> server proxy -> (unicast through the router)
// -> client proxy on net B -> two real uftpd; a real uftpd on net A gets the same multicast directly.
// Each proxy position is a parameter: both ours (1), or one real and one ours (2, mixed chains).
// UFTP_TS_PROXY=real puts the real proxies in every position, which checks the test itself.
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, useProxyLab, realProgramsMissing, type HostName, type ProxyImpl } from './helpers/proxy-lab';
import { AES256_GCM, ECDH_ECDSA, SUITES, keyArgs, useSuiteKeys, type Suite } from './helpers/proxy-suites';

const UNDER_TEST = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];

interface Chain {
  sproxy: ProxyImpl;
  cproxy: ProxyImpl;
  suite: Suite;
}

const chains: Chain[] = SUITES.map((suite) => ({ sproxy: UNDER_TEST, cproxy: UNDER_TEST, suite }));
if (UNDER_TEST === 'ours') {
  for (const suite of [AES256_GCM, ECDH_ECDSA]) {
    chains.push({ sproxy: 'real', cproxy: 'ours', suite }, { sproxy: 'ours', cproxy: 'real', suite });
  }
}

describeLab(
  'proxy chain: real uftp -> server proxy -> client proxy -> real uftpd',
  () => {
    const lab = useProxyLab();
    const suiteKeys = useSuiteKeys(lab);

    test.each(chains.map((c) => [c.sproxy, c.cproxy, c.suite.name, c] as const))(
      'server proxy %s, client proxy %s, %s: every client gets the file intact',
      async (_s, _c, _n, { sproxy, cproxy, suite }) => {
        const [t, keys] = [lab(), suiteKeys()];
        const dir = await t.freshDir('chain');
        const src = await payload(`${dir}/src`);
        const clients = [];
        for (const name of CLIENTS) clients.push(await t.client(name, `${dir}/${name}`, keyArgs(suite, keys, 'client')));
        await t.clientProxy(cproxy, keyArgs(suite, keys, 'proxy'));
        await t.serverProxy(sproxy, keyArgs(suite, keys, 'proxy'));

        const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file]);
        expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
        for (const name of CLIENTS) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
        expect(run.code).toBe(0);
        if (suite.keys) {
          // The client proxy took the group key from the server and handed it on to its clients.
          expect(run.log).toContain(`Received KEYINFO_ACK from ${t.uid('cproxy')}`);
          for (const far of clients.slice(1)) expect(far.stderr()).toContain('Received KEYINFO');
        }
        for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
      },
    );
  },
  [realProgramsMissing],
);
