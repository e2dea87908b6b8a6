// Loss on the receiving side: nftables in each client's namespace drops 10% of the UDP datagrams that come
// in to port 1044 (this kernel has no netem). A few MB must still arrive intact at our uftpd and at the real
// one beside it, repaired by NAKs (STATUS) and re-sent blocks; both must be reported Completed.
import { describeLab, tools } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { expectCompleted, logOf } from './helpers/uftpd-lab';

const LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } },
};
const CLIENTS: Array<[HostName, 'ours' | 'real']> = [['near', 'ours'], ['near2', 'real']];
const LOSS_PCT = 10;

describeLab(
  `${LOSS_PCT}% loss on the clients' input: our uftpd and the real one repair it`,
  () => {
    const lab = useProxyLab(LAB);

    async function nft(host: HostName, args: string[]): Promise<void> {
      const run = await lab().host(host).exec('nft', args);
      if (run.code !== 0) throw new Error(`nft ${args.join(' ')} on ${host}: ${run.stderr}`);
    }

    beforeAll(async () => {
      for (const [host] of CLIENTS) {
        await nft(host, ['add', 'table', 'inet', 'loss']);
        await nft(host, ['add', 'chain', 'inet', 'loss', 'in', '{ type filter hook input priority 0; }']);
        await nft(host, ['add', 'rule', 'inet', 'loss', 'in', 'udp', 'dport', '1044', 'numgen', 'random', 'mod', '100', '<', String(LOSS_PCT), 'counter', 'drop']);
      }
    });
    // The namespaces go with the lab; the tables with them. Removed anyway, in case the lab is kept.
    afterAll(async () => {
      for (const [host] of CLIENTS) await nft(host, ['delete', 'table', 'inet', 'loss']).catch(() => undefined);
    });

    // Blocks of 512 bytes: sections of 4096 blocks (2 MiB), so the 5 MB file has three and NAKs come for
    // sections behind the newest as well as at the DONEs.
    test('5 MB in 512-byte blocks through 10% loss: both clients complete, our client sent NAKs', async () => {
      const t = lab();
      const dir = await t.freshDir('loss');
      await randomFile(`${dir}/src`, 'lossy.bin', 5 * 1000 * 1000);
      await randomFile(`${dir}/src`, 'second.bin', 300_000);
      const want = await treeDigest(`${dir}/src`);
      const procs = [];
      for (const [host, which] of CLIENTS) procs.push(await t.client(host, `${dir}/${host}`, ['-x', '2'], which));

      const run = await t.send(['-b', '512'], [`${dir}/src/lossy.bin`, `${dir}/src/second.bin`]);
      for (const [host] of CLIENTS) {
        expectCompleted(run.log, t.uid(host));
        expect(run.log).toMatch(new RegExp(`Got \\d+ NAKs for section \\d+ from client ${t.uid(host)}`));
      }
      expect(run.code).toBe(0);
      const ourNaks = [...logOf(procs[0]).matchAll(/\[\w+\/00:0001\]: Sent \d+ NAKs for section (\d+)/g)].map((m) => Number(m[1]));
      expect(new Set(ourNaks).size).toBeGreaterThan(1); // NAKs for more than one section of lossy.bin
      // The rule did drop datagrams (its counter), so the repair was needed.
      const listed = await t.host('near').exec('nft', ['list', 'table', 'inet', 'loss']);
      expect(Number(listed.stdout.match(/counter packets (\d+)/)?.[1])).toBeGreaterThan(100);
      for (const [host] of CLIENTS) expect(await treeDigest(`${dir}/${host}`)).toEqual(want);
    });
  },
  [realProgramsMissing, tools('nft')],
);
