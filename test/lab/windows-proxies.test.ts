// Our uftpproxyd as a Windows program (node.exe under Wine, mingw addon), each in its lab host's own
// Wine prefix: a server proxy and a client proxy between the real Linux uftp and real uftpd clients
// across the router, and a response proxy beside the server. Plain and aes256-gcm; sha256 compared.
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { AES256_GCM, PLAIN, keyArgs, useSuiteKeys } from './helpers/proxy-suites';
import { useWindowsPrograms, windowsLaneNeeds } from './helpers/wine-programs';

describeLab(
  'our uftpproxyd under Wine between the real uftp and real uftpd',
  () => {
    const lab = useProxyLab();
    const suiteKeys = useSuiteKeys(lab);
    const windows = useWindowsPrograms();

    test.each([PLAIN, AES256_GCM].map((s) => [s.name, s] as const))(
      'server proxy and client proxy under Wine, %s: both far clients get the file intact',
      async (_n, suite) => {
        const [t, keys] = [lab(), suiteKeys()];
        const dir = await t.freshDir('win-chain');
        const src = await payload(`${dir}/src`);
        const far: HostName[] = ['far1', 'far2'];
        const clients = [];
        for (const name of far) clients.push(await t.client(name, `${dir}/${name}`, keyArgs(suite, keys, 'client')));
        const proxyKey = keyArgs(suite, keys, 'proxy');
        await windows().start(t.host('cproxy'), 'uftpproxyd', ['-c', '-I', t.ifname('cproxy'), ...proxyKey]);
        await windows().start(t.host('sproxy'), 'uftpproxyd', ['-s', t.addr('cproxy'), '-I', t.ifname('sproxy'), ...proxyKey]);

        const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file]);
        expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
        for (const name of far) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
        expect(run.code).toBe(0);
        if (suite.keys) for (const c of clients) expect(c.stderr()).toContain('Received KEYINFO');
        for (const name of far) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
      },
    );

    test.each([PLAIN, AES256_GCM].map((s) => [s.name, s] as const))(
      'response proxy under Wine, %s: both clients complete, reported in one aggregated COMPLETE',
      async (_n, suite) => {
        const [t, keys] = [lab(), suiteKeys()];
        const dir = await t.freshDir('win-response');
        const src = await payload(`${dir}/src`);
        await windows().start(t.host('sproxy'), 'uftpproxyd', ['-r', '-I', t.ifname('sproxy'), ...keyArgs(suite, keys, 'proxy')]);
        const near: HostName[] = ['near', 'near2'];
        for (const name of near) {
          const proc = await t.client(name, `${dir}/${name}`, ['-R', t.addr('sproxy'), ...keyArgs(suite, keys, 'client')]);
          await proc.waitForOutput(/Received PROXY_KEY/, 20_000);
        }
        const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file]);
        expect(run.log).toMatch(new RegExp(`Got COMPLETE from proxy ${t.uid('sproxy')}`));
        expect(run.log).not.toMatch(/Received REGISTER from client/);
        for (const name of near) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
        expect(run.code).toBe(0);
        for (const name of near) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
      },
    );
  },
  [...windowsLaneNeeds, realProgramsMissing],
);
