// Our uftpd receiving from the real uftp (Debian's 4.10.2) on one segment: unencrypted, with each kind of
// encryption the real server offers (AES-GCM, AES-CBC with HMAC signatures, ECDH key exchange with ECDSA
// keys), with client authentication checked by fingerprint at both ends, and over IPv6. Every file must
// arrive byte for byte and the real server must report the client Completed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { uidOfAddress } from '../../lib/cli/common/addresses';
import { describeLab } from './helpers/gate';
import { payload, treeDigest } from './helpers/proxy-files';
import { realProgramsMissing, useProxyLab, type KeyFile } from './helpers/proxy-lab';
import { expectCompleted, logOf, sendFiles } from './helpers/uftpd-lab';

const LAB = { segments: ['a'], hosts: { server: { segments: ['a'] }, near: { segments: ['a'] } } };

interface Case {
  name: string;
  server: string[];
  keys?: 'rsa' | 'ec';
  /** What our client must have logged: the key exchange took place. */
  clientSays?: RegExp;
  client?: string[];
}

const CASES: Case[] = [
  // -F @LOG: the status lines go into the log bare, with no timestamp, as the real uftpd writes them.
  { name: 'unencrypted, -F @LOG', server: [], client: ['-F', '@LOG'], clientSays: /^RESULT;[^\n]*;payload\.bin;256KB;copied$/m },
  { name: 'aes256-gcm sha256', server: ['-Y', 'aes256-gcm', '-h', 'sha256'], keys: 'rsa', clientSays: /Received KEYINFO/ },
  { name: 'aes128-cbc sha1 hmac', server: ['-Y', 'aes128-cbc', '-h', 'sha1', '-w', 'hmac'], keys: 'rsa', clientSays: /Received KEYINFO/ },
  {
    name: 'ecdh_ecdsa with EC keys',
    server: ['-Y', 'aes256-gcm', '-h', 'sha256', '-e', 'ecdh_ecdsa'],
    keys: 'ec',
    clientSays: /Received KEYINFO/,
  },
];

describeLab(
  'real uftp -> our uftpd',
  () => {
    const lab = useProxyLab(LAB);
    const keys: Partial<Record<string, KeyFile>> = {};
    beforeAll(async () => {
      const t = lab();
      [keys.serverRsa, keys.clientRsa, keys.serverEc, keys.clientEc] = await Promise.all([
        t.key('server-rsa', 'rsa:1024'),
        t.key('client-rsa', 'rsa:1024'),
        t.key('server-ec', 'ec:prime256v1'),
        t.key('client-ec', 'ec:prime256v1'),
      ]);
    });
    const keyOf = (who: 'server' | 'client', kind: 'rsa' | 'ec'): KeyFile => keys[`${who}${kind === 'rsa' ? 'Rsa' : 'Ec'}`]!;

    test.each(CASES.map((c) => [c.name, c] as const))('%s: the file arrives intact, the server reports Completed', async (_n, c) => {
      const t = lab();
      const dir = await t.freshDir('interop');
      const src = await payload(`${dir}/src`);
      const keyArgs = (who: 'server' | 'client'): string[] => (c.keys ? ['-k', keyOf(who, c.keys).file] : []);
      const ours = await t.client('near', `${dir}/near`, [...keyArgs('client'), ...(c.client ?? [])], 'ours');

      const run = await sendFiles(t, [...c.server, ...keyArgs('server')], [src.file]);
      expectCompleted(run.log, t.uid('near'));
      expect(run.code).toBe(0);
      expect(await treeDigest(`${dir}/near`)).toEqual(src.digest);
      if (c.clientSays) expect(logOf(ours)).toMatch(c.clientSays);
      if (c.keys) expect(run.log).toContain(`Received KEYINFO_ACK from ${t.uid('near')}`);
    });

    // -c: the server asks for CLIENT_KEY and checks the client's key against the -H list's fingerprint; the
    // client checks the server's key against its -S list's. -S needs source-specific groups (232/8).
    const SSM = ['-M', '232.4.4.1', '-P', '232.5.5.x'];
    async function authLists(dir: string, serverFp: string, clientFp: string): Promise<{ hosts: string; servers: string }> {
      const t = lab();
      const hosts = path.join(dir, 'hosts.txt');
      const servers = path.join(dir, 'servers.txt');
      await writeFile(hosts, `${t.uid('near')}|${clientFp}\n`);
      await writeFile(servers, `${t.uid('server')}|${t.addr('server')}|${serverFp}\n`);
      return { hosts, servers };
    }

    test.each([
      ['RSA keys, aes256-gcm', 'rsa', ['-Y', 'aes256-gcm', '-h', 'sha256']],
      ['EC keys, ecdh_ecdsa', 'ec', ['-Y', 'aes256-gcm', '-h', 'sha256', '-e', 'ecdh_ecdsa']],
    ] as const)('-c client authentication, %s: fingerprints checked by both ends (-H @list, -S list)', async (_n, kind, suite) => {
      const t = lab();
      const dir = await t.freshDir('auth');
      const src = await payload(`${dir}/src`);
      const [server, client] = [keyOf('server', kind), keyOf('client', kind)];
      const lists = await authLists(dir, server.fingerprint, client.fingerprint);
      const ours = await t.client('near', `${dir}/near`, ['-k', client.file, '-S', lists.servers, '-M', '232.4.4.1'], 'ours');

      const run = await sendFiles(t, [...SSM, ...suite, '-c', '-k', server.file, '-H', `@${lists.hosts}`], [src.file]);
      expectCompleted(run.log, t.uid('near'));
      expect(run.code).toBe(0);
      // The server took our CLIENT_KEY: its key matched the -H fingerprint and its signature checked out.
      expect(run.log).toContain(`Received CLIENT_KEY from ${t.uid('near')}`);
      expect(logOf(ours)).toContain('CLIENT_KEY sent');
      expect(await treeDigest(`${dir}/near`)).toEqual(src.digest);
    });

    test('-S with a fingerprint that is not the server key: our client refuses the session', async () => {
      const t = lab();
      const dir = await t.freshDir('auth-bad');
      const src = await payload(`${dir}/src`);
      const [server, client, other] = [keyOf('server', 'rsa'), keyOf('client', 'rsa'), keyOf('client', 'ec')];
      const lists = await authLists(dir, other.fingerprint, client.fingerprint);
      const ours = await t.client('near', `${dir}/near`, ['-k', client.file, '-S', lists.servers, '-M', '232.4.4.1'], 'ours');

      const run = await sendFiles(t, [...SSM, '-Y', 'aes256-gcm', '-h', 'sha256', '-c', '-k', server.file, '-H', `@${lists.hosts}`, '-s', '10'], [src.file]);
      expect(run.log).not.toMatch(new RegExp(`Host: ${t.uid('near')}\\s+Status: Completed`, 'i'));
      expect(logOf(ours)).toContain('Failed to verify server key fingerprint');
      expect(await treeDigest(`${dir}/near`)).toEqual({});
    });

    test.each([
      ['unencrypted', []],
      ['aes256-gcm', ['-Y', 'aes256-gcm', '-h', 'sha256']],
    ] as const)('IPv6, %s: public ff15::1:1, private ff15::2:1, client -I by its IPv6 address', async (_n, suite) => {
      const t = lab();
      const dir = await t.freshDir('v6');
      const src = await payload(`${dir}/src`);
      const v6 = t.host('near').addr('a', 6);
      const keyArgs = (who: 'server' | 'client'): string[] => (suite.length > 0 ? ['-k', keyOf(who, 'rsa').file] : []);
      await t.client('near', `${dir}/near`, ['-M', 'ff15::1:1', ...keyArgs('client')], 'ours', v6);

      const run = await sendFiles(t, ['-M', 'ff15::1:1', '-P', 'ff15::2:1', ...suite, ...keyArgs('server')], [src.file], {
        iface: t.host('server').addr('a', 6),
      });
      // An IPv6 client's default ID comes from the last 4 bytes of its address.
      const uid = `0x${uidOfAddress(v6).toString(16).toUpperCase().padStart(8, '0')}`;
      expectCompleted(run.log, uid);
      expect(run.code).toBe(0);
      expect(await treeDigest(`${dir}/near`)).toEqual(src.digest);
    });

    // `uftp -M <client address>`: the ANNOUNCE names a blank private group and everything travels by
    // unicast. (Our client used to refuse it: "Invalid multicast address: 0.0.0.0".)
    test.each([
      ['unencrypted', []],
      ['aes256-gcm', ['-Y', 'aes256-gcm', '-h', 'sha256']],
    ] as const)('unicast session (uftp -M <client address>), %s', async (_n, suite) => {
      const t = lab();
      const dir = await t.freshDir('unicast');
      const src = await payload(`${dir}/src`);
      const keyArgs = (who: 'server' | 'client'): string[] => (suite.length > 0 ? ['-k', keyOf(who, 'rsa').file] : []);
      const ours = await t.client('near', `${dir}/near`, keyArgs('client'), 'ours');

      const run = await sendFiles(t, ['-M', t.addr('near'), ...suite, ...keyArgs('server')], [src.file]);
      expectCompleted(run.log, t.uid('near'));
      expect(run.code).toBe(0);
      expect(logOf(ours)).toContain('Using private multicast address 0.0.0.0');
      expect(await treeDigest(`${dir}/near`)).toEqual(src.digest);
    });
  },
  [realProgramsMissing],
);
