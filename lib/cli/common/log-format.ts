// The log line of the UFTP 4.10.2 programs:
//   "2026/11/22 00:39:37.545992: [1FF48C08/00:0001]: Received FILEINFO_ACK from 0xC6120105"
// local time with microseconds, then (for session messages) group ID / group instance : file ID,
// the file ID printed as "0" when there is none and as 4 hex digits otherwise.

import type { LogContext } from '../../runtime/log-sink';

export type { LogContext } from '../../runtime/log-sink';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

/** `wallMs` may carry a fraction: the microseconds come from it. */
export function formatTimestamp(wallMs: number): string {
  const totalMicros = Math.round(wallMs * 1000);
  const d = new Date(Math.floor(totalMicros / 1000));
  const micros = totalMicros % 1_000_000;
  const date = `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micros, 6)}`;
}

export function formatContext(ctx: LogContext): string {
  const file = ctx.fileId ? hex(ctx.fileId, 4) : '0';
  return `[${hex(ctx.groupId >>> 0, 8)}/${hex(ctx.groupInst ?? 0, 2)}:${file}]: `;
}

export function formatLogLine(wallMs: number, text: string, ctx?: LogContext): string {
  return `${formatTimestamp(wallMs)}: ${ctx === undefined ? '' : formatContext(ctx)}${text}\n`;
}

/** Wall-clock milliseconds with a sub-millisecond fraction. */
export function preciseWallMs(): number {
  return performance.timeOrigin + performance.now();
}
