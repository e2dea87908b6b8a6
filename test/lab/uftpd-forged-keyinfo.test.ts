// A KEYINFO travels in clear, so anyone who sees the public group can send one naming a client, with a group
// master that does not decrypt. While the real uftp sends 40 files to a uftpd over aes256-gcm, another host of
// the segment sends such a KEYINFO every 2 ms, from the first file on. The real uftpd 4.10.2 does not decrypt a
// KEYINFO again once it has the group key, and goes on; ours decrypted each one and aborted the session at the
// first that failed ("Decrypt failed for group master"), between two files. Now it drops them.
import { randomBytes } from 'node:crypto';
import { encodePacket, MessageType, NO_EXTENSIONS, UFTP_VERSION } from '../../lib/protocol';
import { describeLab } from './helpers/gate';
import { sendDatagrams } from './helpers/forged-messages';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab } from './helpers/proxy-lab';
import { ATTACKED_LAB, expectCompleted, logOf, running, sendInBackground } from './helpers/uftpd-lab';

const FILES = 40;
/** A round every 2 ms: about 6 s of forged KEYINFOs. */
const ROUNDS = 3000;

function forgedKeyInfo(serverId: number, groupId: number, clientId: number): Buffer {
  const header = { version: UFTP_VERSION, func: MessageType.KEYINFO, seq: 0x7000, srcId: serverId, groupId, groupInst: 0, grtt: 0xff, gsize: 0, reserved: 0 };
  const keys = [{ clientId, groupMaster: randomBytes(48) }];
  return encodePacket(header, { type: MessageType.KEYINFO, reserved: 0, ivCounter: 1n << 40n, extensions: NO_EXTENSIONS, keys });
}

describeLab(
  'uftpd and forged KEYINFOs',
  () => {
    const lab = useProxyLab(ATTACKED_LAB);

    test.each(['ours', 'real'] as const)(`%s uftpd: an encrypted session of ${FILES} files completes while forged KEYINFOs name it`, async (which) => {
      const t = lab();
      const dir = await t.freshDir(`forged-keyinfo-${which}`);
      const [serverKey, clientKey] = await Promise.all([t.key(`server-${which}`, 'rsa:1024'), t.key(`client-${which}`, 'rsa:1024')]);
      const files = await Promise.all(Array.from({ length: FILES }, (_, i) => randomFile(`${dir}/src`, `f${i}.bin`, 64 * 1024)));
      const client = await t.client('near', `${dir}/near`, ['-k', clientKey.file], which);

      const crypto = ['-Y', 'aes256-gcm', '-h', 'sha256', '-k', serverKey.file];
      const server = sendInBackground(t, [...crypto, '-R', '3000'], files); // about 8 s
      const named = await client.waitForOutput(/\[([0-9A-F]{8})\/00:0*1\]: Name of file to receive/, 30_000);
      const forged = forgedKeyInfo(Number(t.uid('server')), parseInt(named[1], 16), Number(t.uid('near')));
      const blast = await sendDatagrams(t.host('attacker'), [`${t.addr('near')}:1044`], [forged], ROUNDS);
      expect(blast.stdout).toContain(`sent ${ROUNDS}`);
      expect(server.stdout() + server.stderr()).not.toMatch(/Finishing group/); // the forgeries lasted all along

      const end = await server.exited;
      expect(end.code).toBe(0);
      expectCompleted(server.stdout() + server.stderr(), t.uid('near'));
      expect(await treeDigest(`${dir}/near`)).toEqual(await treeDigest(`${dir}/src`));
      expect(await running(client)).toBe(true);
      if (which === 'ours') {
        expect(logOf(client)).toMatch(/Dropped: KEYINFO from 0x[0-9A-F]{8}: /); // seen, and dropped ...
        expect(logOf(client).match(/KEYINFO/g)!.length).toBeLessThan(100); // ... in thinned lines, not one each
      }
    });
  },
  [realProgramsMissing],
);
