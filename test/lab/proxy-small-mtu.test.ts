// Issue 11, proxy item 7: the real uftpproxyd sends with the don't-fragment bit off (IP_MTU_DISCOVER =
// IP_PMTUDISC_DONT, checked with strace), so a tunnel whose MTU is smaller than the server's datagrams still
// carries them: the router fragments them. Here the router's link to net B has an MTU of 1000 while uftp sends
// about 1350-byte FILESEGs; with the bit set (Linux's default for UDP, IP_PMTUDISC_WANT) the router drops
// them and answers "fragmentation needed" until the sender has learnt the path MTU: the transfer still ends
// (NAKs, resends), but the first datagrams are lost, which the router counts (Ip FragFails).
// UFTP_TS_PROXY=real runs the same test on the real proxies.
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import type { LabHost } from '../../scripts/lab';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];
const SMALL_MTU = 1000;

/** The router's Ip counters of /proc/net/snmp (its own namespace). */
async function ipCounters(host: LabHost): Promise<Record<string, number>> {
  const snmp = (await host.exec('cat', ['/proc/net/snmp'])).stdout;
  const [names, values] = snmp.split('\n').filter((l) => l.startsWith('Ip:')).map((l) => l.split(/\s+/));
  return Object.fromEntries(names.map((n, i) => [n, Number(values[i])]));
}

describeLab(
  'proxies across a link with a small MTU',
  () => {
    const lab = useProxyLab();

    test(`${WHICH} proxies: the tunnel's datagrams are fragmented by the router, not dropped`, async () => {
      const t = lab();
      const router = t.host('router');
      const link = t.ifname('router', 'b');
      const mtu = async (value: number) => {
        const r = await router.exec('ip', ['link', 'set', 'dev', link, 'mtu', String(value)]);
        if (r.code !== 0) throw new Error(`ip link set ${link} mtu ${value}: ${r.stderr}`);
      };
      const shown = (await router.exec('ip', ['-o', 'link', 'show', 'dev', link])).stdout;
      const usual = Number(/ mtu (\d+)/.exec(shown)?.[1]);
      if (!(usual > SMALL_MTU)) throw new Error(`no MTU above ${SMALL_MTU} on ${link}: ${shown}`);
      await mtu(SMALL_MTU);
      const before = await ipCounters(router);
      try {
        const dir = await t.freshDir('small-mtu');
        const src = await payload(`${dir}/src`);
        for (const name of CLIENTS) await t.client(name, `${dir}/${name}`);
        await t.clientProxy(WHICH);
        await t.serverProxy(WHICH);
        const run = await t.send([], [src.file]);
        for (const name of CLIENTS) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
        expect(run.code).toBe(0);
        for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
        // The router fragmented what it forwarded to net B, and dropped none for its don't-fragment bit.
        const after = await ipCounters(router);
        expect(after.FragCreates - before.FragCreates).toBeGreaterThan(0);
        expect(after.FragFails - before.FragFails).toBe(0);
      } finally {
        await mtu(usual);
      }
    });
  },
  [realProgramsMissing],
);
