// Running as a daemon. Node cannot fork, so without -d the program starts itself again, detached
// (a new session, stdin/stdout closed, stderr into the log file) with DAEMON_ENV set, and waits
// on an IPC channel until the copy says it started (exit 0) or failed (its message and status).
// Also: the -P pid file, -N nice value, and SIGTERM/SIGINT handling for a clean shutdown.
import { spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { ExitCode } from '../exit';

/** Set in the environment of the detached copy. */
export const DAEMON_ENV = 'UFTP_TS_DAEMON_CHILD';

type ChildReport = { type: 'started' } | { type: 'failed'; message: string; code: number };

export interface DetachOptions {
  /** The JS file to run again (process.argv[1] for a bin). */
  script: string;
  argv: readonly string[];
  /** The copy's stderr goes here, so whatever it prints on a crash ends up in the log. */
  logFile: string;
  /** How long the copy may take to start before the parent gives up. */
  startTimeoutMs?: number;
}

export interface DetachResult {
  code: number;
  /** Why the copy did not start, to print on the terminal. */
  message?: string;
  pid?: number;
}

export function isDaemonChild(): boolean {
  return process.env[DAEMON_ENV] === '1' && typeof process.send === 'function';
}

/** Parent side: starts the detached copy and resolves once it has started or failed. */
export function detach(options: DetachOptions): Promise<DetachResult> {
  let errFd: number;
  try {
    errFd = openSync(options.logFile, 'a', 0o644);
  } catch (err) {
    return Promise.resolve({ code: ExitCode.LOG, message: `cannot open log file ${options.logFile}: ${(err as Error).message}` });
  }
  const child = spawn(process.execPath, [...process.execArgv, options.script, ...options.argv], {
    detached: true,
    stdio: ['ignore', 'ignore', errFd, 'ipc'],
    env: { ...process.env, [DAEMON_ENV]: '1' },
  });
  closeSync(errFd);
  return new Promise((resolve) => {
    const finish = (result: DetachResult): void => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      finish({ code: 1, message: `the daemon did not start within ${options.startTimeoutMs ?? 30000} ms` });
    }, options.startTimeoutMs ?? 30000);
    child.on('message', (report: ChildReport) => {
      if (report.type === 'started') finish({ code: 0, pid: child.pid });
      else finish({ code: report.code, message: report.message });
    });
    child.on('error', (err) => finish({ code: 1, message: `cannot start the daemon: ${err.message}` }));
    child.on('exit', (code, signal) =>
      finish({ code: code || 1, message: `the daemon exited before it started (${signal ?? `status ${code}`})` }),
    );
  });
}

/** Child side: tells the waiting parent and lets go of the channel. A no-op when not detached. */
export function reportStarted(): Promise<void> {
  return report({ type: 'started' });
}

export function reportFailed(message: string, code: number): Promise<void> {
  return report({ type: 'failed', message, code });
}

function report(message: ChildReport): Promise<void> {
  if (!isDaemonChild()) return Promise.resolve();
  return new Promise((resolve) => {
    process.send!(message, undefined, {}, () => {
      process.disconnect?.();
      resolve();
    });
  });
}

export function writePidFile(path: string): void {
  writeFileSync(path, `${process.pid}\n`);
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}

/** -N: the nice value of this process. */
export function setNice(value: number): void {
  setPriority(0, value);
}

/** Calls `handler` once on the first SIGTERM or SIGINT; returns a function that removes the handlers. */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  let fired = false;
  const listener = (signal: NodeJS.Signals): void => {
    if (fired) return;
    fired = true;
    handler(signal);
  };
  for (const s of signals) process.on(s, listener);
  return () => {
    for (const s of signals) process.off(s, listener);
  };
}
