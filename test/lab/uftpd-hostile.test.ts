// 20 000 hostile datagrams at our uftpd in the middle of an encrypted transfer from the real uftp: noise,
// noise that starts like UFTP 4, noise with the live session's group ID, and noise that also claims the
// session's server ID. The transfer completes intact, the daemon keeps running and takes the next session,
// and the flood is logged as a few lines and a count, not a line a datagram.
import { describeLab } from './helpers/gate';
import { sendGarbage } from './helpers/proxy-garbage';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { ATTACKED_LAB, expectCompleted, logOf, running, sendFiles, sendInBackground } from './helpers/uftpd-lab';

const DATAGRAMS = 20_000;

describeLab(
  'our uftpd under hostile datagrams',
  () => {
    const lab = useProxyLab(ATTACKED_LAB);

    test(`${DATAGRAMS} hostile datagrams mid-transfer (aes256-gcm): the file arrives, the daemon stays up`, async () => {
      const t = lab();
      const dir = await t.freshDir('hostile');
      const [serverKey, clientKey] = await Promise.all([t.key('server', 'rsa:1024'), t.key('client', 'rsa:1024')]);
      const during = await randomFile(`${dir}/src`, 'during.bin', 20 * 1024 * 1024);
      const after = await randomFile(`${dir}/src`, 'after.bin', 100_000);
      const ours = await t.client('near', `${dir}/near`, ['-k', clientKey.file], 'ours');

      const crypto = ['-Y', 'aes256-gcm', '-h', 'sha256', '-k', serverKey.file];
      const server = sendInBackground(t, [...crypto, '-R', '50000'], [during]); // about 3 s of data
      const [, serverId, groupId] = await ours.waitForOutput(
        /\[([0-9A-F]{8}\/[0-9A-F]{2}):0001\]: Name of file to receive/, 30_000,
      ).then(async (m) => [m[0], (await ours.waitForOutput(/Received request from ([0-9A-F]{8})/, 1_000))[1], m[1]]);
      const blast = await sendGarbage(t.host('attacker'), [`${t.addr('near')}:1044`], DATAGRAMS, groupId, serverId);
      expect(blast.stdout).toContain(`sent ${DATAGRAMS}`);
      expect(server.stdout() + server.stderr()).not.toMatch(/Transfer status/); // the blast landed mid-transfer

      const end = await server.exited;
      expectCompleted(server.stdout() + server.stderr(), t.uid('near'));
      expect(end.code).toBe(0);
      expect(await running(ours)).toBe(true);

      const next = await sendFiles(t, crypto, [after]);
      expectCompleted(next.log, t.uid('near'));
      expect(await treeDigest(`${dir}/near`)).toEqual(await treeDigest(`${dir}/src`));
      // Thinned: a few lines a reason and window, and counts of the rest (logged by the latest when it stops).
      await ours.stop();
      const log = logOf(ours);
      const dropLines = log.split('\n').filter((l) => /Dropped/.test(l)).length;
      expect(dropLines).toBeLessThan(500);
      expect(log).toMatch(/Dropped \d+ more datagrams \(\w+\)/);
      expect(Number(log.match(/drop\.crypto=(\d+)/)?.[1])).toBeGreaterThan(100);
    });
  },
  [realProgramsMissing],
);
