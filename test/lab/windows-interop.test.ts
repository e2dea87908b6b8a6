// Our uftpd as a Windows program: the official node.exe under Wine with the mingw-built addon, inside a
// lab namespace (its own Wine prefix, whose wineserver starts in that namespace), receiving from the real
// Linux uftp (Debian's 4.10.2), plain and encrypted. Files compared by sha256; the real server must
// report the client Completed.
import { mkdir } from 'node:fs/promises';
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type KeyFile } from './helpers/proxy-lab';
import { expectCompleted, sendFiles } from './helpers/uftpd-lab';
import { useWindowsPrograms, windowsLaneNeeds } from './helpers/wine-programs';

const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, near: { segments: ['a'] } } };

describeLab(
  'real uftp -> our uftpd under Wine (node.exe, mingw addon) in a lab namespace',
  () => {
    const lab = useProxyLab(LAB);
    const windows = useWindowsPrograms();
    const keys: Partial<Record<'server' | 'client', KeyFile>> = {};
    beforeAll(async () => {
      [keys.server, keys.client] = await Promise.all([lab().key('server-rsa', 'rsa:1024'), lab().key('client-rsa', 'rsa:1024')]);
    });

    test.each([
      ['unencrypted', [], false],
      ['aes256-gcm sha256, RSA keys', ['-Y', 'aes256-gcm', '-h', 'sha256'], true],
    ] as const)('%s: the file arrives intact, the server reports Completed', async (_n, suite, encrypted) => {
      const t = lab();
      const work = await t.freshDir('win-interop');
      const src = await payload(`${work}/src`);
      await mkdir(`${work}/near`);
      const ours = await windows().start(t.host('near'), 'uftpd', ['-D', `${work}/near`, '-I', t.ifname('near'), ...(encrypted ? ['-k', keys.client!.file] : [])]);
      const run = await sendFiles(t, [...suite, ...(encrypted ? ['-k', keys.server!.file] : [])], [src.file]);
      expectCompleted(run.log, t.uid('near'));
      expect(run.code).toBe(0);
      expect(await treeDigest(`${work}/near`)).toEqual(src.digest);
      if (encrypted) expect(ours.stderr()).toMatch(/Received KEYINFO/);
    });

    test('-Q 46: the start-up log says what marks the datagrams under Wine, never a bare claim', async () => {
      const t = lab();
      const work = await t.freshDir('win-dscp');
      await mkdir(`${work}/near`);
      const ours = await windows().start(t.host('near'), 'uftpd', ['-D', `${work}/near`, '-I', t.ifname('near'), '-Q', '46', '-x', '2']);
      expect(ours.stderr()).toMatch(/DSCP 46 marked through IP_TOS: under Wine \S+ the host's kernel applies IP_TOS; a Windows host would not/);
    });
  },
  [...windowsLaneNeeds, realProgramsMissing],
);
