// Client proxy sockets: -O picks the interface the re-multicast leaves by, and -B sizes the buffers with what
// the kernel granted in the log. The client proxy sits on two segments: b (default route, where the server
// proxy reaches it) and c. With -O on c, far3 on c gets the file and far1 on b hears nothing.
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { proxyCommand, proxyUnderTest, realProgramsMissing, useProxyLab, waitForMatches, type ProxyTestLab } from './helpers/proxy-lab';
import { waitForUdpPort } from '../../scripts/bench/proxy-topology';

const WHICH = proxyUnderTest();
const EGRESS_LAB = {
  segments: ['a', 'b', 'c'],
  hosts: {
    server: { segments: ['a'] },
    sproxy: { segments: ['a'] },
    router: { segments: ['a', 'b'], router: true },
    cproxy: { segments: ['b', 'c'] },
    far1: { segments: ['b'] },
    far3: { segments: ['c'] },
  },
};
const NOBODY = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'];
const BUFFER_PORT = 1050;

/** rb and tb of the socket on `port` as `ss -m` shows them: the kernel's (doubled) sizes. */
async function socketBuffers(t: ProxyTestLab, port: number): Promise<{ rb: number; tb: number }> {
  const ss = await t.host('cproxy').exec('ss', ['-Huanm', `sport = :${port}`]);
  const rb = /rb(\d+)/.exec(ss.stdout);
  const tb = /tb(\d+)/.exec(ss.stdout);
  if (!rb || !tb) throw new Error(`no socket on port ${port}: ${ss.stdout}${ss.stderr}`);
  return { rb: Number(rb[1]), tb: Number(tb[1]) };
}

describeLab(
  'client proxy -O and -B',
  () => {
    const lab = useProxyLab(EGRESS_LAB);

    test(`${WHICH} client proxy with -O on c: only the clients on c get the file`, async () => {
      const t = lab();
      const dir = await t.freshDir('egress');
      const src = await payload(`${dir}/src`);
      for (const name of ['far1', 'far3']) await t.client(name, `${dir}/${name}`);
      await t.clientProxy(WHICH, ['-O', t.ifname('cproxy', 'c')]);
      await t.serverProxy(WHICH);

      const run = await t.send([], [src.file]);
      expect(run.log).toContain(`Received REGISTER from proxy ${t.uid('cproxy')}`);
      expect(run.log).toMatch(new RegExp(`Host: ${t.uid('far3')}\\s+Status: Completed`));
      expect(run.log).not.toContain(t.uid('far1'));
      expect(run.code).toBe(0);
      expect(await treeDigest(`${dir}/far3`)).toEqual(src.digest);
      expect(await treeDigest(`${dir}/far1`)).toEqual({});
    });

    // Without -O the real proxy sets IP_MULTICAST_IF to its first multicast interface (strace), not leaving the
    // choice to the routing table: with a multicast route on c, the clients of the first interface still get it.
    test(`${WHICH} client proxy without -O: multicasts from its first interface, whatever the multicast route`, async () => {
      const t = lab();
      const links = (await t.host('cproxy').exec('ip', ['-o', 'link', 'show'])).stdout;
      const names = [...links.matchAll(/^\d+: ([^:@\s]+)/gm)].map((m) => m[1]);
      const order = ['b', 'c'].sort((x, y) => names.indexOf(t.ifname('cproxy', x)) - names.indexOf(t.ifname('cproxy', y)));
      if (order.some((seg) => !names.includes(t.ifname('cproxy', seg)))) throw new Error(`interfaces of cproxy: ${names.join(', ')}`);
      const [first, other] = order.map((seg) => ({ seg, client: seg === 'b' ? 'far1' : 'far3' }));
      const route = ['route', 'add', '224.0.0.0/4', 'dev', t.ifname('cproxy', other.seg)];
      const added = await t.host('cproxy').exec('ip', route);
      if (added.code !== 0) throw new Error(`ip ${route.join(' ')}: ${added.stderr}`);
      try {
        const dir = await t.freshDir('egress-default');
        const src = await payload(`${dir}/src`);
        for (const name of ['far1', 'far3']) await t.client(name, `${dir}/${name}`);
        await t.clientProxy(WHICH);
        await t.serverProxy(WHICH);
        const run = await t.send([], [src.file]);
        expect(run.log).toMatch(new RegExp(`Host: ${t.uid(first.client)}\\s+Status: Completed`));
        expect(run.log).not.toContain(t.uid(other.client));
        expect(await treeDigest(`${dir}/${first.client}`)).toEqual(src.digest);
      } finally {
        await t.host('cproxy').exec('ip', ['route', 'del', '224.0.0.0/4', 'dev', t.ifname('cproxy', other.seg)]);
      }
    });

    // The real proxy logs nothing about its buffers (and asks without FORCE: -B 104857600 gets rmem_max).
    (WHICH === 'real' ? test.skip : test)('ours: -B as root is granted in full (FORCE), and the log says so', async () => {
      const t = lab();
      const proxy = await t.clientProxy('ours', ['-x', '3', '-B', '104857600']);
      await waitForMatches(proxy, /UDP send buffer: kernel granted/g, 1, 5_000);
      expect(proxy.stderr()).toContain('UDP receive buffer: kernel granted 104857600 bytes, asked for 104857600');
      expect(proxy.stderr()).toContain('UDP send buffer: kernel granted 104857600 bytes, asked for 104857600');
      expect(await socketBuffers(t, 1044)).toEqual({ rb: 209715200, tb: 209715200 });
    });

    (WHICH === 'real' ? test.skip : test)('ours: -B 8388608 without privilege is cut to rmem_max, and the log warns', async () => {
      const t = lab();
      const max = async (name: string) => Number((await t.host('cproxy').exec('sysctl', ['-n', name])).stdout.trim());
      const [rmem, wmem] = [await max('net.core.rmem_max'), await max('net.core.wmem_max')];
      if (rmem >= 8388608 || wmem >= 8388608) throw new Error(`rmem_max ${rmem} / wmem_max ${wmem}: this check needs them below 8 MiB`);
      const [node, ...script] = proxyCommand('ours');
      const args = ['-d', '-c', '-x', '3', '-p', String(BUFFER_PORT), '-B', '8388608', '-I', t.ifname('cproxy')];
      const proxy = t.spawn('cproxy', NOBODY[0], [...NOBODY.slice(1), node, ...script, ...args]);
      await waitForUdpPort(t.host('cproxy'), BUFFER_PORT, proxy, 15_000);
      await waitForMatches(proxy, /UDP send buffer: kernel granted/g, 1, 5_000);
      expect(proxy.stderr()).toContain(`Warning: UDP receive buffer: kernel granted ${rmem} bytes, asked for 8388608`);
      expect(proxy.stderr()).toContain(`Warning: UDP send buffer: kernel granted ${wmem} bytes, asked for 8388608`);
      expect(await socketBuffers(t, BUFFER_PORT)).toEqual({ rb: 2 * rmem, tb: 2 * wmem });
    });
  },
  [realProgramsMissing],
);
