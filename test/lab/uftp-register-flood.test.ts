// Issue 11, item 9 for uftp: bounded state from unauthenticated packets. Our uftp sends two files to real
// uftpd clients in an open group (plain, and aes256-gcm with an ECDH key exchange); during its announce phase
// another host on the segment sends it 20 000 forged REGISTERs, each with a new client ID (with a usable ECDH
// key when encrypted), and a second real client starts in the middle of them. Both real clients complete
// (sha256 compared), only a few forged clients get in (a per-address rate), the refusals are logged as a
// summary line, not per packet, the server's memory stays bounded, and the forged clients cost the session
// one phase's wait at most: the second file waits for nobody. (Without the admission limits every forged ID
// got in: the same test then sees thousands of them.)
import { generateEcdhKey } from '../../lib/crypto';
import { NEW_REGISTRATIONS_BURST, NEW_REGISTRATIONS_PER_SEC } from '../../lib/server/admission';
import { describeLab } from './helpers/gate';
import { residentBytes } from './helpers/announce-flood';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { ATTACKED_SERVER_LAB, SERVER_SOURCE_PORT } from './helpers/forged-messages';
import { floodRegisters } from './helpers/register-flood';
import { expectCompleted } from './helpers/uftpd-lab';

const FORGED = 20_000;
/** Over about 4 s: the second client starts while they come. */
const PER_SECOND = 5000;
/** Generous (the heap breathes under a flood); the count of forged clients let in is the sharp check. */
const MAX_GROWTH = 64 * 1024 * 1024;
/**
 * An announce phase long enough for the flood: 10 rounds of 3 x GRTT, GRTT at least 0.3 s (every REGISTER
 * takes it down towards the smallest RTT measured).
 */
const TIMING = ['-s', '10', '-r', '0.3:0.3:1.0', '-u', String(SERVER_SOURCE_PORT), '-R', '50000'];

const forgedIds = (log: string): Set<string> => new Set([...log.matchAll(/Received REGISTER from client (0x0B[0-9A-F]{6})/g)].map((m) => m[1]));

describeLab(
  'our uftp under a flood of forged REGISTERs',
  () => {
    const lab = useProxyLab(ATTACKED_SERVER_LAB);

    test.each([
      ['unencrypted', false],
      ['aes256-gcm, ECDH', true],
    ] as const)('%s: few forged clients get in, the real ones complete, refusals summed up', async (_name, encrypted) => {
      const t = lab();
      const dir = await t.freshDir('register-flood');
      const first = await randomFile(`${dir}/src`, 'first.bin', 8 * 1024 * 1024);
      const second = await randomFile(`${dir}/src`, 'second.bin', 1_000_000);
      // The real uftpd takes part only with a key of its own like the server's (else: "No client key compatible").
      const [serverKey, clientKey] = encrypted ? await Promise.all([t.key('server-flood', 'rsa:1024'), t.key('client-flood', 'rsa:1024')]) : [];
      const crypto = serverKey ? ['-Y', 'aes256-gcm', '-h', 'sha256', '-e', 'ecdh_rsa', '-k', serverKey.file] : [];
      const clientArgs = clientKey ? ['-k', clientKey.file] : [];
      await t.client('near', `${dir}/near`, clientArgs);

      const server = t.sendInBackground([...crypto, ...TIMING], [first, second], 'server', 'ours');
      const [, groupId] = await server.waitForOutput(/Group ID: ([0-9A-F]{8})/, 15_000);
      await server.waitForOutput(new RegExp(`Received REGISTER from client ${t.uid('near')}`, 'i'), 10_000);
      const before = await residentBytes(server.pid);
      const flood = floodRegisters(t.host('attacker'), `${t.addr('server')}:${SERVER_SOURCE_PORT}`, {
        groupId: parseInt(groupId, 16), count: FORGED, perSecond: PER_SECOND, ecdhKey: encrypted ? generateEcdhKey('prime256v1').publicKey : undefined,
      });
      // A new legitimate client joins while the flood goes on.
      await new Promise((r) => setTimeout(r, 1000));
      await t.client('near2', `${dir}/near2`, clientArgs);
      const blast = await flood;
      expect(blast.sent).toBe(FORGED);
      const log = (): string => server.stdout() + server.stderr();
      expect(log()).not.toMatch(/File ID: 0001/); // the flood landed in the announce phase
      const grown = (await residentBytes(server.pid)) - before;

      const end = await server.exited;
      if (end.code !== 0 || process.env.DEBUG_LOG) console.log(log());
      expect(end.code).toBe(0);
      for (const name of ['near', 'near2']) expectCompleted(log(), t.uid(name));
      for (const name of ['near', 'near2']) expect(await treeDigest(`${dir}/${name}`)).toEqual(await treeDigest(`${dir}/src`));

      // Few forged clients got in: a burst and a trickle a second from the attacker's address.
      const admitted = forgedIds(log()).size;
      expect(admitted).toBeGreaterThan(0);
      expect(admitted).toBeLessThanOrEqual(NEW_REGISTRATIONS_BURST + NEW_REGISTRATIONS_PER_SEC * Math.ceil(blast.tookMs / 1000 + 1));
      // The rest were refused, counted, and logged in summary lines naming the attacker, not one line each.
      const summaries = [...log().matchAll(/New clients refused in the last 10 s: (\d+) over the rate of one address .*; most from (\S+) /g)];
      expect(summaries.length).toBeGreaterThanOrEqual(1);
      expect(summaries.length).toBeLessThanOrEqual(3);
      for (const s of summaries) expect(s[2]).toBe(t.addr('attacker'));
      const refused = summaries.reduce((n, s) => n + Number(s[1]), 0);
      expect(refused + admitted).toBeGreaterThan(0.9 * FORGED); // what the socket did not drop
      expect(refused + admitted).toBeLessThanOrEqual(FORGED);
      expect(log().split('\n').length).toBeLessThan(300 + 4 * admitted);
      expect(grown).toBeLessThan(MAX_GROWTH);

      // The forged clients cost one phase's wait: dropped as silent in the announce phase (encrypted: no
      // KEYINFO_ACK) or at the first file's FILEINFO; the second file waits for nobody.
      const [, firstPart, secondPart] = log().split(/File ID: 000[12]/);
      expect(firstPart.match(/Couldn't get FILEINFO_ACK/g)?.length ?? 0).toBe(encrypted ? 0 : admitted);
      expect(log().match(/Couldn't get KEYINFO_ACK/g)?.length ?? 0).toBe(encrypted ? admitted : 0);
      expect(secondPart.match(/Sending FILEINFO/g)).toHaveLength(1);
      expect(secondPart).not.toMatch(/Couldn't get/);
    });
  },
  [realProgramsMissing],
);
