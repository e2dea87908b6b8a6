// Sessions leave nothing behind: once a transfer is over and the group has been silent for the session timeout
// (4 x ROBUST x GRTT for ours, at least 1 s), both proxies log that the session ended and the server proxy has
// left the session's private group (its namespace's /proc/net/igmp no longer lists it).
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyUnderTest, realProgramsMissing, useProxyLab, waitForMatches, type ProxyTestLab } from './helpers/proxy-lab';

const WHICH = proxyUnderTest();
const PRIVATE = '230.5.5.30';
// The real proxy says "Group timed out", ours "Session timed out"; both at log level 3 at most.
const ENDED = /\]: (Group|Session) timed out/g;

/** /proc/net/igmp writes IPv4 groups as little-endian hex: 230.5.5.30 -> 1E0505E6. */
function igmpHex(group: string): string {
  return group.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).join('');
}

async function joinedGroups(t: ProxyTestLab): Promise<string> {
  const igmp = await t.host('sproxy').exec('cat', ['/proc/net/igmp']);
  if (igmp.code !== 0) throw new Error(`cat /proc/net/igmp: ${igmp.stderr}`);
  return igmp.stdout;
}

describeLab(
  'session timeout: no state left after a transfer',
  () => {
    const lab = useProxyLab();

    test(`${WHICH} proxies end the session after its silence and leave the private group`, async () => {
      const t = lab();
      const dir = await t.freshDir('timeout');
      const src = await payload(`${dir}/src`, 2_000_000);
      await t.client('far1', `${dir}/far1`);
      const cproxy = await t.clientProxy(WHICH, ['-x', '3']);
      const sproxy = await t.serverProxy(WHICH, ['-x', '3']);

      const uftp = t.sendInBackground(['-P', PRIVATE], [src.file]);
      await uftp.waitForOutput(/Sending section|Starting pass/, 30_000);
      expect(await joinedGroups(t)).toContain(igmpHex(PRIVATE));
      expect((await uftp.exited).code).toBe(0);
      expect(uftp.stdout() + uftp.stderr()).toMatch(new RegExp(`Host: ${t.uid('far1')}\\s+Status: Completed`));
      expect(sproxy.stderr()).not.toMatch(ENDED);

      await waitForMatches(sproxy, ENDED, 1, 15_000);
      await waitForMatches(cproxy, ENDED, 1, 15_000);
      const groups = await joinedGroups(t);
      expect(groups).not.toContain(igmpHex(PRIVATE));
      expect(groups).toContain(igmpHex('230.4.4.1')); // the public group stays: the proxy still serves
      expect(await treeDigest(`${dir}/far1`)).toEqual(src.digest);
    });
  },
  [realProgramsMissing],
);
