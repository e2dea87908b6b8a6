// Hostile datagrams at our uftp's socket (fixed with -u, where the clients' answers go) in the middle of a
// transfer to a real uftpd and ours, plain and encrypted. Noise: 20 000 datagrams of noise, noise that starts
// like UFTP 4, noise with the live group ID and instance, and noise that also claims to come from a registered
// client (its ID in the header). Forged: well-formed answers that must change nothing (a REGISTER that makes
// a registered client a proxy, REGISTER and CLIENT_KEY from strangers after the announce phase, COMPLETE and
// STATUS for another file or past the file), repeated. The transfer completes intact for every client, the
// report names exactly the two clients, uftp exits 0, and the flood is logged as a few lines and a count.
import { describeLab } from './helpers/gate';
import { ATTACKED_SERVER_LAB, SERVER_SOURCE_PORT, forgedMessages, sendDatagrams } from './helpers/forged-messages';
import { sendGarbage } from './helpers/proxy-garbage';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, waitForMatches, type AnyHost } from './helpers/proxy-lab';
import { expectCompleted } from './helpers/uftpd-lab';

const DATAGRAMS = 20_000;

describeLab(
  'our uftp under hostile datagrams',
  () => {
    const lab = useProxyLab(ATTACKED_SERVER_LAB);

    test.each([
      ['noise', 'unencrypted', false],
      ['noise', 'aes256-gcm', true],
      ['forged', 'unencrypted', false],
      ['forged', 'aes256-gcm', true],
    ] as const)('%s mid-transfer (%s): every client gets the file, exit 0, a thin log', async (attack, _n, encrypted) => {
      const t = lab();
      const dir = await t.freshDir('hostile');
      const keyName = (who: string): string => `${who}-${attack}`;
      const [serverKey, clientKey] = encrypted ? await Promise.all([t.key(keyName('server'), 'rsa:1024'), t.key(keyName('client'), 'rsa:1024')]) : [];
      const file = await randomFile(`${dir}/src`, 'during.bin', 16 * 1024 * 1024);
      const clients: Array<[AnyHost, 'real' | 'ours']> = [['near', 'real'], ['near2', 'ours']];
      const procs = [];
      for (const [name, which] of clients) {
        procs.push(await t.client(name, `${dir}/${name}`, clientKey ? ['-k', clientKey.file] : [], which));
      }

      const crypto = serverKey ? ['-Y', 'aes256-gcm', '-h', 'sha256', '-k', serverKey.file] : [];
      // -R 40000 after FAST_SERVER's rate: about 3.5 s of data.
      const server = t.sendInBackground([...crypto, '-u', String(SERVER_SOURCE_PORT), '-R', '40000'], [file], 'server', 'ours');
      const [, groupId] = await server.waitForOutput(/Group ID: ([0-9A-F]{8})/, 15_000);
      await waitForMatches(server, /Sending section/g, 1, 30_000);
      const target = `${t.addr('server')}:${SERVER_SOURCE_PORT}`;
      const forged = t.uid('near').slice(2); // a registered client's ID, as 8 hex digits
      if (attack === 'noise') {
        const blast = await sendGarbage(t.host('attacker'), [target], DATAGRAMS, `${groupId}/00`, forged);
        expect(blast.stdout).toContain(`sent ${DATAGRAMS}`);
      } else {
        const datagrams = forgedMessages({ groupId: parseInt(groupId, 16), groupInst: 0, clientId: parseInt(forged, 16), fileId: 1 }, encrypted);
        const blast = await sendDatagrams(t.host('attacker'), [target], datagrams, 100);
        expect(blast.stdout).toContain(`sent ${datagrams.length * 100}`);
      }
      const log = (): string => server.stdout() + server.stderr();
      expect(log()).not.toMatch(/Transfer status/); // the blast landed mid-transfer

      const end = await server.exited;
      if (end.code !== 0 || process.env.DEBUG_LOG) console.log(log());
      for (const [name] of clients) expectCompleted(log(), t.uid(name));
      expect(log().match(/Host: \S+\s+Status:/g)).toHaveLength(clients.length); // no stranger, nobody turned proxy
      expect(end.code).toBe(0);
      for (const [name] of clients) expect(await treeDigest(`${dir}/${name}`)).toEqual(await treeDigest(`${dir}/src`));
      expect(log()).not.toMatch(/Internal error/);
      // Thinned: a few lines per drop reason and window, then a count of the rest.
      const lines = log().split('\n');
      expect(lines.filter((l) => /Dropped|Rejecting/.test(l)).length).toBeLessThan(200);
      expect(lines.length).toBeLessThan(400);
      expect(log()).toMatch(/Dropped \d+ more datagrams \(\S+\)/);
    });
  },
  [realProgramsMissing],
);
