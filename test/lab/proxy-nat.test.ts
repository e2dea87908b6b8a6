// Scenario 4 of the proxy issue, NAT traversal: the server proxy (-s fp=FINGERPRINT) learns its downstream
// from the first heartbeat signed by that key. A stranger (a real client proxy with another key, which would
// forward to the same clients if it were accepted) heartbeats first and all along: it is told
// "authentication failed" and never becomes the downstream. Once the right client proxy (-H) heartbeats,
// transfers flow through it.
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, waitForMatches, type HostName } from './helpers/proxy-lab';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];
const STRANGER_UID = '0x0BADBAD0';
const STRANGER_PORT = 1045;
const REFUSED = /Heartbeat authentication failed/g;

describeLab(
  'NAT traversal: server proxy -s fp=... takes its downstream from signed heartbeats',
  () => {
    const lab = useProxyLab();

    test(`${WHICH} proxies: refused stranger changes nothing, the fingerprinted client proxy carries the transfer`, async () => {
      const t = lab();
      const [proxyKey, strangerKey] = await Promise.all([t.key('nat-proxy', 'rsa:1024'), t.key('nat-stranger', 'rsa:1024')]);
      const dir = await t.freshDir('nat');
      const src = await payload(`${dir}/src`);
      const heartbeat = ['-H', t.addr('sproxy'), '-h', '1'];
      await t.proxy('sproxy', WHICH, ['-s', `fp=${proxyKey.fingerprint}`]);
      // The stranger listens on its own port but serves the clients' port: accepted, it would deliver.
      const startStranger = () => t.proxy('far2', 'real', [
        ...['-c', '-x', '5', '-p', String(STRANGER_PORT), '-q', '1044', '-U', STRANGER_UID],
        ...['-k', strangerKey.file, ...heartbeat],
      ], STRANGER_PORT);
      const stranger = await startStranger();
      for (const name of CLIENTS) await t.client(name, `${dir}/before/${name}`);
      await stranger.waitForOutput(REFUSED, 5_000);

      const before = await t.send([], [src.file]);
      expect(before.log).toMatch(new RegExp(`Host: ${t.uid('near')}\\s+Status: Completed`));
      expect(before.log).not.toMatch(/from proxy/);
      for (const far of ['far1', 'far2']) expect(await treeDigest(`${dir}/before/${far}`)).toEqual({});
      await t.stopAll();

      // Everything again, now with the right client proxy heartbeating beside the stranger.
      await t.proxy('sproxy', WHICH, ['-s', `fp=${proxyKey.fingerprint}`]);
      const stranger2 = await startStranger();
      await t.clientProxy(WHICH, ['-k', proxyKey.file, ...heartbeat]);
      for (const name of CLIENTS) await t.client(name, `${dir}/after/${name}`);
      await new Promise((r) => setTimeout(r, 1500)); // a heartbeat and its challenge
      const refusedBefore = stranger2.stderr().match(REFUSED)?.length ?? 0;

      const after = await t.send([], [src.file]);
      expect(after.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
      expect(after.log).not.toContain(STRANGER_UID);
      for (const name of CLIENTS) expect(after.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
      expect(after.code).toBe(0);
      for (const name of CLIENTS) expect(await treeDigest(`${dir}/after/${name}`)).toEqual(src.digest);
      await waitForMatches(stranger2, REFUSED, refusedBefore + 1, 5_000); // still refused
      expect(stranger2.stderr()).not.toMatch(/Heartbeat authentication successful/);
    });
  },
  [realProgramsMissing],
);
