// The encryption set-ups of the issue, and the keys each party needs for them.
import type { KeyFile, ProxyTestLab } from './proxy-lab';

export interface Suite {
  name: string;
  /** uftp options that choose the suite (besides -k). */
  server: string[];
  /** Which kind of key everyone holds; undefined = unencrypted, no keys. */
  keys?: 'rsa' | 'ec';
}

export const PLAIN: Suite = { name: 'unencrypted', server: [] };
export const AES256_GCM: Suite = { name: 'aes256-gcm sha256', server: ['-Y', 'aes256-gcm', '-h', 'sha256'], keys: 'rsa' };
export const AES128_CBC_HMAC: Suite = {
  name: 'aes128-cbc sha256 hmac',
  server: ['-Y', 'aes128-cbc', '-h', 'sha256', '-w', 'hmac'],
  keys: 'rsa',
};
export const ECDH_ECDSA: Suite = {
  name: 'ecdh_ecdsa aes256-gcm with EC keys',
  server: ['-Y', 'aes256-gcm', '-h', 'sha256', '-e', 'ecdh_ecdsa'],
  keys: 'ec',
};
export const SUITES = [PLAIN, AES256_GCM, AES128_CBC_HMAC, ECDH_ECDSA];

export interface SuiteKeys {
  server: KeyFile;
  client: KeyFile;
  proxy: KeyFile;
}

const SPEC = { rsa: 'rsa:1024', ec: 'ec:prime256v1' };

/** Server, client and proxy keys of one kind, made once per lab. */
export async function makeKeys(t: ProxyTestLab, kind: 'rsa' | 'ec'): Promise<SuiteKeys> {
  const [server, client, proxy] = await Promise.all(['server', 'client', 'proxy'].map((who) => t.key(`${who}-${kind}`, SPEC[kind])));
  return { server, client, proxy };
}

/** The -k option of a party, or nothing for an unencrypted suite. */
export function keyArgs(suite: Suite, keys: Record<'rsa' | 'ec', SuiteKeys>, who: keyof SuiteKeys): string[] {
  return suite.keys ? ['-k', keys[suite.keys][who].file] : [];
}

/** RSA and EC key sets for a test file, made after its lab (register after useProxyLab). */
export function useSuiteKeys(lab: () => ProxyTestLab): () => Record<'rsa' | 'ec', SuiteKeys> {
  let keys: Record<'rsa' | 'ec', SuiteKeys> | undefined;
  beforeAll(async () => {
    keys = { rsa: await makeKeys(lab(), 'rsa'), ec: await makeKeys(lab(), 'ec') };
  });
  return () => {
    if (!keys) throw new Error('the suite keys were not made (see beforeAll)');
    return keys;
  };
}
