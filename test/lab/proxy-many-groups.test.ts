// Many groups at once through one proxy pair: two real uftp servers (on `server` and on `near2`, each with its
// own private group) send different files at the same time through the same server proxy and client proxy,
// one session unencrypted and one encrypted. Every client gets both files intact.
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { AES256_GCM, PLAIN, keyArgs, useSuiteKeys } from './helpers/proxy-suites';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];
const GROUPS = [
  { from: 'server' as HostName, privateAddr: '230.5.5.10', file: 'first.bin', size: 3_000_000, suite: PLAIN },
  { from: 'near2' as HostName, privateAddr: '230.5.5.20', file: 'second.bin', size: 2_000_000, suite: AES256_GCM },
];

describeLab(
  'many groups at once through one server proxy and one client proxy',
  () => {
    const lab = useProxyLab();
    const suiteKeys = useSuiteKeys(lab);

    test(`${WHICH} proxies: two servers, two files at the same time, every client gets both`, async () => {
      const [t, keys] = [lab(), suiteKeys()];
      const dir = await t.freshDir('many-groups');
      for (const g of GROUPS) await randomFile(`${dir}/src`, g.file, g.size);
      const want = await treeDigest(`${dir}/src`);
      for (const name of CLIENTS) await t.client(name, `${dir}/${name}`, keyArgs(AES256_GCM, keys, 'client'));
      const proxyKey = keyArgs(AES256_GCM, keys, 'proxy');
      const cproxy = await t.clientProxy(WHICH, ['-x', '3', ...proxyKey]);
      const sproxy = await t.serverProxy(WHICH, ['-x', '3', ...proxyKey]);

      const runs = await Promise.all(GROUPS.map((g) => {
        const args = ['-P', g.privateAddr, ...g.suite.server, ...keyArgs(g.suite, keys, 'server')];
        return t.send(args, [`${dir}/src/${g.file}`], g.from);
      }));
      for (const run of runs) {
        expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
        for (const name of CLIENTS) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
        expect(run.code).toBe(0);
      }
      // Both sessions went through both proxies, side by side.
      for (const proxy of [sproxy, cproxy]) {
        for (const g of GROUPS) expect(proxy.stderr()).toContain(`Using private multicast address ${g.privateAddr}`);
      }
      for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(want);
    });
  },
  [realProgramsMissing],
);
