// Refused hosts are told with an ABORT at the address their REGISTER came from, and that address can be forged:
// in a closed group (-H) each 60-byte forged REGISTER would make the server send a 324-byte ABORT to a victim of
// the forger's choosing, five times the bytes. The real uftp 4.10.2 answers every one; ours answers an address
// at most once a second (a refused real client gives up at its first ABORT), and a few dozen a second in all.
// The listed client, started after the flood, completes either way.
import { STRANGER_ABORTS_PER_SEC, STRANGER_ABORT_INTERVAL_MS } from '../../lib/server/stranger-aborts';
import { MessageType } from '../../lib/protocol';
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { ATTACKED_SERVER_LAB, SERVER_SOURCE_PORT } from './helpers/forged-messages';
import { floodRegisters } from './helpers/register-flood';
import { expectCompleted } from './helpers/uftpd-lab';

const FORGED = 2000;
const PER_SECOND = 1000;
/** A long announce phase (10 rounds of 3 x 0.3 s) so the flood lands in it. */
const TIMING = ['-s', '10', '-r', '0.3:0.3:1.0', '-u', String(SERVER_SOURCE_PORT), '-R', '50000'];

describeLab(
  'uftp in a closed group, forged REGISTERs from unlisted hosts',
  () => {
    const lab = useProxyLab(ATTACKED_SERVER_LAB);

    test.each(['ours', 'real'] as const)('%s uftp: the listed client completes; ABORTs to the forger counted', async (which) => {
      const t = lab();
      const dir = await t.freshDir(`closed-aborts-${which}`);
      const file = await randomFile(`${dir}/src`, 'closed.bin', 1_000_000);
      const server = t.sendInBackground(['-H', t.uid('near'), ...TIMING], [file], 'server', which);
      const [, groupId] = await server.waitForOutput(/Group ID: ([0-9A-F]{8})/, 15_000);
      const flood = await floodRegisters(t.host('attacker'), `${t.addr('server')}:${SERVER_SOURCE_PORT}`, {
        groupId: parseInt(groupId, 16), count: FORGED, perSecond: PER_SECOND, replyWaitMs: 500,
      });
      expect(flood.sent).toBe(FORGED);
      const log = (): string => server.stdout() + server.stderr();
      expect(log()).not.toMatch(/File ID: 0001/); // the flood landed in the announce phase
      await t.client('near', `${dir}/near`); // only now: with every listed client in, the phase would end
      const aborts = flood.replies[MessageType.ABORT] ?? 0;
      if (which === 'real') expect(aborts).toBeGreaterThan(0.9 * FORGED);
      else {
        expect(aborts).toBeGreaterThanOrEqual(1);
        expect(aborts).toBeLessThanOrEqual(Math.ceil((flood.tookMs + 500) / STRANGER_ABORT_INTERVAL_MS) + 1);
        expect(aborts).toBeLessThanOrEqual(STRANGER_ABORTS_PER_SEC * Math.ceil(flood.tookMs / 1000 + 1));
      }

      const end = await server.exited;
      expect(end.code).toBe(0);
      expectCompleted(log(), t.uid('near'));
      expect(await treeDigest(`${dir}/near`)).toEqual(await treeDigest(`${dir}/src`));
    });
  },
  [realProgramsMissing],
);
