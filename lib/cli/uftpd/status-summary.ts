// uftpd's one-line summary for systemd's STATUS= (systemctl status shows it):
//   "2 sessions active; 5 files so far; last: received dir/x.bin (256 KB) from 0x0A000001 at 2026/12/04-10:11:15"
import { CompletionStatus } from '../../protocol';
import { statusTime } from '../../client/status-lines';
import { hexId } from '../../session/drop';

export interface FileOutcome {
  name: string;
  size: number;
  /** CompletionStatus */
  status: number;
  serverId: number;
  wallMs: number;
}

export interface ClientSummary {
  sessions: number;
  /** Files done with (received, skipped or rejected) since start. */
  files: number;
  last?: FileOutcome;
}

const OUTCOME: Record<number, string> = {
  [CompletionStatus.NORMAL]: 'received',
  [CompletionStatus.OVERWRITE]: 'received (overwrote)',
  [CompletionStatus.SKIPPED]: 'skipped',
  [CompletionStatus.REJECTED]: 'rejected',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function clientStatusLine(summary: ClientSummary): string {
  const parts = [`${plural(summary.sessions, 'session')} active`];
  const last = summary.last;
  if (last === undefined) {
    parts.push('no file yet');
  } else {
    parts.push(`${plural(summary.files, 'file')} so far`);
    const what = OUTCOME[last.status] ?? `finished (status ${last.status})`;
    parts.push(`last: ${what} ${last.name} (${Math.floor(last.size / 1024)} KB) from ${hexId(last.serverId)} at ${statusTime(last.wallMs)}`);
  }
  return parts.join('; ');
}
