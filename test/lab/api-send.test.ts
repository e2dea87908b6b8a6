// The README's example of the send() API (scripts/example-send.ts), run as a user would run it: a file to a
// real uftpd and to ours, each reported completed, the copies identical, exit status 0.
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';

const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } } };
const EXAMPLE = path.resolve(__dirname, '../../dist/scripts/example-send.js');

describeLab(
  'send() from a Node program',
  () => {
    const lab = useProxyLab(LAB);

    test('scripts/example-send.js delivers to a real and our uftpd and reports both', async () => {
      const t = lab();
      const dir = await t.freshDir('api');
      const file = await randomFile(`${dir}/src`, 'api.bin', 300_000);
      await t.client('near', `${dir}/near`, [], 'real');
      await t.client('near2', `${dir}/near2`, [], 'ours');
      const run = await t.host('server').exec(process.execPath, [EXAMPLE, t.ifname('server'), file], { timeoutMs: 60_000 });
      expect(run.code).toBe(0);
      for (const host of ['near', 'near2']) {
        expect(run.stdout).toContain(`client ${t.uid(host).slice(2).toLowerCase()}: completed, 300000 bytes`);
        expect(await treeDigest(`${dir}/${host}`)).toEqual(await treeDigest(`${dir}/src`));
      }
      expect(run.stdout).toMatch(/api\.bin: 300000\/300000 bytes, pass 1/);
    });
  },
  [realProgramsMissing],
);
