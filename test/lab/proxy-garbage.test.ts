// Scenario 8 of the proxy issue: 10 000 hostile datagrams at each running proxy in the middle of a transfer.
// The transfer still completes intact, both proxies are still running afterwards, and they serve the next
// session. (Aimed at our proxy: the real uftpproxyd 4.10.2 is known to crash on such input.)
import { describeLab } from './helpers/gate';
import { sendGarbage } from './helpers/proxy-garbage';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, useProxyLab, realProgramsMissing, type HostName } from './helpers/proxy-lab';
import type { LabProcess } from '../../scripts/lab';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];
const DATAGRAMS = 10_000;

// 'running', or how the process ended.
async function state(proc: LabProcess): Promise<string> {
  const ended = proc.exited.then(({ code, signal }) => `exited (${signal ?? `code ${code}`})`);
  return Promise.race([ended, new Promise<string>((r) => setTimeout(() => r('running'), 100))]);
}

describeLab(
  'proxies under hostile datagrams',
  () => {
    const lab = useProxyLab();

    test(`${WHICH} proxies: ${DATAGRAMS} random datagrams each mid-transfer; the transfer completes, both proxies stay up`, async () => {
      const t = lab();
      const dir = await t.freshDir('garbage');
      const during = await randomFile(`${dir}/src`, 'during.bin', 20 * 1024 * 1024);
      const after = await randomFile(`${dir}/src`, 'after.bin', 100_000);
      const clients: LabProcess[] = [];
      for (const name of CLIENTS) clients.push(await t.client(name, `${dir}/${name}`));
      const cproxy = await t.clientProxy(WHICH);
      const sproxy = await t.serverProxy(WHICH);

      const server = t.sendInBackground(['-R', '50000'], [during]); // about 3 s of data
      const started = await clients[1].waitForOutput(/\[([0-9A-F]{8})\/[0-9A-F]{2}:0001\]: Name of file to receive/, 30_000);
      const blast = await sendGarbage(t.host('near'), [`${t.addr('sproxy')}:1044`, `${t.addr('cproxy')}:1044`], DATAGRAMS, started[1]);
      expect(blast.stdout).toContain(`sent ${DATAGRAMS}`);
      expect(server.stderr() + server.stdout()).not.toMatch(/Transfer status/); // the blast landed mid-transfer

      const end = await server.exited;
      expect({ sproxy: await state(sproxy), cproxy: await state(cproxy) }).toEqual({ sproxy: 'running', cproxy: 'running' });
      const log = server.stdout() + server.stderr();
      for (const name of CLIENTS) expect(log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
      expect(end.code).toBe(0);

      const next = await t.send([], [after]);
      expect(next.code).toBe(0);
      const want = await treeDigest(`${dir}/src`);
      for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(want);
    });
  },
  [realProgramsMissing],
);
