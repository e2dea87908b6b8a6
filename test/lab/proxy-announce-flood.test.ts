// Issue 11, proxy item 9: bounded state from unauthenticated packets. While a real transfer runs through our
// server and client proxies, one host on the server's network sends each proxy 20 000 forged ANNOUNCEs, each
// with a new group ID. The proxies open only a few sessions from them (a per-source rate), log the refusals as
// a summary, not per packet, and their memory stays bounded; the running transfer completes intact, and a
// second server that starts its session during the burst gets through too. (Ours only: the real server proxy
// segfaults under such a burst.)
import { describeLab } from './helpers/gate';
import { floodAnnounces, residentBytes } from './helpers/announce-flood';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import type { LabProcess } from '../../scripts/lab';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];
const FORGED = 20_000;
/** Generous (the heap breathes under a flood of garbage); the session counts are the sharp check. */
const MAX_GROWTH = 64 * 1024 * 1024;

async function state(proc: LabProcess): Promise<string> {
  const ended = proc.exited.then(({ code, signal }) => `exited (${signal ?? `code ${code}`})`);
  return Promise.race([ended, new Promise<string>((r) => setTimeout(() => r('running'), 100))]);
}

const requests = (proc: LabProcess): number => proc.stderr().match(/Received request from/g)?.length ?? 0;

describeLab(
  'proxies under a burst of forged ANNOUNCEs',
  () => {
    const lab = useProxyLab();

    (WHICH === 'ours' ? test : test.skip)(`our proxies: ${FORGED} forged ANNOUNCEs mid-transfer; state stays bounded, both transfers complete`, async () => {
      const t = lab();
      const dir = await t.freshDir('announce-flood');
      const during = await randomFile(`${dir}/src`, 'during.bin', 40 * 1024 * 1024);
      const second = await randomFile(`${dir}/src`, 'second.bin', 2_000_000);
      const clients: LabProcess[] = [];
      for (const name of CLIENTS) clients.push(await t.client(name, `${dir}/${name}`));
      const cproxy = await t.clientProxy('ours');
      const sproxy = await t.serverProxy('ours');
      const before = { sproxy: await residentBytes(sproxy.pid), cproxy: await residentBytes(cproxy.pid) };

      const server = t.sendInBackground(['-R', '50000', '-P', '230.5.5.10'], [during]); // about 7 s of data
      await clients[1].waitForOutput(/\]: Name of file to receive/, 30_000); // far1, behind both proxies
      const targets = [`${t.addr('sproxy')}:1044`, `${t.addr('cproxy')}:1044`];
      const flood = floodAnnounces(t.host('near2'), targets, FORGED);
      // A new legitimate session starts while the burst goes on (from the same network as the attacker).
      const next = t.send(['-P', '230.5.5.20'], [second], 'server');
      const [blast, nextRun] = await Promise.all([flood, next]);
      expect(blast.stdout).toContain(`sent ${FORGED}`);
      expect(server.stderr() + server.stdout()).not.toMatch(/Transfer status/); // the burst landed mid-transfer
      expect(nextRun.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
      for (const name of CLIENTS) expect(nextRun.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));

      const end = await server.exited;
      const log = server.stdout() + server.stderr();
      for (const name of CLIENTS) expect(log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
      expect(end.code).toBe(0);
      expect({ sproxy: await state(sproxy), cproxy: await state(cproxy) }).toEqual({ sproxy: 'running', cproxy: 'running' });

      // Few sessions came of the forgeries (a burst and a trickle per second, not one each) ...
      for (const proxy of [sproxy, cproxy]) expect(requests(proxy)).toBeLessThan(FORGED / 20);
      // ... the refusals were logged as summary lines, not per packet ...
      await sproxy.waitForOutput(/New sessions refused in the last 10 s: \d+ over 5 new per second/, 30_000);
      expect(sproxy.stderr().match(/New sessions refused/g)!.length).toBeLessThan(10);
      // ... and memory stayed bounded.
      expect((await residentBytes(sproxy.pid)) - before.sproxy).toBeLessThan(MAX_GROWTH);
      expect((await residentBytes(cproxy.pid)) - before.cproxy).toBeLessThan(MAX_GROWTH);

      const want = await treeDigest(`${dir}/src`);
      for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(want);
    });
  },
  [realProgramsMissing],
);
