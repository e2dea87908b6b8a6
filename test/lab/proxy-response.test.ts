// Scenario 3 of the proxy issue: a response proxy on the server's segment. Real uftp multicasts to two
// real `uftpd -R proxy` clients; their answers go to the proxy, which sends them upstream aggregated: the
// server hears one COMPLETE from the proxy that lists both clients. In encrypted sessions the proxy also
// hands the clients the group key (KEY_REQ/PROXY_KEY at start-up, KEYINFO per session).
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, useProxyLab, realProgramsMissing, type HostName } from './helpers/proxy-lab';
import { AES256_GCM, ECDH_ECDSA, PLAIN, keyArgs, useSuiteKeys } from './helpers/proxy-suites';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'near2'];

describeLab(
  'response proxy: real uftp, real uftpd -R proxy, one segment',
  () => {
    const lab = useProxyLab();
    const suiteKeys = useSuiteKeys(lab);

    test.each([PLAIN, AES256_GCM, ECDH_ECDSA].map((s) => [s.name, s] as const))(
      `${WHICH} -r, %s: both clients complete, reported upstream in one aggregated COMPLETE`,
      async (_name, suite) => {
        const [t, keys] = [lab(), suiteKeys()];
        const dir = await t.freshDir('response');
        const src = await payload(`${dir}/src`);
        // ECDH key exchange needs the proxy's own ECDH curve. The page's `-r:curve` is refused by the real
        // uftpproxyd 4.10.2 ("invalid option -- ':'"); -e, also on the page, works for both.
        const curve = suite.keys === 'ec' ? ['-e', 'prime256v1'] : [];
        await t.proxy('sproxy', WHICH, ['-r', ...curve, ...keyArgs(suite, keys, 'proxy')]);
        const clients = [];
        for (const name of CLIENTS) {
          const proc = await t.client(name, `${dir}/${name}`, ['-R', t.addr('sproxy'), ...keyArgs(suite, keys, 'client')]);
          await proc.waitForOutput(/Received PROXY_KEY/, 10_000); // no encrypted session before the proxy's key
          clients.push(proc);
        }

        const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file]);
        const [a, b] = CLIENTS.map((n) => t.uid(n));
        const listed = `\\s+For client (${a}|${b})\\n`;
        expect(run.log).toMatch(new RegExp(`Got COMPLETE from proxy ${t.uid('sproxy')}\\n${listed}${listed}`));
        expect(run.log).not.toMatch(/Received REGISTER from client/); // nobody answered the server directly
        for (const uid of [a, b]) expect(run.log).toMatch(new RegExp(`Host: ${uid}\\s+Status: Completed`));
        expect(run.code).toBe(0);
        if (suite.keys) {
          expect(run.log).toContain(`Received KEYINFO_ACK from ${t.uid('sproxy')}`);
          for (const c of clients) expect(c.stderr()).toContain('Received KEYINFO');
        }
        for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
      },
    );
  },
  [realProgramsMissing],
);
