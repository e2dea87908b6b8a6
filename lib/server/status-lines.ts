// The -S status file's lines, as the real uftp prints them:
//   CONNECT;success;0x0A0B0C0D
//   RESULT;0x0A0B0C0D;dir/file.bin;1234KB;copy;5678.90KB/s
//   HSTATS;target;copy;overwrite;skip;totalMB;time;speedKB/s
//   STATS;0x0A0B0C0D;3;0;1;12MB;4.321;2845.11KB/s

export function connectLine(success: boolean, target: string): string {
  return `CONNECT;${success ? 'success' : 'failed'};${target}`;
}

/** `word`: copy, overwritten, skipped, rejected, lost, aborted, mute; speed (KB/s) only for data that moved. */
export function resultLine(target: string, name: string, size: number, word: string, speedKBs?: number): string {
  return `RESULT;${target};${name};${Math.floor(size / 1024)}KB;${word};${speedKBs === undefined ? '' : `${speedKBs.toFixed(2)}KB/s`}`;
}

export function freeSpaceLine(name: string, bytes: bigint): string {
  return `FREESPACE;${name};${bytes}`;
}

export const HSTATS_LINE = 'HSTATS;target;copy;overwrite;skip;totalMB;time;speedKB/s';

export function statsLine(target: string, copies: number, overwrites: number, skips: number, bytes: number, seconds: number): string {
  const speed = seconds > 0 ? bytes / seconds / 1024 : 0;
  return `STATS;${target};${copies};${overwrites};${skips};${Math.floor(bytes / 1048576)}MB;${seconds.toFixed(3)};${speed.toFixed(2)}KB/s`;
}
