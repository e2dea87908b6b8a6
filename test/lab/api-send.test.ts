// The README's example of the send() API (scripts/example-send.ts), run as a user would run it: a file to a
// real uftpd and to ours, each reported completed, the copies identical, exit status 0.
import path from 'node:path';
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';

const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } } };
const EXAMPLE = path.resolve(__dirname, '../../dist/scripts/example-send.js');
const API = path.resolve(__dirname, '../../dist/lib/api');

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

    test('maxClients: 1 takes the first client that registers and refuses the second with the real uftp\'s ABORT', async () => {
      const t = lab();
      const dir = await t.freshDir('api-max');
      const file = await randomFile(`${dir}/src`, 'max.bin', 100_000);
      const clients = [await t.client('near', `${dir}/near`, [], 'real'), await t.client('near2', `${dir}/near2`, [], 'ours')];
      const script = `
        const { send } = require(${JSON.stringify(API)});
        send({ files: [${JSON.stringify(file)}], interface: ${JSON.stringify(t.ifname('server'))}, rateKbps: 100000, maxClients: 1,
          grtt: { init: 0.05, min: 0.01, max: 1 } })
          .then((o) => { for (const c of o.clients) console.log('client ' + c.id.toString(16) + ': ' + c.status); process.exitCode = o.exitCode; });`;
      const run = await t.host('server').exec(process.execPath, ['-e', script], { timeoutMs: 60_000 });
      expect(run.code).toBe(0);
      const completed = [...run.stdout.matchAll(/client ([0-9a-f]+): completed/g)].map((m) => m[1]);
      expect(completed).toHaveLength(1);
      const refused = ['near', 'near2'].findIndex((h) => t.uid(h).slice(2).toLowerCase() !== completed[0]);
      await clients[refused].waitForOutput(/Max destinations exceeded/, 10_000);
    });
  },
  [realProgramsMissing],
);
