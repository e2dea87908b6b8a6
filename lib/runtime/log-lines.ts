// The runners' way from a machine's `log` output to a LogSink. A flood of hostile datagrams must not turn into
// a flood of log lines (the disk and the operator's attention are what an attacker would then be spending):
// past a few lines per drop reason in a window, drop lines are counted instead, and the count is logged as one
// line when the next drop of that reason comes after the window, or when the runner stops.
import type { LogContext, LogSink } from './log-sink';

export interface LogOutput {
  level: number;
  message: string;
  groupId?: number;
  groupInst?: number;
  fileId?: number;
  drop?: string;
}

/** Drop lines let through per reason in each window. */
export const DROP_LINES_PER_WINDOW = 20;
export const DROP_WINDOW_MS = 10_000;

interface Window {
  start: number;
  shown: number;
  held: number;
  level: number;
}

export class LogLines {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly sink: LogSink,
    private readonly now: () => number = () => performance.now(),
  ) {}

  write(out: LogOutput): void {
    const ctx: LogContext | undefined =
      out.groupId === undefined ? undefined : { groupId: out.groupId, groupInst: out.groupInst, fileId: out.fileId };
    if (out.drop === undefined || this.admit(out.drop, out.level)) this.sink.log(out.level, out.message, ctx);
  }

  /** Logs what is still held back. */
  flush(): void {
    for (const [reason, w] of this.windows) this.summarize(reason, w);
    this.windows.clear();
  }

  private admit(reason: string, level: number): boolean {
    const at = this.now();
    let w = this.windows.get(reason);
    if (w && at - w.start >= DROP_WINDOW_MS) {
      this.summarize(reason, w);
      w = undefined;
    }
    if (!w) {
      w = { start: at, shown: 0, held: 0, level };
      this.windows.set(reason, w);
    }
    if (w.shown < DROP_LINES_PER_WINDOW) {
      w.shown++;
      return true;
    }
    w.held++;
    w.level = Math.min(w.level, level);
    return false;
  }

  private summarize(reason: string, w: Window): void {
    if (w.held === 0) return;
    const seconds = Math.max(1, Math.round((this.now() - w.start) / 1000));
    this.sink.log(w.level, `Dropped ${w.held} more datagrams (${reason}) in ${seconds} s without a line each`);
    w.held = 0;
  }
}
