// The -F status file's lines, as the real uftpd writes them (local time, IDs as 8 upper-case hex digits):
//   CONNECT;2026/12/04-10:11:12;0A0B0C01;1F2E3D4C;198.18.0.1;server.example
//   RESULT;2026/12/04-10:11:15;0A0B0C01;1F2E3D4C;dir/file.bin;1234KB;copied
import { CompletionStatus } from '../protocol';
import type { ClientOutput } from './types';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** yyyy/mm/dd-hh:mm:ss in local time. */
export function statusTime(wallMs: number): string {
  const d = new Date(wallMs);
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}-${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function connectLine(wallMs: number, serverId: number, groupId: number, serverIp: string, serverName: string): string {
  return `CONNECT;${statusTime(wallMs)};${hex8(serverId)};${hex8(groupId)};${serverIp};${serverName}`;
}

const RESULT_WORD: Record<number, string> = {
  [CompletionStatus.NORMAL]: 'copied',
  [CompletionStatus.SKIPPED]: 'skipped',
  [CompletionStatus.OVERWRITE]: 'overwritten',
  [CompletionStatus.REJECTED]: 'rejected',
};

/** `size` in bytes; the line gives whole kilobytes, rounded down. */
export function resultLine(wallMs: number, serverId: number, groupId: number, name: string, size: number, status: number): string {
  const kb = Math.floor(size / 1024);
  return `RESULT;${statusTime(wallMs)};${hex8(serverId)};${hex8(groupId)};${name};${kb}KB;${RESULT_WORD[status] ?? 'unknown'}`;
}

/** The outcome of a file, whether or not there is a -F file: what the daemon's status summary says last. */
export function fileDoneOutput(session: { serverId: number; groupId: number }, name: string, size: number, status: number): ClientOutput {
  return { type: 'fileDone', serverId: session.serverId, groupId: session.groupId, name, size, status };
}
