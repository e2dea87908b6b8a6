// TFMCC (-C tfmcc) across a slow link: the bridge port towards one client is shaped to 20 Mbit/s with tbf
// (this kernel has it; not netem). Our uftp under TFMCC settles near the link's rate and repairs little;
// at a fixed -R five times the link, the surplus is lost at the shaper and comes back as NAKs and passes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { expectCompleted, sendFiles } from './helpers/uftpd-lab';

const run = promisify(execFile);
const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, slow: { segments: ['a'] } } };
const LINK_KBIT = 20_000;
const FILE_BYTES = 8 * 1024 * 1024;
const BLOCK = 1300;

/** NAKs the server heard over the whole file, from its -x 2 log. */
function nakTotal(log: string): number {
  return [...log.matchAll(/Got (\d+) NAKs for section/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** The KB/s the report gives for the file. */
function throughput(log: string): number {
  return Number(log.match(/Overall throughput: ([\d.]+) KB\/s/)?.[1] ?? NaN);
}

describeLab(
  'TFMCC across a 20 Mbit/s link',
  () => {
    const lab = useProxyLab(LAB);
    let bridge: { netns: string; port: string };

    beforeAll(async () => {
      const t = lab();
      // The segment's bridge lives in "<lab>-a.br"; host number N (spec order) has port hN there.
      bridge = { netns: t.host('slow').netns.replace(/-slow$/, '-a.br'), port: 'h2' };
      await run('ip', ['netns', 'exec', bridge.netns, 'tc', 'qdisc', 'add', 'dev', bridge.port, 'root', 'tbf', 'rate', `${LINK_KBIT}kbit`, 'burst', '32kbit', 'latency', '50ms']);
    });

    async function sendTo(args: string[]): Promise<{ log: string; digestOk: boolean; code: number | null }> {
      const t = lab();
      const dir = await t.freshDir('tfmcc');
      const file = await randomFile(`${dir}/src`, 'shaped.bin', FILE_BYTES);
      const client = await t.client('slow', `${dir}/slow`);
      const result = await sendFiles(t, ['-x', '2', ...args], [file], { server: 'ours', timeoutMs: 120_000 });
      await client.stop();
      expectCompleted(result.log, t.uid('slow'));
      return { log: result.log, code: result.code, digestOk: JSON.stringify(await treeDigest(`${dir}/slow`)) === JSON.stringify(await treeDigest(`${dir}/src`)) };
    }

    test('-C tfmcc settles near the link rate with little repair; -R 100000 without it loses the surplus', async () => {
      const blocks = Math.ceil(FILE_BYTES / BLOCK);
      const cc = await sendTo(['-C', 'tfmcc']);
      expect(cc.code).toBe(0);
      expect(cc.digestOk).toBe(true);
      const linkKBs = (LINK_KBIT * 1000) / 8 / 1024;
      const ccRate = throughput(cc.log);
      if (process.env.UFTP_TS_SHOW) console.log(`tfmcc ${ccRate} KB/s, NAKs ${nakTotal(cc.log)} of ${blocks}`);
      expect(ccRate).toBeGreaterThan(linkKBs * 0.4);
      expect(ccRate).toBeLessThan(linkKBs * 1.1);
      expect(nakTotal(cc.log)).toBeLessThan(blocks * 0.25);

      const fixed = await sendTo(['-R', String(LINK_KBIT * 5)]);
      expect(fixed.code).toBe(0);
      expect(fixed.digestOk).toBe(true);
      if (process.env.UFTP_TS_SHOW) console.log(`fixed ${throughput(fixed.log)} KB/s, NAKs ${nakTotal(fixed.log)}`);
      // Most of each pass is lost at the shaper: the NAKs add up to more than the file.
      expect(nakTotal(fixed.log)).toBeGreaterThan(blocks * 0.5);
      expect(nakTotal(fixed.log)).toBeGreaterThan(4 * nakTotal(cc.log));
    });
  },
  [realProgramsMissing],
);
