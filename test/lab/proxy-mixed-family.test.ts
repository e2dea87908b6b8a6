// Issue 11, proxy item 6: the address family comes from the addresses used, not from -M alone. A NAT tunnel
// can run over IPv6 while the server and the clients use IPv4: the server proxy forwards to the client proxy's
// IPv6 address (-s fd00:...), the client proxy names its IPv6 address as egress (-O), and both keep the default
// IPv4 groups. The real proxies open an IPv6 socket with IPV6_V6ONLY = 0 for this (strace) and so do ours.
// UFTP_TS_PROXY=real runs the same test on the real proxies.
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';

const WHICH = proxyUnderTest();
const CLIENTS: HostName[] = ['near', 'far1', 'far2'];

describeLab(
  'an IPv6 tunnel between proxies for IPv4 multicast',
  () => {
    const lab = useProxyLab();

    test(`${WHICH} proxies: server proxy -s IPv6 address, client proxy -O IPv6 address, IPv4 groups`, async () => {
      const t = lab();
      const dir = await t.freshDir('mixed-family');
      const src = await payload(`${dir}/src`);
      for (const name of CLIENTS) await t.client(name, `${dir}/${name}`);
      const cproxyV6 = t.host('cproxy').addr('b', 6);
      await t.clientProxy(WHICH, ['-O', cproxyV6]);
      await t.proxy('sproxy', WHICH, ['-s', cproxyV6]);
      const run = await t.send([], [src.file]);
      expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
      for (const name of CLIENTS) expect(run.log).toMatch(new RegExp(`Host: ${t.uid(name)}\\s+Status: Completed`));
      expect(run.code).toBe(0);
      for (const name of CLIENTS) expect(await treeDigest(`${dir}/${name}`)).toEqual(src.digest);
    });
  },
  [realProgramsMissing],
);
