// Our uftp sending to two real uftpd clients (Debian's 4.10.2) on one segment: unencrypted, with each kind
// of encryption the real client takes (AES-GCM, AES-CBC with HMAC signatures, ECDH key exchange with ECDSA
// keys), with client authentication checked by fingerprint at both ends (-c, -H @list, the clients' -S
// lists over source-specific groups), and over IPv6. Every file must arrive byte for byte at both clients
// and our report must say each one Completed. The roles reversed are in uftpd-interop.test.ts.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { uidOfAddress } from '../../lib/cli/common/addresses';
import { describeLab } from './helpers/gate';
import { randomFile, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type HostName, type KeyFile } from './helpers/proxy-lab';
import { expectCompleted, logOf, sendFiles } from './helpers/uftpd-lab';

const LAB = {
  segments: ['a'],
  hosts: { server: { segments: ['a'] }, near: { segments: ['a'] }, near2: { segments: ['a'] } },
};
const CLIENTS: HostName[] = ['near', 'near2'];

type KeyKind = 'rsa' | 'ec';

interface Case {
  name: string;
  server: string[];
  keys?: KeyKind;
}

const CASES: Case[] = [
  { name: 'unencrypted', server: [] },
  { name: 'aes256-gcm sha256', server: ['-Y', 'aes256-gcm', '-h', 'sha256'], keys: 'rsa' },
  { name: 'aes128-cbc sha256 hmac', server: ['-Y', 'aes128-cbc', '-h', 'sha256', '-w', 'hmac'], keys: 'rsa' },
  { name: 'ecdh_ecdsa:prime256v1 with EC keys', server: ['-Y', 'aes256-gcm', '-h', 'sha256', '-e', 'ecdh_ecdsa:prime256v1'], keys: 'ec' },
  // The rate set by the clients' feedback (CONG_CTRL, CC_ACK) instead of -R.
  { name: 'TFMCC (-C tfmcc)', server: ['-C', 'tfmcc'] },
];

// Two files of a few blocks' and a few sections' worth (sections of 1300 x 8 blocks would be too big:
// -b 512 makes 4096-block sections, so 2.5 MB has a second one), and an empty one.
async function sources(dir: string): Promise<{ files: string[]; digest: Record<string, string> }> {
  const src = path.join(dir, 'src');
  const files = [await randomFile(src, 'small.bin', 20_000), await randomFile(src, 'two-sections.bin', 2_500_000), await randomFile(src, 'empty.bin', 0)];
  return { files, digest: await treeDigest(src) };
}

describeLab(
  'our uftp -> two real uftpd',
  () => {
    const lab = useProxyLab(LAB);
    const keys: Partial<Record<string, KeyFile>> = {};
    beforeAll(async () => {
      const t = lab();
      // Made by the real uftp_keymgt (t.key); one key per client, so the -H fingerprints differ.
      [keys['server-rsa'], keys['near-rsa'], keys['near2-rsa'], keys['server-ec'], keys['near-ec'], keys['near2-ec']] = await Promise.all([
        t.key('server-rsa', 'rsa:1024'),
        t.key('near-rsa', 'rsa:1024'),
        t.key('near2-rsa', 'rsa:1024'),
        t.key('server-ec', 'ec:prime256v1'),
        t.key('near-ec', 'ec:prime256v1'),
        t.key('near2-ec', 'ec:prime256v1'),
      ]);
    });
    const keyOf = (who: string, kind: KeyKind): KeyFile => keys[`${who}-${kind}`]!;
    const keyArgs = (who: string, kind?: KeyKind): string[] => (kind ? ['-k', keyOf(who, kind).file] : []);

    test.each(CASES.map((c) => [c.name, c] as const))('%s: every file arrives intact at both, both reported Completed', async (_n, c) => {
      const t = lab();
      const dir = await t.freshDir('interop');
      const src = await sources(dir);
      for (const host of CLIENTS) await t.client(host, `${dir}/${host}`, keyArgs(host, c.keys), 'real');

      const run = await sendFiles(t, [...c.server, ...keyArgs('server', c.keys), '-b', '512'], src.files, { server: 'ours' });
      for (const host of CLIENTS) {
        expectCompleted(run.log, t.uid(host));
        // One report line per file, each Completed.
        expect(run.log.match(new RegExp(`Host: ${t.uid(host)}\\s+Status: Completed`, 'g'))).toHaveLength(src.files.length);
        expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);
        if (c.keys) expect(run.log).toMatch(new RegExp(`KEYINFO_ACK from (client )?${t.uid(host)}`));
      }
      expect(run.code).toBe(0);
    });

    // -c: our server asks for CLIENT_KEY and checks each client's key against the -H list's fingerprint;
    // each real client checks our key against its -S list's. -S needs source-specific groups (232/8).
    const SSM = ['-M', '232.4.4.1', '-P', '232.5.5.x'];
    async function authLists(dir: string, kind: KeyKind, clientFps: Record<string, string>): Promise<{ hosts: string; servers: string }> {
      const t = lab();
      const hosts = path.join(dir, 'hosts.txt');
      const servers = path.join(dir, 'servers.txt');
      await writeFile(hosts, `# id|fingerprint\n${CLIENTS.map((h) => `${t.uid(h)}|${clientFps[h]}`).join('\n')}\n`);
      await writeFile(servers, `${t.uid('server')}|${t.addr('server')}|${keyOf('server', kind).fingerprint}\n`);
      return { hosts, servers };
    }

    test.each([
      ['RSA keys, aes256-gcm', 'rsa', ['-Y', 'aes256-gcm', '-h', 'sha256']],
      ['EC keys, ecdh_ecdsa', 'ec', ['-Y', 'aes256-gcm', '-h', 'sha256', '-e', 'ecdh_ecdsa:prime256v1']],
    ] as const)('-c client authentication, %s: fingerprints checked by both ends, SSM groups', async (_n, kind, suite) => {
      const t = lab();
      const dir = await t.freshDir('auth');
      const src = await sources(dir);
      const fps = Object.fromEntries(CLIENTS.map((h) => [h, keyOf(h, kind).fingerprint]));
      const lists = await authLists(dir, kind, fps);
      const clients = [];
      for (const host of CLIENTS) clients.push(await t.client(host, `${dir}/${host}`, ['-k', keyOf(host, kind).file, '-S', lists.servers, '-M', '232.4.4.1'], 'real'));

      const run = await sendFiles(t, [...SSM, ...suite, '-c', '-k', keyOf('server', kind).file, '-H', `@${lists.hosts}`], src.files, { server: 'ours' });
      for (const host of CLIENTS) {
        expectCompleted(run.log, t.uid(host));
        expect(run.log).toContain(`Received CLIENT_KEY from ${t.uid(host)}`);
        expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);
      }
      expect(run.code).toBe(0);
      // The private group was drawn from 232.5.5.x and the clients joined it by source.
      expect(run.log).toMatch(/Using private multicast address 232\.5\.5\.\d+/);
      for (const c of clients) expect(logOf(c)).toMatch(/232\.5\.5\.\d+/);
    });

    test('-c with a wrong fingerprint for one client: it is refused (not Completed), the other completes', async () => {
      const t = lab();
      const dir = await t.freshDir('auth-bad');
      const src = await sources(dir);
      // near2's line carries near's fingerprint.
      const lists = await authLists(dir, 'rsa', { near: keyOf('near', 'rsa').fingerprint, near2: keyOf('near', 'rsa').fingerprint });
      for (const host of CLIENTS) await t.client(host, `${dir}/${host}`, ['-k', keyOf(host, 'rsa').file, '-S', lists.servers, '-M', '232.4.4.1'], 'real');

      const run = await sendFiles(t, [...SSM, '-Y', 'aes256-gcm', '-h', 'sha256', '-c', '-k', keyOf('server', 'rsa').file, '-H', `@${lists.hosts}`, '-s', '10'], src.files, { server: 'ours' });
      expectCompleted(run.log, t.uid('near'));
      expect(run.log).not.toMatch(new RegExp(`Host: ${t.uid('near2')}\\s+Status: Completed`, 'i'));
      expect(run.log).toMatch(new RegExp(`Host: ${t.uid('near2')}\\s+Status: Mute`));
      expect(run.code).toBe(0); // as the real uftp: one client completed
      expect(await treeDigest(`${dir}/near`)).toEqual(src.digest);
      expect(await treeDigest(`${dir}/near2`)).toEqual({});
    });

    test.each([
      ['unencrypted', [], undefined],
      ['aes256-gcm', ['-Y', 'aes256-gcm', '-h', 'sha256'], 'rsa'],
    ] as const)('IPv6, %s: public ff15::1:1, private ff15::x, -I by IPv6 address', async (_n, suite, kind) => {
      const t = lab();
      const dir = await t.freshDir('v6');
      const src = await sources(dir);
      for (const host of CLIENTS) await t.client(host, `${dir}/${host}`, ['-M', 'ff15::1:1', ...keyArgs(host, kind)], 'real', t.host(host).addr('a', 6));

      const run = await sendFiles(t, ['-M', 'ff15::1:1', '-P', 'ff15::x', ...suite, ...keyArgs('server', kind)], src.files, {
        iface: t.host('server').addr('a', 6),
        server: 'ours',
      });
      expect(run.log).toMatch(/Using private multicast address ff15::[0-9a-f]{1,4}\b/);
      for (const host of CLIENTS) {
        // An IPv6 client's default ID comes from the last 4 bytes of its address.
        const uid = `0x${uidOfAddress(t.host(host).addr('a', 6)).toString(16).toUpperCase().padStart(8, '0')}`;
        expectCompleted(run.log, uid);
        expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);
      }
      expect(run.code).toBe(0);
    });

    test('SSM private group (-P 232.x.x.x), unencrypted: clients with -S lists join by source', async () => {
      const t = lab();
      const dir = await t.freshDir('ssm');
      const src = await sources(dir);
      const servers = path.join(dir, 'servers.txt');
      await writeFile(servers, `${t.uid('server')}|${t.addr('server')}\n`);
      const clients = [];
      for (const host of CLIENTS) clients.push(await t.client(host, `${dir}/${host}`, ['-S', servers, '-M', '232.4.4.1'], 'real'));

      const run = await sendFiles(t, ['-M', '232.4.4.1', '-P', '232.x.x.x'], src.files, { server: 'ours' });
      const priv = run.log.match(/Using private multicast address (232\.\d+\.\d+\.\d+)/)?.[1];
      expect(priv).toBeDefined();
      for (const [i, host] of CLIENTS.entries()) {
        expectCompleted(run.log, t.uid(host));
        expect(await treeDigest(`${dir}/${host}`)).toEqual(src.digest);
        expect(logOf(clients[i])).toContain(priv!);
      }
      expect(run.code).toBe(0);
    });
  },
  [realProgramsMissing],
);
