// A child process whose output is kept and which can be stopped by pid, whole process group included.
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { LabProcess, SpawnOptions } from './types';

export interface StartOptions extends SpawnOptions {
  input?: string; // written to stdin, which is then closed
}

export type ExitStatus = { code: number | null; signal: string | null };

const TAIL = 2000;
const PIPE_GRACE_MS = 200;

function tail(text: string): string {
  return text.length > TAIL ? `...${text.slice(-TAIL)}` : text;
}

// Signals the process group (the command may have forked); only if there is no such group, the pid.
// Never both: a second SIGTERM would kill a program that handles the first one gracefully.
export function killTree(pid: number, signal: NodeJS.Signals | number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

export class TrackedProcess implements LabProcess {
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  readonly label: string;
  private out = '';
  private err = '';
  private status: ExitStatus | undefined;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();

  constructor(argv: string[], opts: StartOptions = {}) {
    this.label = argv.join(' ');
    // detached: its own process group, so stop() reaches anything it forks, and a Ctrl-C to jest does not.
    this.child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', (e) => {
        if (this.child.pid === undefined) reject(e); // never started: ENOENT and friends, with code and syscall
      });
      let grace: NodeJS.Timeout | undefined;
      const finish = (status: ExitStatus): void => {
        clearTimeout(grace);
        if (this.status) return;
        this.status = status;
        this.notify();
        resolve(status);
      };
      // 'close' comes after both pipes drained: when exited resolves, all output is in. But a child that
      // forked a daemon may leave the pipes open to it, so after 'exit' wait for 'close' only briefly.
      this.child.once('close', (code, signal) => finish({ code, signal }));
      this.child.once('exit', (code, signal) => {
        grace = setTimeout(() => {
          this.child.stdout?.destroy();
          this.child.stderr?.destroy();
          finish({ code, signal });
        }, PIPE_GRACE_MS);
      });
    });
    this.exited.catch(() => undefined); // a spawn failure surfaces through whoever awaits; not unhandled here
    this.pid = this.child.pid ?? -1;
    this.collect(this.child.stdout!, (s) => (this.out += s));
    this.collect(this.child.stderr!, (s) => (this.err += s));
    if (opts.input !== undefined) {
      this.child.stdin!.on('error', () => undefined); // the command may exit without reading it
      this.child.stdin!.end(opts.input);
    }
  }

  private collect(stream: NodeJS.ReadableStream, append: (s: string) => void): void {
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => {
      append(decoder.write(chunk));
      this.notify();
    });
    stream.on('end', () => append(decoder.end()));
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  get running(): boolean {
    return this.status === undefined && this.pid > 0;
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.err;
  }

  describe(): string {
    return `[pid ${this.pid}] ${this.label}\n--- stdout:\n${tail(this.out)}\n--- stderr:\n${tail(this.err)}`;
  }

  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      const check = (): void => {
        const match = this.out.match(pattern) ?? this.err.match(pattern);
        if (match) return finish(() => resolve(match));
        if (this.status) {
          const how = this.status.signal ? `signal ${this.status.signal}` : `code ${this.status.code}`;
          const e = new Error(`exited (${how}) before printing ${pattern}: ${this.describe()}`);
          finish(() => reject(e));
        }
      };
      const timer = setTimeout(() => {
        const e = Object.assign(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}: ${this.describe()}`), {
          code: 'ETIMEDOUT',
        });
        finish(() => reject(e));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
    if (!this.running) {
      await this.exited.catch(() => undefined);
      return;
    }
    killTree(this.pid, signal);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const outcome = await Promise.race([this.exited, graceOver]);
    clearTimeout(timer);
    if (outcome === 'late' && this.running) {
      killTree(this.pid, 'SIGKILL');
      await this.exited;
    }
  }
}

// Runs to the end; a timeout kills the process and rejects with its output so far.
export async function runToEnd(proc: TrackedProcess, timeoutMs: number): Promise<ExitStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const outcome = await Promise.race([proc.exited, timedOut]);
    if (outcome !== 'timeout') return outcome;
    await proc.stop('SIGKILL', 0);
    throw Object.assign(new Error(`timed out after ${timeoutMs} ms: ${proc.describe()}`), { code: 'ETIMEDOUT' });
  } finally {
    clearTimeout(timer);
  }
}
