// Issue 11, item 9, for uftpd: bounded state from unauthenticated packets. While the real uftp sends a file to
// our uftpd, another host on the segment sends it 20 000 forged ANNOUNCEs over 5 s, each with a new group ID and
// a new server ID. Our uftpd opens only a burst and a trickle of sessions from them (a rate per source address),
// never more than its limit of 100, ends those that get no further than their REGISTER within seconds, logs
// the refusals as summary lines, and its memory stays bounded; the running transfer completes intact, and a
// second session that the real uftp starts during the burst completes too. (The real uftpd, and ours before
// this, fill their 100 sessions with forgeries and refuse every real server for 4 x ROBUST x GRTT: 43 s.)
import { describeLab } from './helpers/gate';
import { floodAnnounces, residentBytes } from './helpers/announce-flood';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, waitForMatches } from './helpers/proxy-lab';
import { ATTACKED_LAB, expectCompleted, logOf, running, sendFiles, sendInBackground } from './helpers/uftpd-lab';

const FORGED = 20_000;
const PER_SECOND = 4000;
/** The forged server IDs: 0BAD0000, 0BAD0001, ... */
const FORGED_SERVER = 0x0bad0000;
const FORGED_REQUEST = /Received request from 0BAD/g;
/** Generous (the heap breathes under a flood); the session counts are the sharp check. */
const MAX_GROWTH = 64 * 1024 * 1024;

describeLab(
  'our uftpd under a burst of forged ANNOUNCEs',
  () => {
    const lab = useProxyLab(ATTACKED_LAB);

    test.each([
      ['plain', []],
      ['aes256-gcm', ['-Y', 'aes256-gcm', '-h', 'sha256']],
    ])(`%s: ${FORGED} forged ANNOUNCEs mid-transfer; state stays bounded, the transfer and a new session complete`, async (label, cipher) => {
      const t = lab();
      const dir = await t.freshDir(`announce-flood-${label}`);
      const encrypted = cipher.length > 0;
      const [serverKey, clientKey] = encrypted ? await Promise.all([t.key('server', 'rsa:1024'), t.key('client', 'rsa:1024')]) : [];
      const crypto = serverKey ? [...cipher, '-k', serverKey.file] : [];
      const during = await randomFile(`${dir}/src`, 'during.bin', 40 * 1024 * 1024);
      const second = await randomFile(`${dir}/src`, 'second.bin', 2_000_000);
      const ours = await t.client('near', `${dir}/near`, clientKey ? ['-k', clientKey.file] : [], 'ours');
      const before = await residentBytes(ours.pid);

      const server = sendInBackground(t, [...crypto, '-R', '25000', '-P', '230.5.5.10'], [during]); // about 13 s of data
      await ours.waitForOutput(/:0001\]: Name of file to receive/, 30_000);
      const flood = floodAnnounces(t.host('attacker'), [`${t.addr('near')}:1044`], FORGED, { firstServer: FORGED_SERVER, perSecond: PER_SECOND });
      // A new legitimate session (from another host of the segment) once forged sessions have been opened, while
      // the burst goes on: without a rate per source they would fill the 100 places and keep them for 43 s.
      await waitForMatches(ours, FORGED_REQUEST, 60, 10_000);
      const next = sendFiles(t, [...crypto, '-P', '230.5.5.20'], [second]);
      const [blast, nextRun] = await Promise.all([flood, next]);
      expect(blast.stdout).toContain(`sent ${FORGED}`);
      expect(server.stdout() + server.stderr()).not.toMatch(/Transfer status/); // the burst landed mid-transfer
      expectCompleted(nextRun.log, t.uid('near'));

      const end = await server.exited;
      expectCompleted(server.stdout() + server.stderr(), t.uid('near'));
      expect(end.code).toBe(0);
      expect(await running(ours)).toBe(true);
      expect(await treeDigest(`${dir}/near`)).toEqual(await treeDigest(`${dir}/src`));

      // Few sessions came of the forgeries: a burst and a trickle per second, not one each ...
      const forgedSessions = logOf(ours).match(FORGED_REQUEST)?.length ?? 0;
      expect(forgedSessions).toBeLessThan(FORGED / 20);
      // ... the refusals were logged as summary lines, not per packet ...
      await ours.waitForOutput(/New sessions refused in the last 10 s: \d+ over 5 new per second/, 30_000);
      const log = logOf(ours);
      expect(log.match(/New sessions refused/g)!.length).toBeLessThan(10);
      expect(log.split('\n').filter((l) => l.includes(t.addr('attacker'))).length).toBeLessThan(forgedSessions + 10);
      // ... and memory stayed bounded.
      expect((await residentBytes(ours.pid)) - before).toBeLessThan(MAX_GROWTH);
    });
  },
  [realProgramsMissing],
);
