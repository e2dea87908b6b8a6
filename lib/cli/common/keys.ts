// -k / -K of uftpd and uftpproxyd, as their pages describe them: -k alone reads the files, -K alone
// generates keys that are not kept, both generate and write each new key to its file (never over an
// existing one), neither generates one RSA-512 key. A malformed -K item is a UsageError (exit 1, as
// the real programs); key data that cannot be read, written or made is a KeyDataError (exit 3).
import { existsSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { canonicalCurveName, describeKey, fingerprint, generateKey, readKeyFile, writeKeyFile, type KeyInfo, type KeySpec } from '../../crypto';
import type { LoadedKey } from '../../session/types';
import { KeyDataError, UsageError } from '../exit';
import { splitList } from './addresses';
import { parseInteger, RANGES } from './numbers';

const DEFAULT_KEY: KeySpec = { type: 'rsa', bits: 512 };

export function parseCurve(opt: string, name: string): string {
  const curve = canonicalCurveName(name);
  if (curve === undefined) throw new UsageError(`-${opt}: invalid EC curve '${name}'`);
  return curve;
}

/** -K items: "rsa:BITS" (512-2048) or "ec:CURVE", checked before anything starts. */
export function parseKeySpecs(opt: string, text: string): KeySpec[] {
  return splitList(opt, text).map((item) => {
    const m = /^(rsa|ec):(.+)$/.exec(item);
    if (m === null) throw new UsageError(`-${opt}: invalid key specification '${item}': want rsa:key_length or ec:curve`);
    if (m[1] === 'ec') return { type: 'ec', curve: parseCurve(opt, m[2]) };
    return { type: 'rsa', bits: parseInteger(opt, 'RSA key size', m[2], RANGES.rsaBits) };
  });
}

function asLoadedKey(info: KeyInfo): LoadedKey {
  return { ...info, fingerprint: fingerprint(info.key) };
}

/** Any failure (unreadable, not a key, refused to write) becomes a KeyDataError naming the option. */
function keyData<T>(opt: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw new KeyDataError(`-${opt}: ${(err as Error).message}`);
  }
}

function specText(spec: KeySpec): string {
  return spec.type === 'rsa' ? `rsa:${spec.bits}` : `ec:${spec.curve}`;
}

/** What can be checked without creating anything: the files to read are keys, the files to write are free. */
export function checkKeyOptions(keyFiles: string[], keySpecs: KeySpec[]): void {
  if (keySpecs.length === 0) {
    for (const file of keyFiles) keyData('k', () => readKeyFile(file));
    return;
  }
  for (const file of keyFiles) {
    if (existsSync(file)) throw new KeyDataError(`-k: ${file}: key file already exists, will not overwrite it`);
  }
}

/** Reads or generates the keys, in -k / -K order; `generate` is the crypto layer's (tests put a failing one). */
export function loadKeys(keyFiles: string[], keySpecs: KeySpec[], generate: (spec: KeySpec) => KeyObject = generateKey): LoadedKey[] {
  if (keySpecs.length === 0 && keyFiles.length > 0) return keyFiles.map((file) => asLoadedKey(keyData('k', () => readKeyFile(file))));
  const specs = keySpecs.length > 0 ? keySpecs : [DEFAULT_KEY];
  return specs.map((spec, i) => {
    const key = keyData('K', () => {
      try {
        return generate(spec);
      } catch (err) {
        throw new Error(`cannot generate a ${specText(spec)} key: ${(err as Error).message}`);
      }
    });
    const file = keyFiles[i];
    if (file !== undefined) keyData('k', () => writeKeyFile(file, key));
    return asLoadedKey(describeKey(key));
  });
}

/** The line the real programs log for each key. */
export function describeLoadedKey(key: LoadedKey): string {
  const what = key.type === 'rsa' ? `${key.bits} bit RSA key with` : `ECDSA key with curve ${key.curve} and`;
  return `Loaded ${what} fingerprint ${key.fingerprint}`;
}
