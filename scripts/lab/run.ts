// Running a command to its end: the lab's exec() and its own iproute2 set-up.
import { TrackedProcess, runToEnd } from './process';
import type { ExecOptions, ExecResult } from './types';

export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

export interface RunOptions extends ExecOptions {
  track?: (proc: TrackedProcess) => () => void; // registers a running process; returns its unregister
}

export async function run(argv: string[], opts: RunOptions = {}): Promise<ExecResult> {
  const proc = new TrackedProcess(argv, opts);
  const untrack = opts.track?.(proc);
  try {
    const { code, signal } = await runToEnd(proc, opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS);
    return { code, signal, stdout: proc.stdout(), stderr: proc.stderr() };
  } finally {
    untrack?.();
  }
}

// For commands that must work: anything but exit code 0 is an Error naming the command and its stderr.
export async function runChecked(argv: string[], opts: RunOptions = {}): Promise<string> {
  const result = await run(argv, opts);
  if (result.code === 0) return result.stdout;
  const how = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
  const input = opts.input ? `\n--- input:\n${opts.input}` : '';
  throw Object.assign(new Error(`${argv.join(' ')} failed (${how}): ${result.stderr.trim()}${input}`), {
    code: 'ERR_LAB_COMMAND',
    exitCode: result.code,
    stderr: result.stderr,
  });
}
