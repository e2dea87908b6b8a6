// A chain of two server proxies (uftpproxyd(1): "If the server proxy is also behind a firewall or NAT, a
// second server proxy on a machine with a publicly accessible IP can be inserted"). Net A (server, server
// proxy 1, a local client) reaches net B through a router; server proxy 2 sits on B and on C; net C (the
// client proxy and two clients) has no route to A at all. Server proxy 1 forwards to server proxy 2
// (-s addr), which takes its downstream from the client proxy's signed heartbeats (-s fp=...).
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, waitForMatches } from './helpers/proxy-lab';
import { AES256_GCM, PLAIN, keyArgs, useSuiteKeys } from './helpers/proxy-suites';

const WHICH = proxyUnderTest();
const CHAIN_LAB = {
  segments: ['a', 'b', 'c'],
  hosts: {
    server: { segments: ['a'] },
    sproxy: { segments: ['a'] },
    near: { segments: ['a'] },
    router: { segments: ['a', 'b'], router: true },
    sproxy2: { segments: ['b', 'c'] },
    cproxy: { segments: ['c'] },
    far1: { segments: ['c'] },
    far2: { segments: ['c'] },
  },
};
const CLIENTS = ['near', 'far1', 'far2'];
const PROBE = path.join(__dirname, 'helpers', 'udp-probe.js');
const ECHO_PORT = 7007;

describeLab(
  'two server proxies in a chain, the second taking its downstream from heartbeats',
  () => {
    const lab = useProxyLab(CHAIN_LAB);
    const suiteKeys = useSuiteKeys(lab);

    test('net A reaches server proxy 2 but not net C', async () => {
      const t = lab();
      const ask = async (host: string, segment: string) => {
        const echo = t.host(host).spawn(process.execPath, [PROBE, 'echo', String(ECHO_PORT)]);
        try {
          await echo.waitForOutput(/listening/, 5_000);
          return (await t.host('sproxy').exec(process.execPath, [PROBE, 'ask', t.addr(host, segment), String(ECHO_PORT), '1000'])).code;
        } finally {
          await echo.stop();
        }
      };
      expect(await ask('sproxy2', 'b')).toBe(0);
      expect(await ask('cproxy', 'c')).not.toBe(0);
    });

    test.each([PLAIN, AES256_GCM].map((s) => [s.name, s] as const))(`${WHICH} proxies, %s: every client gets the file`, async (_n, suite) => {
      const [t, keys] = [lab(), suiteKeys()];
      const dir = await t.freshDir('two-sproxies');
      const src = await payload(`${dir}/src`);
      const proxyKey = suite.keys ? keys[suite.keys].proxy : await t.key('chain-proxy', 'rsa:1024');
      for (const name of CLIENTS) await t.client(name, `${dir}/${name}`, keyArgs(suite, keys, 'client'));
      const second = await t.proxy('sproxy2', WHICH, ['-s', `fp=${proxyKey.fingerprint}`, '-I', t.ifname('sproxy2', 'b')]);
      await t.proxy('sproxy', WHICH, ['-s', t.addr('sproxy2', 'b')]);
      await t.clientProxy(WHICH, ['-k', proxyKey.file, '-H', t.addr('sproxy2', 'c'), '-h', '1']);
      await waitForMatches(second, new RegExp(`Using ${t.addr('cproxy').replace(/\./g, '\\.')}:1044 as downstream`, 'g'), 1, 5_000);

      const run = await t.send([...suite.server, ...keyArgs(suite, keys, 'server')], [src.file]);
      expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
      for (const name of CLIENTS) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
      expect(run.code).toBe(0);
      for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
    });
  },
  [realProgramsMissing],
);
