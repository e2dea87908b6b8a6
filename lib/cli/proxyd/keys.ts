// The proxy's private keys from -k / -K, as the page describes: -k alone reads the files, -K alone
// generates keys that are not kept, both generate and write each new key to its file (never over an
// existing one), neither generates one RSA-512 key.
import { existsSync } from 'node:fs';
import { describeKey, fingerprint, generateKey, KeyFileError, readKeyFile, writeKeyFile, type KeyInfo, type KeySpec } from '../../crypto';
import type { ProxyKey } from '../../proxy/types';
import { UsageError } from '../exit';

const DEFAULT_KEY: KeySpec = { type: 'rsa', bits: 512 };

function asProxyKey(info: KeyInfo): ProxyKey {
  return { ...info, fingerprint: fingerprint(info.key) };
}

function read(file: string): ProxyKey {
  try {
    return asProxyKey(readKeyFile(file));
  } catch (err) {
    if (err instanceof KeyFileError) throw new UsageError(`-k: ${err.message}`);
    throw err;
  }
}

/** What can be checked without creating anything: the files to read are keys, the files to write are free. */
export function checkKeyOptions(keyFiles: string[], keySpecs: KeySpec[]): void {
  if (keySpecs.length === 0) {
    for (const file of keyFiles) read(file);
    return;
  }
  for (const file of keyFiles) {
    if (existsSync(file)) throw new UsageError(`-k: ${file}: key file already exists, will not overwrite it`);
  }
}

export function loadKeys(keyFiles: string[], keySpecs: KeySpec[]): ProxyKey[] {
  if (keySpecs.length === 0 && keyFiles.length > 0) return keyFiles.map(read);
  const specs = keySpecs.length > 0 ? keySpecs : [DEFAULT_KEY];
  return specs.map((spec, i) => {
    const key = generateKey(spec);
    if (keyFiles[i] !== undefined) {
      try {
        writeKeyFile(keyFiles[i], key);
      } catch (err) {
        if (err instanceof KeyFileError) throw new UsageError(`-k: ${err.message}`);
        throw err;
      }
    }
    return asProxyKey(describeKey(key));
  });
}

/** The line the real proxy logs for each key. */
export function describeLoadedKey(key: ProxyKey): string {
  const what = key.type === 'rsa' ? `${key.bits} bit RSA key with` : `ECDSA key with curve ${key.curve} and`;
  return `Loaded ${what} fingerprint ${key.fingerprint}`;
}
