// The addon's reusable OpenSSL contexts (native/cipher_context.h): one per key, taking only a new IV
// (or, for HMAC, a restart) per message, where node:crypto builds and frees a context every time.
// Where the addon is missing or predates them, or UFTP_NATIVE_CRYPTO=0 is set, every lookup here
// answers undefined and callers use node:crypto instead: the same bytes, only slower.
// nativeCryptoStatus() says which of the two is in use and why.
import { loadAddon } from '../net/native';
import { AUTH_TAG_LEN } from './algorithms';

export interface NativeCipherContext {
  /** Decrypts `sealed` (ciphertext, then the tag for GCM/CCM) into `out`: bytes written, or -1 if it does not authenticate or unpad. */
  open(iv: Uint8Array, aad: Uint8Array | null, sealed: Uint8Array, out: Uint8Array): number;
  /**
   * open() over ranges of one array, in place: `data[sealedStart, sealedEnd)` (ciphertext, then the tag) is opened
   * with `data[aadStart, aadEnd)` as additional data (an empty range for none) and the plaintext written from
   * sealedStart; bytes written, or -1. RangeError for an index outside `data`, a range that ends before it starts,
   * or a non-empty AAD range overlapping the sealed one.
   */
  openRange(data: Uint8Array, aadStart: number, aadEnd: number, sealedStart: number, sealedEnd: number, iv: Uint8Array): number;
  /** Encrypts `plain` into `out` (ciphertext, then the tag for GCM/CCM): bytes written. */
  seal(iv: Uint8Array, aad: Uint8Array | null, plain: Uint8Array, out: Uint8Array): number;
  /** The room `out` needs for an input of this length. */
  outputLength(inputLength: number): number;
  /** Frees the OpenSSL context now rather than at garbage collection; later calls throw ERR_CONTEXT_CLOSED. */
  close(): void;
}

export interface NativeHmacContext {
  /** MAC length in bytes. */
  readonly size: number;
  /** MAC of `data` with bytes [zeroStart, zeroEnd) read as zeros, into `out`: bytes written. */
  digest(data: Uint8Array, out: Uint8Array, zeroStart?: number, zeroEnd?: number): number;
  /** The same MAC compared with `expected` in constant time. */
  verify(data: Uint8Array, expected: Uint8Array, zeroStart?: number, zeroEnd?: number): boolean;
  close(): void;
}

export interface NativeCryptoAddon {
  /** Throws TypeError for an unknown cipher, a key or tag of the wrong length. */
  CipherContext: new (name: string, key: Uint8Array, decrypt: boolean, tagLength?: number) => NativeCipherContext;
  HmacContext: new (hash: string, key: Uint8Array) => NativeHmacContext;
}

let addon: NativeCryptoAddon | undefined;
let status: string | undefined;

function load(): void {
  if (process.env.UFTP_NATIVE_CRYPTO === '0') {
    status = 'node:crypto (UFTP_NATIVE_CRYPTO=0)';
    return;
  }
  try {
    const found = loadAddon() as unknown as Partial<NativeCryptoAddon>;
    if (
      typeof found.CipherContext === 'function' &&
      typeof found.HmacContext === 'function' &&
      typeof found.CipherContext.prototype.openRange === 'function'
    ) {
      addon = found as NativeCryptoAddon;
      status = 'native OpenSSL contexts';
    } else {
      status = 'node:crypto (the addon has no CipherContext with openRange: rebuild it)';
    }
  } catch (err) {
    status = `node:crypto (addon not loaded: ${(err as Error).message.split('\n')[0]})`;
  }
}

/** The addon's crypto classes, or undefined when node:crypto must do. Looked up once. */
export function nativeCrypto(): NativeCryptoAddon | undefined {
  if (status === undefined) load();
  return addon;
}

/** Which implementation the per-packet crypto uses, and why. */
export function nativeCryptoStatus(): string {
  if (status === undefined) load();
  return status as string;
}

interface Cached<T> {
  bytes: Uint8Array;
  name: string;
  decrypt: boolean;
  ctx: T;
}

/** Contexts by key object; each remembers the key's bytes, so a key rewritten in place gets a new one. */
const cipherCache = new WeakMap<Uint8Array, Cached<NativeCipherContext>[]>();
const hmacCache = new WeakMap<Uint8Array, Cached<NativeHmacContext>[]>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The cache entry for this key, name and direction, made when missing; undefined when none can be made. */
function cached<T>(
  cache: WeakMap<Uint8Array, Cached<T>[]>,
  key: Uint8Array,
  name: string,
  decrypt: boolean,
  make: () => T,
): Cached<T> | undefined {
  let list = cache.get(key);
  if (list !== undefined) {
    for (const e of list) if (e.name === name && e.decrypt === decrypt && sameBytes(e.bytes, key)) return e;
  }
  let ctx: T;
  try {
    ctx = make();
  } catch {
    return undefined; // a cipher OpenSSL cannot fetch, a bad key: node:crypto gives the usual error
  }
  const entry = { bytes: Uint8Array.from(key), name, decrypt, ctx };
  list = (list ?? []).filter((e) => sameBytes(e.bytes, key));
  list.push(entry);
  cache.set(key, list);
  return entry;
}

/**
 * The last cipher context answered: a stream of packets under one key skips the WeakMap, and checks
 * the key's bytes as 32-bit words (every cipher key here is a multiple of 4 bytes long) against a copy.
 */
let last: Cached<NativeCipherContext> | undefined;
let lastKey: Uint8Array | undefined;
let lastView: DataView | undefined;
let lastWords = new Int32Array(0);

function sameAsLast(key: Uint8Array): boolean {
  const view = lastView as DataView;
  const words = lastWords;
  if (key.length !== words.length * 4) return false;
  for (let i = 0; i < words.length; i++) if (view.getInt32(i * 4, true) !== words[i]) return false;
  return true;
}

function remember(key: Uint8Array, entry: Cached<NativeCipherContext> | undefined): void {
  last = entry;
  lastKey = entry === undefined || key.length % 4 !== 0 ? undefined : key;
  if (lastKey === undefined) return;
  lastView = new DataView(key.buffer, key.byteOffset, key.length);
  lastWords = new Int32Array(key.length / 4);
  for (let i = 0; i < lastWords.length; i++) lastWords[i] = lastView.getInt32(i * 4, true);
}

/** A cached context for this cipher, key and direction (16-byte tags for GCM/CCM), or undefined. */
export function cipherContext(name: string, key: Uint8Array, decrypt: boolean): NativeCipherContext | undefined {
  const hot = last;
  if (key === lastKey && hot !== undefined && hot.name === name && hot.decrypt === decrypt && sameAsLast(key)) return hot.ctx;
  const a = nativeCrypto();
  if (a === undefined) return undefined;
  const entry = cached(cipherCache, key, name, decrypt, () => new a.CipherContext(name, key, decrypt, AUTH_TAG_LEN));
  remember(key, entry);
  return entry?.ctx;
}

/** A cached HMAC context for this hash and key, or undefined. */
export function hmacContext(hash: string, key: Uint8Array): NativeHmacContext | undefined {
  const a = nativeCrypto();
  if (a === undefined) return undefined;
  return cached(hmacCache, key, hash, false, () => new a.HmacContext(hash, key))?.ctx;
}
