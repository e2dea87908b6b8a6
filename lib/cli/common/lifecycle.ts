// The life of a daemon program (uftpd, uftpproxyd): check the command line, then detach (no -d) or run in
// front; log to stderr or the -L file; -N; the -P pid file; SIGTERM/SIGINT stop it cleanly; SIGHUP reloads
// (reloader.ts: the log file reopened, list and key files read again) and never ends it. Exit statuses
// as the pages: 1 bad command line, 2 network set-up, 3 key data, 4 log file, 6 stopped by a signal (as
// the real daemons do); a detached start exits 0 once the daemon runs. Under a service manager that is
// no systemd (the Windows SCM: windows-service/), a Supervisor hears when the daemon runs and can stop it.
import { detach, isDaemonChild, onShutdownSignal, removePidFile, reportFailed, reportStarted, setNice, writePidFile } from './daemon';
import { failureOf, isStartupError } from './failure';
import { ERROR_PRIORITY, isJournalStream, withPriority } from './journal';
import { Hangup } from './hangup';
import { reloadDaemon } from './reloader';
import { Logger } from './log';
import { LogFileError } from './log-file';
import { SystemdNotifier } from './systemd-notifier';
import { ExitCode } from '../exit';

export interface LifecycleOptions {
  debug: boolean;
  logFile: string;
  logLevel: number;
  maxLogBytes?: number;
  maxLogCount: number;
  pidFile?: string;
  nice: number;
}

/** Things to undo at the end, last first. */
export type Cleanups = Array<() => void | Promise<void>>;

export interface DaemonProgram<S, D> {
  name: string;
  usage: string;
  versionLine: string;
  /** Everything that can fail on bad input, creating nothing: UsageError / KeyDataError. */
  prepare(argv: readonly string[]): Promise<S>;
  lifecycle(setup: S): LifecycleOptions;
  /** Opens what the daemon needs (keys, sockets), registers their cleanups, starts it. */
  start(setup: S, logger: Logger, cleanups: Cleanups): D | Promise<D>;
  /** A one-line summary of the running daemon (systemd's STATUS=). */
  status?(daemon: D): string;
  /** SIGHUP, after the log file is reopened: read the list and key files again (logs its own outcome). */
  reload?(): Promise<unknown>;
}

/** A service manager's side of the life cycle (windows-service/connection.ts). */
export interface Supervisor {
  /** Called once as the daemon starts, with the way to stop it as SIGTERM does; `why` ends the log ("Exiting on ..."). */
  onStop(stop: (why: string) => void): void;
  /** The daemon runs: sockets bound, keys loaded (where systemd hears READY=1). */
  ready(): void;
}

export interface ProgramIo<D> {
  stderr: (text: string) => void;
  /** The script to start again when detaching (the bin); default process.argv[1]. */
  script?: string;
  /** Called once the daemon runs, with a way to stop it (tests; signals do the same). */
  onRunning?: (stop: () => void, daemon: D) => void;
  /** Set when a service manager runs the program: it stays in front (no detaching) and logs to its file. */
  supervisor?: Supervisor;
}

export async function daemonMain<S, D>(argv: readonly string[], io: ProgramIo<D>, program: DaemonProgram<S, D>): Promise<number> {
  let setup: S;
  try {
    setup = await program.prepare(argv);
  } catch (err) {
    if (!isStartupError(err)) throw err;
    const failure = failureOf(err);
    errorOut(io.stderr, `${program.name}: ${failure.message}\n${failure.showUsage ? `${program.usage}\n` : ''}`);
    if (isDaemonChild()) await reportFailed(failure.message, failure.code);
    return failure.code;
  }
  const options = program.lifecycle(setup);
  if (!options.debug && !isDaemonChild() && io.supervisor === undefined) {
    const result = await detach({ script: io.script ?? process.argv[1], argv, logFile: options.logFile });
    if (result.message !== undefined) io.stderr(`${program.name}: ${result.message}\n`);
    return result.code;
  }
  try {
    return await run(setup, options, io, program);
  } catch (err) {
    const failure = failureOf(err);
    errorOut(io.stderr, `${program.name}: ${failure.message}\n`);
    await reportFailed(failure.message, failure.code);
    return failure.code;
  }
}

/** Runs the daemon until SIGTERM/SIGINT (or io.onRunning's stop); resolves to the exit status. */
async function run<S, D>(setup: S, options: LifecycleOptions, io: ProgramIo<D>, program: DaemonProgram<S, D>): Promise<number> {
  let logFailure: Error | undefined;
  // Signal handlers first: a SIGTERM that comes while starting (once the pid file is visible, say)
  // must not meet the default action, which kills without cleaning up.
  let stopNow: (why: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stopNow = resolve));
  const removeHandlers = onShutdownSignal((signal) => stopNow(`signal ${signal === 'SIGINT' ? 2 : 15}`));
  io.supervisor?.onStop((why) => stopNow(why));
  const hangup = new Hangup();
  const cleanups: Cleanups = [removeHandlers, () => hangup.remove()];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const stderr = { write: (t: string) => (io.stderr(t), true) } as NodeJS.WritableStream;
    const logger = new Logger({
      level: options.logLevel,
      to: options.debug ? { stream: stderr } : { file: options.logFile, maxBytes: options.maxLogBytes, maxCount: options.maxLogCount },
      onError: (err) => {
        logFailure ??= err;
        stopNow('log failure');
      },
      priorities: options.debug && isJournalStream(process.env.JOURNAL_STREAM),
    });
    cleanups.push(() => logger.close());
    logger.notice(program.versionLine);
    // Before start: the variables leave the environment before any child is started.
    const systemd = SystemdNotifier.fromEnv(process.env, (message) => logger.log(1, message));
    if (systemd) cleanups.push(() => systemd.close());
    if (options.nice !== 0) setNiceOrWarn(options.nice, logger);
    const daemon = await program.start(setup, logger, cleanups);
    const reload = (): Promise<void> => reloadDaemon(logger, () => program.reload?.());
    hangup.arm(() => (systemd ? systemd.reloading(reload) : reload()));
    if (options.pidFile !== undefined) {
      writePidFile(options.pidFile);
      cleanups.push(() => removePidFile(options.pidFile!));
    }
    io.onRunning?.(() => stopNow('request'), daemon);
    systemd?.ready(program.status && (() => program.status!(daemon)));
    io.supervisor?.ready();
    await reportStarted();
    const why = await stopped;
    systemd?.stopping(`Exiting on ${why}`);
    await hangup.disarm();
    if (logFailure !== undefined) throw new LogFileError(logFailure.message);
    logger.log(1, `Exiting on ${why}`);
    await cleanup();
    return why.startsWith('signal') ? ExitCode.INTERRUPTED : ExitCode.OK;
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

/** Why the program could not start; under the journal marked as an error, so `journalctl -p err` shows it. */
function errorOut(stderr: (text: string) => void, text: string): void {
  stderr(isJournalStream(process.env.JOURNAL_STREAM) ? withPriority(ERROR_PRIORITY, text) : text);
}

function setNiceOrWarn(nice: number, logger: Logger): void {
  try {
    setNice(nice);
  } catch (err) {
    logger.log(1, `Warning: cannot set priority ${nice}: ${(err as Error).message}`);
  }
}
