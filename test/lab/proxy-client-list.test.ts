// -C on a client proxy: a closed group (uftp -H the three clients, -j the client proxy) with client keys
// (uftp -c). far1 is listed with its own key's fingerprint and receives; far2 is listed with the fingerprint
// of a key it does not hold and is refused; far3 is not listed and is refused. The server's log shows far2
// and far3 never completed. Ours only: the real 4.10.2 client proxy with -C refuses every client's CLIENT_KEY
// ("Failed to verify client key fingerprint", RSA_verify "wrong signature length") and the server is told
// "Client not fully registered at proxy" for all, the listed one too; without -c it checks nothing.
import { writeFile } from 'node:fs/promises';
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { AES256_GCM } from './helpers/proxy-suites';

const WHICH = proxyUnderTest();
const CLIENT_LIST_LAB = {
  segments: ['a', 'b'],
  hosts: {
    server: { segments: ['a'] },
    sproxy: { segments: ['a'] },
    router: { segments: ['a', 'b'], router: true },
    cproxy: { segments: ['b'] },
    far1: { segments: ['b'] },
    far2: { segments: ['b'] },
    far3: { segments: ['b'] },
  },
};
const FAR = ['far1', 'far2', 'far3'];

describeLab(
  '-C client list on a client proxy',
  () => {
    const lab = useProxyLab(CLIENT_LIST_LAB);

    (WHICH === 'real' ? test.skip : test)('ours: the listed client with its key receives, the others are refused', async () => {
      const t = lab();
      const dir = await t.freshDir('clist');
      const src = await payload(`${dir}/src`);
      const [server, proxy, k1, k2, k3, other] = await Promise.all(
        ['cl-server', 'cl-proxy', 'cl-far1', 'cl-far2', 'cl-far3', 'cl-other'].map((n) => t.key(n, 'rsa:1024')),
      );
      const clientList = `${dir}/clients`;
      await writeFile(clientList, `${t.uid('far1')}|${k1.fingerprint}\n${t.uid('far2')}|${other.fingerprint}\n`);
      const proxyList = `${dir}/proxies`;
      await writeFile(proxyList, `${t.uid('cproxy')}\n`);
      const farKeys = { far1: k1, far2: k2, far3: k3 };
      for (const name of FAR) await t.client(name, `${dir}/${name}`, ['-k', farKeys[name as keyof typeof farKeys].file]);
      const cproxy = await t.clientProxy(WHICH, ['-x', '4', '-k', proxy.file, '-C', clientList]);
      await t.serverProxy(WHICH);

      const closed = ['-H', FAR.map((n) => t.uid(n)).join(','), '-j', proxyList, '-c'];
      const run = await t.send([...AES256_GCM.server, '-k', server.file, ...closed], [src.file]);
      expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
      expect(run.log).toMatch(new RegExp(`Host: ${t.uid('far1')}\\s+Status: Completed`));
      for (const name of ['far2', 'far3']) {
        expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: `));
        expect(run.log).not.toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
      }
      expect(await treeDigest(`${dir}/far1`)).toEqual(src.digest);
      for (const name of ['far2', 'far3']) expect(await treeDigest(`${dir}/${name}`)).toEqual({});
      expect(cproxy.stderr()).toContain(`client ${t.uid('far2')} key ${k2.fingerprint} does not match the client list`);
      expect(cproxy.stderr()).toContain(`client ${t.uid('far3')} is not in the client list`);
    });
  },
  [realProgramsMissing],
);
