// Relative paths as the addon takes them: bytes, '/'-separated. The caller has checked the names
// already; they are checked again here, so that the store never depends on it.
import { unsafe } from './errors';
import type { PathLike } from './types';

const SLASH = 0x2f;
const DOT = 0x2e;
const NUL = 0x00;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
// On Windows a backslash separates and a colon names a drive or a stream; on POSIX both are plain bytes.
const WINDOWS = process.platform === 'win32';

function asBuffer(rel: PathLike): Buffer {
  if (typeof rel === 'string') return Buffer.from(rel, 'utf8');
  return Buffer.isBuffer(rel) ? rel : Buffer.from(rel.buffer, rel.byteOffset, rel.byteLength);
}

function badComponent(part: Buffer): string | undefined {
  if (part.length === 0) return 'an empty component (absolute path, or doubled or trailing /)';
  if (part[0] === DOT && (part.length === 1 || (part.length === 2 && part[1] === DOT))) return `a '${part}' component`;
  if (part.includes(NUL)) return 'a NUL byte';
  if (WINDOWS && (part.includes(BACKSLASH) || part.includes(COLON))) return "a '\\' or ':' (Windows)";
  return undefined;
}

/** The components of a relative path; EUNSAFE for an empty path or a refused component. */
export function splitRel(rel: PathLike): Buffer[] {
  const bytes = asBuffer(rel);
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== SLASH) continue;
    parts.push(bytes.subarray(start, i));
    start = i + 1;
  }
  if (bytes.length === 0) throw unsafe(describe(bytes), 'an empty path');
  for (const part of parts) {
    const why = badComponent(part);
    if (why !== undefined) throw unsafe(describe(bytes), `refused, ${why}`);
  }
  return parts;
}

/** The path checked (EUNSAFE when refused), as bytes for the addon. */
export function relBytes(rel: PathLike): Buffer {
  splitRel(rel);
  return asBuffer(rel);
}

export function joinRel(parts: readonly Buffer[]): Buffer {
  const out: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(Buffer.from('/'));
    out.push(part);
  });
  return Buffer.concat(out);
}

/** rel + '/' + name, where rel is a checked path and name a single component (from a directory listing). */
export function child(rel: Buffer, name: Buffer): Buffer {
  return Buffer.concat([rel, Buffer.from('/'), name]);
}

/** The parent's path, or undefined for a top-level entry. */
export function parentOf(rel: Buffer): Buffer | undefined {
  const at = rel.lastIndexOf(SLASH);
  return at < 0 ? undefined : rel.subarray(0, at);
}

/** A path for messages (names that are not UTF-8 show replacement characters). */
export function describe(rel: PathLike): string {
  return JSON.stringify(typeof rel === 'string' ? rel : asBuffer(rel).toString('utf8'));
}
