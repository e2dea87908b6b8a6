// uftp's encryption keywords: -Y, -h, -w, -e and -K, as the page spells them (lower case only, as the
// real uftp: "-Y AES128-CBC" is "Invalid keytype"). -K's meaning depends on -e: a bit length for the
// RSA schemes, a curve for ecdh_ecdsa.
import type { CipherName, HashName, KeySpec } from '../../crypto';
import { parseCurve } from '../common/keys';
import { parseInteger, RANGES } from '../common/numbers';
import { UsageError } from '../exit';

export const KEY_TYPES = ['none', 'des', '3des', 'aes128-cbc', 'aes256-cbc', 'aes128-gcm', 'aes256-gcm', 'aes128-ccm', 'aes256-ccm'] as const;
export type KeyTypeName = (typeof KEY_TYPES)[number];

/** -Y keyword to the OpenSSL name lib/crypto uses. */
export const CIPHER_OF: Readonly<Record<Exclude<KeyTypeName, 'none'>, CipherName>> = {
  des: 'des-cbc',
  '3des': 'des-ede3-cbc',
  'aes128-cbc': 'aes-128-cbc',
  'aes256-cbc': 'aes-256-cbc',
  'aes128-gcm': 'aes-128-gcm',
  'aes256-gcm': 'aes-256-gcm',
  'aes128-ccm': 'aes-128-ccm',
  'aes256-ccm': 'aes-256-ccm',
};

/** md5 is a UFTP hash number but not a -h value: the real uftp refuses it. */
export const HASH_TYPES = ['sha1', 'sha256', 'sha384', 'sha512'] as const satisfies readonly HashName[];
export type HashTypeName = (typeof HASH_TYPES)[number];

export const SIG_TYPES = ['hmac', 'keyex'] as const;
export type SigTypeName = (typeof SIG_TYPES)[number];

export const KEY_EXCHANGES = ['rsa', 'ecdh_rsa', 'ecdh_ecdsa'] as const;
export type KeyExchangeName = (typeof KEY_EXCHANGES)[number];

export const DEFAULT_ECDH_CURVE = 'prime256v1';

export function keyword<T extends string>(opt: string, what: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`-${opt}: invalid ${what} '${text}': want ${allowed.join(', ')}`);
  return text as T;
}

/** -e keyextype[:curve]; a curve only with the ECDH schemes (the real uftp ignores "rsa:curve"). */
export function parseKeyExchange(text: string): { keyExchange: KeyExchangeName; curve?: string } {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const keyExchange = keyword('e', 'key exchange type', name, KEY_EXCHANGES);
  if (colon < 0) return { keyExchange };
  if (keyExchange === 'rsa') throw new UsageError(`-e: '${text}': a curve goes only with ecdh_rsa or ecdh_ecdsa`);
  const curve = text.slice(colon + 1);
  if (curve === '') throw new UsageError(`-e: '${text}': empty curve name`);
  return { keyExchange, curve: parseCurve('e', curve) };
}

/** -K read as -e says: an RSA key length (512-2048) for rsa and ecdh_rsa, a curve for ecdh_ecdsa. */
export function parseServerKeySpec(text: string, keyExchange: KeyExchangeName): KeySpec {
  if (keyExchange === 'ecdh_ecdsa') return { type: 'ec', curve: parseCurve('K', text) };
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`-K: invalid RSA key length '${text}': with -e ${keyExchange}, -K is a key length in bits (a curve needs -e ecdh_ecdsa)`);
  return { type: 'rsa', bits: parseInteger('K', 'RSA key length', text, RANGES.rsaBits) };
}

/** The key the server signs with: RSA for rsa and ecdh_rsa, EC for ecdh_ecdsa. */
export function keyTypeFor(keyExchange: KeyExchangeName): 'rsa' | 'ec' {
  return keyExchange === 'ecdh_ecdsa' ? 'ec' : 'rsa';
}

/** What neither -k nor -K gives: RSA-512, or an EC key on prime256v1 (the page's defaults). */
export function defaultKeySpec(keyExchange: KeyExchangeName): KeySpec {
  return keyExchange === 'ecdh_ecdsa' ? { type: 'ec', curve: DEFAULT_ECDH_CURVE } : { type: 'rsa', bits: 512 };
}
