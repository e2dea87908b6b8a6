// The restart file of uftp -f, read back by -F: "_group_{group ID}_restart" in the current directory, as
// the page names it. The real uftp dumps C structs into it; ours is its own format (not interchangeable
// with the real one's, which nothing requires): a magic first line, then JSON with the names as base64
// (names are bytes). It holds what the real one's holds, which is what the restart needs: the group ID
// and the instance of the failed session, the sources it walked (walked again in full: the real uftp
// resends every item, and each client answers COMPLETE at once for what it already has), and the
// clients that did not get everything, who make up the closed group of the restart. Ours adds the
// directory the sources were given in, so relative ones still name the same files from elsewhere.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListedHost } from '../../server/types';
import { parseFingerprint } from '../common/fingerprint';
import { UsageError } from '../exit';

export const RESTART_MAGIC = 'uftp-ts restart file 1';

export interface RestartData {
  groupId: number;
  /** The instance of the session that failed: the restart runs as instance groupInst + 1. */
  groupInst: number;
  /** The current directory of that session: relative sources are relative to it. */
  cwd: string;
  /** The sources that session walked (operands, -i lines, or the sources of the restart before it). */
  sources: Buffer[];
  /** The clients that did not get everything: the closed group of the restart. */
  clients: ListedHost[];
}

interface RestartJson {
  groupId: string;
  groupInst: number;
  cwd: string;
  sources: string[];
  /** name: as -H wrote it (the restart's log and status file name the host the same way). */
  clients: Array<{ id: string; fingerprint?: string; name?: string }>;
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

export function restartFileName(groupId: number): string {
  return `_group_${hex8(groupId)}_restart`;
}

function toJson(data: RestartData): RestartJson {
  return {
    groupId: hex8(data.groupId),
    groupInst: data.groupInst,
    cwd: data.cwd,
    sources: data.sources.map((b) => b.toString('base64')),
    clients: data.clients.map((c) => ({
      id: hex8(c.id),
      ...(c.fingerprint === undefined ? {} : { fingerprint: c.fingerprint }),
      ...(c.name === undefined ? {} : { name: c.name }),
    })),
  };
}

/**
 * Writes the restart file into `dir` (default: the current directory) and answers its path. Written
 * to a temporary name and renamed, so a crash leaves the old file or the new one, never half of one.
 */
export function writeRestartFile(data: RestartData, dir = '.'): string {
  const path = join(dir, restartFileName(data.groupId));
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${RESTART_MAGIC}\n${JSON.stringify(toJson(data), null, 1)}\n`, { flag: 'wx', mode: 0o644 });
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
  return path;
}

function base64List(value: unknown, field: string, bad: (why: string) => never): Buffer[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v))) bad(`${field} is not a list of base64 names`);
  return (value as string[]).map((v) => Buffer.from(v, 'base64'));
}

function hexId(value: unknown, field: string, bad: (why: string) => never): number {
  if (typeof value !== 'string' || !/^[0-9A-F]{8}$/i.test(value)) bad(`${field} is not 8 hex digits`);
  return parseInt(value as string, 16);
}

function clientList(value: unknown, bad: (why: string) => never, path: string): ListedHost[] {
  if (!Array.isArray(value)) bad('clients is not a list');
  return (value as unknown[]).map((c, i) => {
    const entry = c as { id?: unknown; fingerprint?: unknown; name?: unknown };
    if (typeof entry !== 'object' || entry === null) bad(`client ${i + 1} is not an object`);
    const host: ListedHost = { id: hexId(entry.id, `client ${i + 1}'s id`, bad) };
    if (host.id === 0 || host.id === 0xffffffff) bad(`client ${i + 1} has a reserved ID`);
    if (entry.fingerprint !== undefined) {
      if (typeof entry.fingerprint !== 'string') bad(`client ${i + 1}'s fingerprint is not a string`);
      host.fingerprint = parseFingerprint(`-F ${path}`, entry.fingerprint as string);
    }
    if (entry.name !== undefined) {
      if (typeof entry.name !== 'string' || entry.name === '' || entry.name.length > 255) bad(`client ${i + 1}'s name is not a short string`);
      host.name = entry.name as string;
    }
    return host;
  });
}

/** Reads a restart file written by writeRestartFile. Any problem is a UsageError (exit 1, as the real uftp). */
export function readRestartFile(path: string): RestartData {
  const bad = (why: string): never => {
    throw new UsageError(`-F: ${path}: ${why}`);
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    bad(`cannot read the restart file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const newline = text.indexOf('\n');
  if (newline < 0 || text.slice(0, newline) !== RESTART_MAGIC) bad(`not a restart file of this uftp (want a first line '${RESTART_MAGIC}'; the real uftp's restart files cannot be read)`);
  let json: Partial<RestartJson>;
  try {
    json = JSON.parse(text.slice(newline + 1)) as Partial<RestartJson>;
  } catch (err) {
    return bad(`damaged: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null) bad('damaged: not an object');
  const groupId = hexId(json.groupId, 'groupId', bad);
  const groupInst = json.groupInst;
  if (typeof groupInst !== 'number' || !Number.isInteger(groupInst) || groupInst < 0 || groupInst > 255) bad('groupInst is not 0-255');
  if (typeof json.cwd !== 'string' || !json.cwd.startsWith('/')) bad('cwd is not an absolute path');
  const data: RestartData = {
    groupId,
    groupInst: groupInst as number,
    cwd: json.cwd as string,
    sources: base64List(json.sources, 'sources', bad),
    clients: clientList(json.clients, bad, path),
  };
  if (data.sources.length === 0) bad('no sources to send');
  if (data.clients.length === 0) bad('no clients to send to');
  return data;
}
