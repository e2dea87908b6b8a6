// Where a runner's log lines go: the programs' logger (lib/cli/common/log.ts), or a program's own callback.

/** A session's place in a log line: group ID, instance, file ID. */
export interface LogContext {
  groupId: number;
  groupInst?: number;
  fileId?: number;
}

export interface LogSink {
  log(level: number, text: string, ctx?: LogContext): void;
}
