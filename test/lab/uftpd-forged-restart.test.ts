// A forged restart must not end a running session. While the real uftp sends a file to a uftpd, another host of
// the segment sends one ANNOUNCE with the running session's group ID and server ID and the next group instance:
// what the server sends when it is rerun with -F to resume (protocol.txt 4.1: a higher instance is a restart).
// ANNOUNCEs are not signed, so anyone who sees the public group can send this. The real uftpd 4.10.2 ends the
// earlier instance only when the new one's registration is confirmed (and only with -T); ours, before this,
// aborted the running session at the bare ANNOUNCE ("Session restarted"), so one datagram killed a transfer.
import { mkdir } from 'node:fs/promises';
import { describeLab } from './helpers/gate';
import { floodAnnounces } from './helpers/announce-flood';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { ATTACKED_LAB, expectCompleted, logOf, running, sendInBackground } from './helpers/uftpd-lab';

describeLab(
  'uftpd and a forged restart ANNOUNCE',
  () => {
    const lab = useProxyLab(ATTACKED_LAB);

    test.each([
      ['ours', 'without -T'],
      ['ours', 'with -T'],
      ['real', 'with -T'],
    ] as const)('%s uftpd %s: the running transfer completes; the forged instance only registers', async (which, mode) => {
      const t = lab();
      const dir = await t.freshDir(`forged-restart-${which}`);
      const file = await randomFile(`${dir}/src`, 'running.bin', 20 * 1024 * 1024);
      const temp = mode === 'with -T' ? ['-T', `${dir}/temp`] : [];
      if (temp.length) await mkdir(`${dir}/temp`);
      const client = await t.client('near', `${dir}/near`, temp, which);

      const server = sendInBackground(t, ['-R', '25000'], [file]); // about 6 s of data
      const named = await client.waitForOutput(/\[([0-9A-F]{8})\/00:0*1\]: Name of file to receive/, 30_000);
      const groupId = parseInt(named[1], 16);
      const forged = await floodAnnounces(t.host('attacker'), [`${t.addr('near')}:1044`], 1, {
        firstGroup: groupId, firstServer: Number(t.uid('server')), groupInst: 1,
      });
      expect(forged.stdout).toContain('sent 1');
      // The forged instance is taken as a session: it answers the ANNOUNCE with a REGISTER.
      await client.waitForOutput(new RegExp(`\\[${named[1]}/01(:0+)?\\]: .*REGISTER sent`), 10_000);
      expect(server.stdout() + server.stderr()).not.toMatch(/Transfer status/); // it landed mid-transfer

      const end = await server.exited;
      expect(end.code).toBe(0);
      expectCompleted(server.stdout() + server.stderr(), t.uid('near'));
      expect(await treeDigest(`${dir}/near`)).toEqual(await treeDigest(`${dir}/src`));
      expect(await running(client)).toBe(true);
      if (which === 'ours') expect(logOf(client)).not.toContain('Session restarted');
    });
  },
  [realProgramsMissing],
);
