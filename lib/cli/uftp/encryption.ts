// uftp's encryption set-up (-Y -h -w -e -c -k -K): the protocol numbers the server machine takes, the
// checks that need no key yet, and the loading of the key. With -Y none all of it is off, and -k / -K
// are not read (the page: "ignored if -Y is none"); their syntax was checked by options.ts anyway.
import type { KeyObject } from 'node:crypto';
import { assertCipherAvailable, readKeyFile, type CipherName, type HashName, type KeySpec } from '../../crypto';
import { HashType, KeyExchangeType, KeyType, SigType } from '../../protocol';
import type { EncryptionConfig, LoadedKey } from '../../server/types';
import { checkKeyOptions, loadKeys } from '../common/keys';
import { KeyDataError, UsageError } from '../exit';
import { CIPHER_OF, DEFAULT_ECDH_CURVE, defaultKeySpec, keyTypeFor, type KeyTypeName } from './crypto-options';
import type { UftpOptions } from './options';

/** EncryptionConfig without the key, plus where the key comes from. */
export interface UftpEncryption extends Omit<EncryptionConfig, 'key'> {
  cipher: CipherName;
  hash: HashName;
  /** The key's type, as -e requires it. */
  keyAlgorithm: 'rsa' | 'ec';
  /** -k. */
  keyFile?: string;
  /** The key to generate: -K, or the default when neither -k nor -K is given; undefined = read -k. */
  keySpec?: KeySpec;
}

const KEY_TYPE: Readonly<Record<Exclude<KeyTypeName, 'none'>, KeyType>> = {
  des: KeyType.DES,
  '3des': KeyType.DES3,
  'aes128-cbc': KeyType.AES128_CBC,
  'aes256-cbc': KeyType.AES256_CBC,
  'aes128-gcm': KeyType.AES128_GCM,
  'aes256-gcm': KeyType.AES256_GCM,
  'aes128-ccm': KeyType.AES128_CCM,
  'aes256-ccm': KeyType.AES256_CCM,
};

const HASH_TYPE: Readonly<Record<UftpOptions['hashType'], HashType>> = {
  sha1: HashType.SHA1,
  sha256: HashType.SHA256,
  sha384: HashType.SHA384,
  sha512: HashType.SHA512,
};

const KEYEX_TYPE: Readonly<Record<UftpOptions['keyExchange'], KeyExchangeType>> = {
  rsa: KeyExchangeType.RSA,
  ecdh_rsa: KeyExchangeType.ECDH_RSA,
  ecdh_ecdsa: KeyExchangeType.ECDH_ECDSA,
};

/** undefined with -Y none. UsageError for a cipher this Node's OpenSSL lacks (DES without the legacy provider). */
export function encryptionOf(o: UftpOptions): UftpEncryption | undefined {
  if (o.keyType === 'none') return undefined;
  const cipher = CIPHER_OF[o.keyType];
  try {
    assertCipherAvailable(cipher);
  } catch (err) {
    throw new UsageError(`-Y ${o.keyType}: ${(err as Error).message}`);
  }
  const authenticated = o.keyType.endsWith('-gcm') || o.keyType.endsWith('-ccm');
  const enc: UftpEncryption = {
    keyType: KEY_TYPE[o.keyType],
    hashType: HASH_TYPE[o.hashType],
    sigType: authenticated ? SigType.AUTHENC : o.sigType === 'keyex' ? SigType.KEYEX : SigType.HMAC,
    keyexType: KEYEX_TYPE[o.keyExchange],
    clientAuth: o.clientAuth,
    cipher,
    hash: o.hashType,
    keyAlgorithm: keyTypeFor(o.keyExchange),
  };
  if (o.keyExchange !== 'rsa') enc.curve = o.ecdhCurve ?? DEFAULT_ECDH_CURVE;
  if (o.keyFile !== undefined) enc.keyFile = o.keyFile;
  const spec = o.keySpec ?? (o.keyFile === undefined ? defaultKeySpec(o.keyExchange) : undefined);
  if (spec !== undefined) enc.keySpec = spec;
  return enc;
}

function wrongType(file: string, found: string, enc: UftpEncryption): KeyDataError {
  const want = enc.keyAlgorithm === 'ec' ? 'an EC key (-e ecdh_ecdsa)' : 'an RSA key (-e rsa or ecdh_rsa)';
  return new KeyDataError(`-k: ${file}: holds an ${found.toUpperCase()} key, but the server needs ${want}`);
}

/** What can be checked without generating: a file to read is a key of the right type, a file to write is free. */
export function checkServerKey(enc: UftpEncryption): void {
  if (enc.keyFile === undefined) return;
  if (enc.keySpec !== undefined) {
    checkKeyOptions([enc.keyFile], [enc.keySpec]);
    return;
  }
  let type: string;
  try {
    type = readKeyFile(enc.keyFile).type;
  } catch (err) {
    throw new KeyDataError(`-k: ${(err as Error).message}`);
  }
  if (type !== enc.keyAlgorithm) throw wrongType(enc.keyFile, type, enc);
}

/** Reads -k, or generates (and with -k writes) the key: KeyDataError (exit 3) on failure. */
export function loadServerKey(enc: UftpEncryption, generate?: (spec: KeySpec) => KeyObject): LoadedKey {
  const files = enc.keyFile === undefined ? [] : [enc.keyFile];
  const [key] = loadKeys(files, enc.keySpec === undefined ? [] : [enc.keySpec], generate);
  if (key.type !== enc.keyAlgorithm) throw wrongType(enc.keyFile ?? '-K', key.type, enc);
  return key;
}
