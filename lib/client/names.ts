// Where an incoming file goes, decided from its name alone: nothing in a name may lead outside the
// destination (or temp) directory. Refusals carry the line the client logs; the file is then answered
// with COMPLETE(rejected). The file store checks every path again, on the file system, as it goes.
import type { Place } from './types';

/** Longest name accepted: the real client's path buffer (300 bytes) holds no more. */
export const MAX_NAME_BYTES = 1024;
const MAX_COMPONENT_BYTES = 255;

export type Destination = { ok: true; place: Place; destIndex: number; display: string } | { ok: false; why: string };

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

function components(name: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i === name.length || name[i] === SLASH) {
      parts.push(name.subarray(start, i));
      start = i + 1;
    }
  }
  return parts;
}

/** Why a relative name is unsafe, or undefined. Empty components ("a//b", a trailing '/') are refused too. */
function unsafeRelative(name: Buffer): string | undefined {
  if (name.length === 0) return 'blank file name';
  if (name.includes(0)) return 'filename contains a NUL byte';
  if (name.includes(BACKSLASH)) return 'filename contains a backslash';
  if (name.length > MAX_NAME_BYTES) return 'max pathname length exceeded';
  for (const part of components(name)) {
    if (part.length === 0) return 'filename has an empty path element';
    if (part.length === 2 && part[0] === 0x2e && part[1] === 0x2e) return 'filename contains ..';
    if (part.length === 1 && part[0] === 0x2e) return 'filename contains a . path element';
    if (part.length > MAX_COMPONENT_BYTES) return 'path element too long';
  }
  return undefined;
}

export interface NamingConfig {
  destDirs: readonly string[];
  tempDir?: string;
}

/** The session directory in the temp directory: `_group_<ID>` as the real client names it. */
export function sessionDirName(groupId: number): string {
  return `_group_${(groupId >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * Where `name` goes. A relative name goes under the first -D (or the session's temp directory with -T);
 * an absolute one must lie under one of the -D directories (refused with -T, and refused when it names the
 * directory itself).
 */
export function destinationOf(name: Buffer, groupId: number, config: NamingConfig): Destination {
  if (name.length > 0 && name[0] === SLASH) {
    if (config.tempDir !== undefined) return { ok: false, why: 'Rejecting file with absolute pathname: temp directory is in use' };
    for (let i = 0; i < config.destDirs.length; i++) {
      const dir = Buffer.from(config.destDirs[i].replace(/\/+$/, ''));
      if (name.equals(dir) || (name.length === dir.length + 1 && name.subarray(0, dir.length).equals(dir) && name[dir.length] === SLASH)) {
        return { ok: false, why: "Rejecting file with absolute pathname: can't have the same name as a dest directory" };
      }
      if (name.length > dir.length + 1 && name.subarray(0, dir.length).equals(dir) && name[dir.length] === SLASH) {
        const rel = name.subarray(dir.length + 1);
        const why = unsafeRelative(rel);
        if (why) return { ok: false, why: `Rejecting FILEINFO from server: ${why}` };
        return { ok: true, place: { root: { kind: 'dest', index: i }, path: Buffer.from(rel) }, destIndex: i, display: name.toString() };
      }
    }
    return { ok: false, why: "Rejecting file with absolute pathname: doesn't match any dest directory" };
  }
  const why = unsafeRelative(name);
  if (why) return { ok: false, why: `Rejecting FILEINFO from server: ${why}` };
  if (config.tempDir !== undefined) {
    const path = Buffer.concat([Buffer.from(`${sessionDirName(groupId)}/`), name]);
    return { ok: true, place: { root: { kind: 'temp' }, path }, destIndex: 0, display: `${config.tempDir}/${path.toString()}` };
  }
  const dest = config.destDirs[0].replace(/\/+$/, '');
  return { ok: true, place: { root: { kind: 'dest', index: 0 }, path: Buffer.from(name) }, destIndex: 0, display: `${dest}/${name.toString()}` };
}

/** -t: the temp file a file is received into, beside its final name. */
export function tempFileName(path: Buffer, groupId: number, fileId: number): Buffer {
  const hex = (n: number, w: number): string => (n >>> 0).toString(16).toUpperCase().padStart(w, '0');
  return Buffer.concat([path, Buffer.from(`.~uftp-${hex(groupId, 8)}-${hex(fileId, 4)}`)]);
}
