// Scenario 5 of the proxy issue: a server proxy with -S serverlist joins the public and private groups
// source-specifically (SSM, 232/8) for the listed servers only. A second, unlisted server announcing on the
// same groups at the same time is never heard: its transfer finds no client, the listed one's completes.
// And with -S, an ANNOUNCE whose private group is not an SSM address is rejected.
import { writeFile } from 'node:fs/promises';
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, type ProxyTestLab } from './helpers/proxy-lab';

const WHICH = proxyUnderTest();
const PUBLIC = '232.4.4.1';
const PRIVATE = '232.5.5.1';
const LISTED_UID = '0x11110001';
const UNLISTED_UID = '0x22220002';
const NO_CLIENT = 7; // uftp's exit code when nobody answered the ANNOUNCE

describeLab(
  'server proxy -S serverlist with SSM',
  () => {
    const lab = useProxyLab();

    async function startChain(t: ProxyTestLab, dir: string): Promise<void> {
      const serverList = `${dir}/servers.txt`;
      await writeFile(serverList, `${LISTED_UID}|${t.addr('server')}\n`);
      for (const name of ['far1', 'far2'] as const) await t.client(name, `${dir}/${name}`, ['-M', PUBLIC]);
      await t.clientProxy(WHICH);
      await t.serverProxy(WHICH, ['-S', serverList, '-M', PUBLIC]);
    }

    test(`${WHICH} proxies: the listed server's transfer completes, the unlisted one on the same groups is ignored`, async () => {
      const t = lab();
      const dir = await t.freshDir('ssm');
      const listedFile = await randomFile(`${dir}/src-listed`, 'listed.bin', 200_000);
      const unlistedFile = await randomFile(`${dir}/src-unlisted`, 'unlisted.bin', 200_000);
      await startChain(t, dir);

      const groups = ['-M', PUBLIC, '-P', PRIVATE];
      const unlisted = t.sendInBackground(['-U', UNLISTED_UID, ...groups], [unlistedFile], 'near2');
      const listed = await t.send(['-U', LISTED_UID, ...groups], [listedFile]);
      const unlistedExit = await unlisted.exited;

      expect(listed.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
      for (const far of ['far1', 'far2'] as const) {
        expect(listed.log).toMatch(new RegExp(`Host: ${t.uid(far)}\\s+Status: Completed`));
        expect(await treeDigest(`${dir}/${far}`)).toEqual(await treeDigest(`${dir}/src-listed`));
      }
      expect(listed.code).toBe(0);
      expect(unlisted.stderr() + unlisted.stdout()).not.toMatch(/from proxy/);
      expect(unlistedExit.code).toBe(NO_CLIENT);
    });

    test(`${WHICH} proxies: a listed server announcing a private group outside 232/8 is rejected`, async () => {
      const t = lab();
      const dir = await t.freshDir('ssm-asm');
      const file = await randomFile(`${dir}/src`, 'asm.bin', 10_000);
      await startChain(t, dir);
      const run = await t.send(['-U', LISTED_UID, '-M', PUBLIC, '-P', '230.5.5.1'], [file]);
      expect(run.log).not.toMatch(/from proxy/);
      expect(run.code).toBe(NO_CLIENT);
      for (const far of ['far1', 'far2']) expect(await treeDigest(`${dir}/${far}`)).toEqual({});
    });
  },
  [realProgramsMissing],
);
