// What the server says of each file and of the session: the "Transfer status" block of the log (as the real
// uftp prints it), the -S RESULT, FREESPACE, HSTATS and STATS lines, and the session's outcome and exit status.
import { CompletionStatus } from '../protocol';
import type { ClientRecord } from './clients';
import { slog } from './outgoing';
import type { Ctx, CurrentFile } from './state';
import { HSTATS_LINE, freeSpaceLine, resultLine, statsLine } from './status-lines';
import type { ClientResult, SessionOutcome } from './types';

type Counter = 'copies' | 'overwrites' | 'skips' | 'rejects';
interface Wording {
  text: string;
  result: 'copy' | 'overwritten' | 'skipped' | 'rejected';
  count: Counter;
}
/** Completions that moved the file's bytes, and so have a time and a speed. */
const COPIED: Partial<Record<number, Wording>> = {
  [CompletionStatus.NORMAL]: { text: 'Completed', result: 'copy', count: 'copies' },
  [CompletionStatus.OVERWRITE]: { text: 'Completed(overwritten)', result: 'overwritten', count: 'overwrites' },
};
/** Completions where the client kept what it had. */
const PASSED: Partial<Record<number, Wording>> = {
  [CompletionStatus.SKIPPED]: { text: 'Skipped', result: 'skipped', count: 'skips' },
  [CompletionStatus.REJECTED]: { text: 'Rejected', result: 'rejected', count: 'rejects' },
};

export function hostLine(name: string, text: string): string {
  return `Host: ${name.padEnd(15)}  Status: ${text}`;
}

/** Below -x 2 the real uftp's report is only this line, for each host that failed. */
export function briefHostLine(name: string, text: string): string {
  return `${name.padEnd(15)} ${text}`;
}

/**
 * The report of one file, and its status lines. Times count from the start of the file's transfer. The
 * status lines come first: with -S @LOG the real uftp has its RESULT lines before "Transfer status:".
 */
export function fileReport(ctx: Ctx, file: CurrentFile): void {
  const { state, config } = ctx;
  const statuses: string[] = [];
  const lines: Array<[number, string]> = [[2, 'Transfer status:']];
  const from = file.timedFrom ?? ctx.clock.now;
  let last = from;
  for (const c of state.clients.receivers()) {
    const outcome = c.files.get(file.fileId);
    if (!outcome) {
      const text = c.state === 'mute' ? 'Mute' : c.state === 'aborted' ? 'Aborted' : 'Lost connection';
      lines.push([2, hostLine(c.name, text)]);
      if ((config.logLevel ?? 2) < 2) lines.push([0, briefHostLine(c.name, text)]);
      statuses.push(resultLine(c.name, file.name, file.size, c.state === 'mute' ? 'mute' : c.state === 'aborted' ? 'aborted' : 'lost'));
      continue;
    }
    // A COMPLETE that came before the transfer started (an empty directory, a file the client kept) makes
    // a time of -0.000, as the real uftp prints it.
    const seconds = (outcome.at - from) / 1000;
    const speed = seconds > 0 ? file.size / seconds / 1024 : 0;
    const copied = COPIED[outcome.status];
    const passed = PASSED[outcome.status];
    if (copied) {
      lines.push([2, hostLine(c.name, `${copied.text}   time: ${seconds.toFixed(3).padStart(7)} seconds`)]);
      statuses.push(resultLine(c.name, file.name, file.size, copied.result, speed));
      c.stats[copied.count]++;
      c.stats.bytes += file.size;
      c.stats.seconds += seconds;
      last = Math.max(last, outcome.at);
    } else if (passed) {
      lines.push([2, hostLine(c.name, passed.text)]);
      statuses.push(resultLine(c.name, file.name, file.size, passed.result));
      c.stats[passed.count]++;
    } else {
      lines.push([2, hostLine(c.name, `Unknown completion status: ${outcome.status}`)]);
    }
    if (outcome.freeSpace !== undefined) {
      lines.push([2, `  Free space on host: ${outcome.freeSpace} bytes`]);
      statuses.push(freeSpaceLine(file.name, outcome.freeSpace));
    }
  }
  const elapsed = (last - from) / 1000;
  lines.push([2, `Total elapsed time: ${elapsed.toFixed(3)} seconds`]);
  lines.push([2, `Overall throughput: ${(elapsed > 0 ? file.size / elapsed / 1024 : 0).toFixed(2)} KB/s`]);
  if (config.statusFile) for (const line of statuses) ctx.out.push({ type: 'status', line });
  for (const [level, text] of lines) slog(ctx, level, text);
}

/** The session's STATS lines (only a session that reaches its end of group has them). */
export function sessionStats(ctx: Ctx): void {
  if (!ctx.config.statusFile) return;
  ctx.out.push({ type: 'status', line: HSTATS_LINE });
  for (const c of ctx.state.clients.receivers()) {
    const s = c.stats;
    ctx.out.push({ type: 'status', line: statsLine(c.name, s.copies, s.overwrites, s.skips, s.bytes, s.seconds) });
  }
}

function resultOf(c: ClientRecord, files: number): ClientResult {
  const got = [...c.files.values()].length;
  const status = c.state === 'done' && got >= files ? 'completed' : c.state === 'aborted' ? 'aborted' : c.registered ? 'lost' : 'never-registered';
  return {
    id: c.id, status, proxy: c.proxy, rtt: c.rttMeasured ? c.rtt : undefined,
    files: { copied: c.stats.copies, overwritten: c.stats.overwrites, skipped: c.stats.skips, rejected: c.stats.rejects }, bytes: c.stats.bytes,
  };
}

/** The outcome, with the exit status of the uftp page. */
export function outcome(ctx: Ctx): SessionOutcome {
  const { state } = ctx;
  const receivers = state.clients.receivers();
  const clients = receivers.map((c) => resultOf(c, state.items.length));
  const exitCode = state.exitCode ?? (state.filesSent ? 0 : 10);
  const failedItems = state.items.filter((i) => receivers.some((c) => !c.files.has(i.fileId) || c.files.get(i.fileId)!.status === CompletionStatus.REJECTED)).map((i) => i.item);
  return { exitCode, clients, dataBytes: state.dataBytes, elapsedMs: ctx.clock.now - state.startedAt, failedItems };
}
