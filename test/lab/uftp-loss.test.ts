// Loss on the receiving segment: nftables in each client's namespace drops 10% of the UDP datagrams that
// come in to port 1044 (this kernel has no netem). Our uftp must still bring a few MB intact to two real
// uftpd clients, repairing by the NAKs of their STATUS messages in further passes, and report both
// Completed. The roles reversed are in uftpd-loss.test.ts.
import { describeLab, tools } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName } from './helpers/proxy-lab';
import { expectCompleted, sendFiles } from './helpers/uftpd-lab';

const LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } },
};
const CLIENTS: HostName[] = ['near', 'near2'];
const LOSS_PCT = 10;

describeLab(
  `${LOSS_PCT}% loss on the clients' input: our uftp repairs it for two real uftpd`,
  () => {
    const lab = useProxyLab(LAB);

    async function nft(host: HostName, args: string[]): Promise<void> {
      const run = await lab().host(host).exec('nft', args);
      if (run.code !== 0) throw new Error(`nft ${args.join(' ')} on ${host}: ${run.stderr}`);
    }

    beforeAll(async () => {
      // Our uftp hands the kernel runs of datagrams as one UDP GSO send; over the veth such a run stays one
      // packet up to the clients' input hook, where the rule would drop it whole. One segment per packet
      // on the server's link makes the kernel split them first: the rule then drops single datagrams.
      const server = lab().host('server');
      const ip = await server.exec('ip', ['link', 'set', 'dev', lab().ifname('server'), 'gso_max_segs', '1']);
      if (ip.code !== 0) throw new Error(`ip link set gso_max_segs 1: ${ip.stderr}`);
      for (const host of CLIENTS) {
        await nft(host, ['add', 'table', 'inet', 'loss']);
        await nft(host, ['add', 'chain', 'inet', 'loss', 'in', '{ type filter hook input priority 0; }']);
        await nft(host, ['add', 'rule', 'inet', 'loss', 'in', 'udp', 'dport', '1044', 'numgen', 'random', 'mod', '100', '<', String(LOSS_PCT), 'counter', 'drop']);
      }
    });
    // The namespaces go with the lab; the tables with them. Removed anyway, in case the lab is kept.
    afterAll(async () => {
      for (const host of CLIENTS) await nft(host, ['delete', 'table', 'inet', 'loss']).catch(() => undefined);
    });

    const dropped = async (host: HostName): Promise<number> => {
      const listed = await lab().host(host).exec('nft', ['list', 'table', 'inet', 'loss']);
      return Number(listed.stdout.match(/counter packets (\d+)/)?.[1] ?? 0);
    };

    // Blocks of 512 bytes: sections of 4096 blocks (2 MiB), so the 5 MB file has three, and NAKs come for
    // sections behind the one being sent as well as at the DONEs.
    test('5 MB in 512-byte blocks and a small file through 10% loss: both clients complete, NAKs repaired', async () => {
      const t = lab();
      const dir = await t.freshDir('loss');
      await randomFile(`${dir}/src`, 'lossy.bin', 5 * 1000 * 1000);
      await randomFile(`${dir}/src`, 'second.bin', 300_000);
      const want = await treeDigest(`${dir}/src`);
      for (const host of CLIENTS) await t.client(host, `${dir}/${host}`, [], 'real');
      const before = await Promise.all(CLIENTS.map(dropped));

      const run = await sendFiles(t, ['-b', '512'], [`${dir}/src/lossy.bin`, `${dir}/src/second.bin`], { server: 'ours' });
      const lossy = run.log.slice(run.log.indexOf('----- lossy.bin'), run.log.indexOf('----- second.bin'));
      for (const host of CLIENTS) {
        expect(run.log.match(new RegExp(`Host: ${t.uid(host)}\\s+Status: Completed`, 'g'))).toHaveLength(2);
        expectCompleted(run.log, t.uid(host));
        // The real client's STATUS, counted by section as the real uftp prints it.
        const sections = [...lossy.matchAll(new RegExp(`Got (\\d+) NAKs for section (\\d+) from client ${t.uid(host)}`, 'g'))].map((m) => Number(m[2]));
        expect(new Set(sections).size).toBeGreaterThan(1); // more than one section of lossy.bin repaired
        expect(sections.every((s) => s >= 0 && s < 3)).toBe(true);
      }
      expect(lossy).toMatch(/^Starting pass 2$/m);
      // protocol.txt 3.2: NAKs count only for sections before the one being sent (late answers to the last
      // DONE, for sections the new pass has yet to reach, are ignored, as the real uftp does).
      expect(naksAhead(lossy)).toEqual([]);
      expect(run.code).toBe(0);
      // The rule did drop datagrams (its counter), so the repair was needed.
      const after = await Promise.all(CLIENTS.map(dropped));
      for (const [i] of CLIENTS.entries()) expect(after[i] - before[i]).toBeGreaterThan(500);
      for (const host of CLIENTS) expect(await treeDigest(`${dir}/${host}`)).toEqual(want);
    });

    test('encrypted (aes256-gcm) through 10% loss: the file arrives, repaired by NAKs', async () => {
      const t = lab();
      const dir = await t.freshDir('loss-enc');
      await randomFile(`${dir}/src`, 'secret.bin', 1_500_000);
      const want = await treeDigest(`${dir}/src`);
      for (const host of CLIENTS) await t.client(host, `${dir}/${host}`, [], 'real');

      const run = await sendFiles(t, ['-Y', 'aes256-gcm', '-h', 'sha256'], [`${dir}/src/secret.bin`], { server: 'ours' });
      for (const host of CLIENTS) {
        expectCompleted(run.log, t.uid(host));
        expect(run.log).toMatch(new RegExp(`Got \\d+ NAKs for section 0 from client ${t.uid(host)}`));
        expect(await treeDigest(`${dir}/${host}`)).toEqual(want);
      }
      expect(run.code).toBe(0);
    });
  },
  [realProgramsMissing, tools('nft')],
);

/** "Got N NAKs for section S" lines taken while the pass was sending section S or one before it. */
function naksAhead(log: string): string[] {
  const bad: string[] = [];
  let sending = 0; // the section being sent; Infinity once the pass is out (DONE)
  for (const line of log.split('\n')) {
    if (/^Starting pass \d+$/.test(line)) sending = 0;
    const section = line.match(/^Sending section (\d+)$/);
    if (section) sending = Number(section[1]);
    if (/^Sending DONE /.test(line)) sending = Infinity;
    const naks = line.match(/^Got \d+ NAKs for section (\d+) /);
    if (naks && Number(naks[1]) >= sending) bad.push(`${line} (while sending section ${sending})`);
  }
  return bad;
}

