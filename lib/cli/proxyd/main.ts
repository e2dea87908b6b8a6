// uftpproxyd: parse and check the command line, then either detach (no -d) or run in front.
// Exit statuses as uftpproxyd(1): 1 bad command line, 2 network set-up, 4 log file, 6 stopped by a
// signal (as the real proxy does); a detached start exits 0 once the daemon runs. Key files that cannot
// be read or written exit 1 here, as a bad -k (the real proxy exits 3, key data).
import { createProxy } from '../../proxy';
import type { ProxyConfig, ProxyMachine } from '../../proxy/types';
import { detach, isDaemonChild, onShutdownSignal, removePidFile, reportFailed, reportStarted, setNice, writePidFile } from '../common/daemon';
import { Logger } from '../common/log';
import { LogFileError } from '../common/log-file';
import { NetworkError, openUdpSocket } from '../common/socket';
import { ExitCode, UsageError } from '../exit';
import { bufferReports } from '../common/buffers';
import { ProxyDaemon } from './daemon';
import { describeLoadedKey } from './keys';
import { parseProxydArgs } from './options';
import { loadProxyKeys, prepare, type ProxydSetup } from './setup';
import { PROGRAM, USAGE } from './usage';

export const VERSION_LINE = 'uftp-ts uftpproxyd, UFTP version 4.10.2 compatible';

export interface ProxydIo {
  stderr: (text: string) => void;
  /** The script to start again when detaching (the bin); default process.argv[1]. */
  script?: string;
  /** The proxy machine; default lib/proxy's. Tests put a small one here. */
  createMachine?: (config: ProxyConfig) => ProxyMachine;
  /** Called once the daemon runs, with a way to stop it (tests; signals do the same). */
  onRunning?: (stop: () => void, daemon: ProxyDaemon) => void;
}

/** What an error ends the program with: the message to print and the exit status. */
function failureOf(err: unknown): { message: string; code: number } {
  const message = (err as Error).message;
  if (err instanceof UsageError) return { message, code: ExitCode.USAGE };
  if (err instanceof NetworkError) return { message, code: ExitCode.NETWORK };
  if (err instanceof LogFileError) return { message, code: ExitCode.LOG };
  return { message: (err as Error).stack ?? message, code: ExitCode.INTERNAL };
}

export async function main(argv: readonly string[], io: ProxydIo): Promise<number> {
  let setup: ProxydSetup;
  try {
    setup = await prepare(parseProxydArgs(argv));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`${PROGRAM}: ${err.message}\n${USAGE}\n`);
    if (isDaemonChild()) await reportFailed(err.message, ExitCode.USAGE);
    return ExitCode.USAGE;
  }
  if (!setup.options.debug && !isDaemonChild()) {
    const result = await detach({ script: io.script ?? process.argv[1], argv, logFile: setup.options.logFile });
    if (result.message !== undefined) io.stderr(`${PROGRAM}: ${result.message}\n`);
    return result.code;
  }
  try {
    return await run(setup, io);
  } catch (err) {
    const failure = failureOf(err);
    io.stderr(`${PROGRAM}: ${failure.message}\n`);
    await reportFailed(failure.message, failure.code);
    return failure.code;
  }
}

/** Runs the daemon until SIGTERM/SIGINT (or io.onRunning's stop); resolves to the exit status. */
async function run(setup: ProxydSetup, io: ProxydIo): Promise<number> {
  const { options } = setup;
  let logFailure: Error | undefined;
  // Signal handlers first: a SIGTERM that comes while starting (once the pid file is visible, say)
  // must not meet the default action, which kills without cleaning up.
  let stopNow: (why: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stopNow = resolve));
  const removeHandlers = onShutdownSignal((signal) => stopNow(`signal ${signal === 'SIGINT' ? 2 : 15}`));
  const cleanups: Array<() => void | Promise<void>> = [removeHandlers];
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
    });
    cleanups.push(() => logger.close());
    logger.log(0, VERSION_LINE);
    if (options.nice !== 0) setNiceOrWarn(options.nice, logger);
    const { config, keys } = loadProxyKeys(setup);
    for (const key of keys) logger.log(0, describeLoadedKey(key));
    const { port, bufferSize, dscp, ttl } = options;
    const socket = openUdpSocket({ family: setup.family, port, bufferSize, dscp, ttl, egress: setup.egress });
    cleanups.push(() => socket.close());
    const reported = { receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() };
    for (const r of bufferReports(bufferSize, reported)) logger.log(r.level, r.message);
    if (options.pidFile !== undefined) {
      writePidFile(options.pidFile);
      cleanups.push(() => removePidFile(options.pidFile!));
    }
    const daemon = new ProxyDaemon({ machine: (io.createMachine ?? createProxy)(config), socket, logger, interfaces: setup.interfaces });
    cleanups.push(() => daemon.stop());
    daemon.start();
    io.onRunning?.(() => stopNow('request'), daemon);
    await reportStarted();
    const why = await stopped;
    if (logFailure !== undefined) throw new LogFileError(logFailure.message);
    logger.log(1, why.startsWith('signal') ? `Exiting on ${why}` : 'Exiting on request');
    await cleanup();
    return why.startsWith('signal') ? ExitCode.INTERRUPTED : ExitCode.OK;
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

function setNiceOrWarn(nice: number, logger: Logger): void {
  try {
    setNice(nice);
  } catch (err) {
    logger.log(1, `Warning: cannot set priority ${nice}: ${(err as Error).message}`);
  }
}
