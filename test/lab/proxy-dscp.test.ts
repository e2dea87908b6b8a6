// Scenario 6 of the proxy issue: with -Q 46 every packet a proxy sends carries DSCP 46 — the server proxy's
// unicast to the client proxy and its answers upstream, the client proxy's multicast to its clients and its
// aggregated answers. The real server (no -Q) is the control: its packets arrive with DSCP 0.
import { describeLab, tools } from './helpers/gate';
import { dscpFrom, startCapture, stopCapture } from './helpers/proxy-capture';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, useProxyLab, realProgramsMissing } from './helpers/proxy-lab';

const WHICH = proxyUnderTest();

describeLab(
  'proxy -Q dscp',
  () => {
    const lab = useProxyLab();

    test(`${WHICH} proxies with -Q 46: forwarded packets arrive with DSCP 46`, async () => {
      const t = lab();
      const dir = await t.freshDir('dscp');
      const src = await payload(`${dir}/src`);
      for (const far of ['far1', 'far2'] as const) await t.client(far, `${dir}/${far}`);
      await t.clientProxy(WHICH, ['-Q', '46']);
      await t.serverProxy(WHICH, ['-Q', '46']);
      const [sp, cp, server] = [t.addr('sproxy'), t.addr('cproxy'), t.addr('server')];
      const upFilter = `udp and (src host ${server} or src host ${cp})`;
      const atSproxy = await startCapture(t.host('sproxy'), t.ifname('sproxy'), upFilter, `${dir}/sproxy.pcap`);
      const atCproxy = await startCapture(t.host('cproxy'), t.ifname('cproxy'), `udp and src host ${sp}`, `${dir}/cproxy.pcap`);
      const atFar = await startCapture(t.host('far1'), t.ifname('far1'), `udp and src host ${cp}`, `${dir}/far1.pcap`);

      const run = await t.send([], [src.file]);
      expect(run.code).toBe(0);
      for (const far of ['far1', 'far2']) expect(await treeDigest(`${dir}/${far}`)).toEqual(src.digest);

      const [upstream, downstream, segment] = await Promise.all([atSproxy, atCproxy, atFar].map(stopCapture));
      expect(dscpFrom(upstream, server)).toEqual([0]); // the capture reads the field: unmarked stays 0
      expect(dscpFrom(upstream, cp)).toEqual([46]); // client proxy -> server proxy
      expect(dscpFrom(downstream, sp)).toEqual([46]); // server proxy -> client proxy
      expect(dscpFrom(segment, cp)).toEqual([46]); // client proxy -> its clients
      // The file's data went through, not only announcements. Bytes, not packets: the capture sees a run the
      // proxy sent with UDP GSO as one packet, split only on delivery.
      const bytes = downstream.filter((c) => c.source === sp).reduce((sum, c) => sum + c.length, 0);
      expect(bytes).toBeGreaterThan(256 * 1024);
    });
  },
  [realProgramsMissing, tools('tcpdump')],
);
