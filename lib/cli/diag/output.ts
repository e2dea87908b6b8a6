// Output of uftp_diag: one JSON object per line with --json, readable text otherwise.
// Lines are collected and written in one write per batch: a listener printing 100k datagrams
// to a pipe must not make 100k write calls.

export interface DiagIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM: long-running subcommands stop and print their summary. */
  signal: AbortSignal;
}

export class LineWriter {
  private pending: string[] = [];
  private broken = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    readonly json: boolean,
  ) {
    // A reader that went away (`| head`) must not crash us with EPIPE.
    stream.on('error', () => {
      this.broken = true;
    });
  }

  /** Queues one record: `object` in JSON mode, the `text` line otherwise. */
  record(object: object, text: () => string): void {
    this.pending.push(this.json ? JSON.stringify(object) : text());
  }

  /** Queues a line shown only in human mode (JSON output stays records only). */
  note(text: string): void {
    if (!this.json) this.pending.push(text);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    if (!this.broken) this.stream.write(chunk);
  }
}

/** The error text printed for a failed syscall or setup step: the errno name always shows. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { code, syscall } = err as Error & { code?: unknown; syscall?: unknown };
  let text = err.message;
  if (typeof syscall === 'string' && !text.includes(syscall)) text = `${syscall}: ${text}`;
  if (typeof code === 'string' && !text.includes(code)) text += ` (${code})`;
  return text;
}
