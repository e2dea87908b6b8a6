// uftp: the server, run once over its file list. Exit statuses as the real uftp 4.10.2 gives them
// (docs/server-notes.md §2): 1 bad command line, 2 network set-up, 3 key data, 4 log file, 6 interrupted
// during a file, 7 nobody registered, 8 nobody acknowledged a file, 9 everyone lost or aborted during a
// file, 10 nothing delivered; a signal while announcing ends as 7 or 8, at the group's end as 0. Log lines go bare to stderr (with -T stamped, with -L to the file); on a
// terminal a progress line sits under them.
import { runSession, SessionSocketError } from '../../api/session';
import type { UdpSocket } from '../../net';
import { CongestionControl } from '../../protocol';
import type { CcConfig, ServerConfig, SessionOutcome } from '../../server/types';
import { bufferReports } from '../common/buffers';
import { failureOf, isStartupError } from '../common/failure';
import { describeLoadedKey } from '../common/keys';
import { Logger } from '../common/log';
import { LogFileError } from '../common/log-file';
import { NetworkError } from '../common/socket';
import { openStatusFile, type StatusSink } from '../common/status-file';
import { onShutdownSignal } from '../common/daemon';
import { ExitCode } from '../exit';
import { dataPacketBytes } from '../../server/packet-size';
import { addressLine, ctime, rateLines } from './banner';
import { parseUftpArgs } from './options';
import { ProgressDisplay, type Terminal } from './progress-display';
import { writeRestartFile } from './restart-file';
import { walkSendList } from '../../api/file-list';
import { loadUftpKey, prepareUftp, restartDataOf, type UftpSetup } from './setup';
import { PROGRAM, USAGE, VERSION_LINE, infoRequest } from './usage';
import { MANUAL } from './manual';
import { renderManual } from '../common/manual';

export interface UftpIo {
  /** Where the log goes without -L, and error messages; a terminal gets the progress line too. */
  stderr: Terminal;
  stdout?: (text: string) => void;
  /** Stops the session as SIGINT would (tests); signals do the same. */
  signal?: AbortSignal;
}

export async function main(argv: readonly string[], io: UftpIo): Promise<number> {
  const info = infoRequest(argv);
  if (info !== undefined) {
    (io.stdout ?? ((t: string) => process.stdout.write(t)))(`${info === 'help' ? renderManual(MANUAL) : `${VERSION_LINE}\n`}`);
    return 0;
  }
  let setup: UftpSetup;
  try {
    setup = await prepareUftp(parseUftpArgs(argv));
  } catch (err) {
    if (!isStartupError(err) && !(err instanceof LogFileError)) throw err;
    const failure = failureOf(err);
    io.stderr.write(`${PROGRAM}: ${failure.message}\n${failure.showUsage ? `${USAGE}\n` : ''}`);
    return failure.code;
  }
  const display = setup.options.logFile === undefined && io.stderr.isTTY ? new ProgressDisplay(io.stderr) : undefined;
  let logger: Logger;
  try {
    logger = openLogger(setup, display ? display.logStream() : io.stderr);
  } catch (err) {
    io.stderr.write(`${PROGRAM}: ${(err as Error).message}\n`);
    return ExitCode.LOG;
  }
  try {
    return await run(setup, logger, io, display);
  } catch (err) {
    const failure = failureOf(err instanceof SessionSocketError ? new NetworkError(err.message) : err);
    logger.log(0, failure.message);
    return failure.code;
  } finally {
    display?.end();
    await logger.close();
  }
}

function openLogger(setup: UftpSetup, stream: { write(text: string): unknown }): Logger {
  const o = setup.options;
  return new Logger({
    level: o.logLevel,
    timestamps: o.timestamps,
    to: o.logFile === undefined
      ? { stream: stream as NodeJS.WritableStream }
      : { file: o.logFile, maxBytes: o.maxLogBytes, maxCount: o.maxLogCount },
  });
}

function ccOf(setup: UftpSetup): CcConfig {
  const cc = setup.cc;
  return cc.type === 'none' ? { type: CongestionControl.NONE } : { ...cc, type: CongestionControl.TFMCC };
}

function configOf(setup: UftpSetup, key: ReturnType<typeof loadUftpKey>, statusFile: boolean): ServerConfig {
  const o = setup.options;
  return {
    uid: setup.uid, port: o.port, publicAddr: setup.publicAddress, privateAddr: setup.privateAddress, blockSize: o.blockSize,
    rateKbps: o.rateKbps, robust: o.robust, grtt: setup.grtt, maxNakPct: o.maxNakPct, maxNakCount: o.maxNakCount,
    maxPasses: o.maxPasses, txWeightPct: o.txWeightPct, quitOnError: o.quitOnError, syncMode: o.syncMode,
    syncPreview: o.syncPreview, cc: ccOf(setup), clients: setup.clients, proxies: setup.proxies, groupId: setup.groupId,
    groupInst: setup.groupInst, statusFile, logLevel: o.logLevel, maxClients: o.maxClients,
    encryption: setup.encryption && key ? { ...setup.encryption, key } : undefined,
  };
}

async function run(setup: UftpSetup, logger: Logger, io: UftpIo, display?: ProgressDisplay): Promise<number> {
  const o = setup.options;
  // With -T every line of the session carries its group, as the real uftp's do ("[29B34E74/00:0]: ").
  const group = { groupId: setup.groupId, groupInst: setup.groupInst };
  const say = (level: number, text: string): void => logger.log(level, text, group);
  // As the real uftp: an empty line first (without -T), and none of this below -x 2.
  if (!o.timestamps) say(2, '');
  say(2, VERSION_LINE);
  if (!o.timestamps) say(2, `Starting at ${ctime(new Date())}`);
  const key = loadUftpKey(setup);
  if (key) say(0, describeLoadedKey(key));
  for (const line of setup.warnings) say(0, line);
  const config = configOf(setup, key, setup.statusFile !== undefined);
  for (const line of rateLines(setup, dataPacketBytes(config))) say(2, line);
  say(2, addressLine(setup));

  let status: StatusSink | undefined;
  if (setup.statusFile) {
    const target = setup.statusFile.kind === 'log' ? '@LOG' : setup.statusFile.path;
    status = openStatusFile(target, (line) => logger.bare(0, line));
  }
  const abort = new AbortController();
  const removeHandlers = onShutdownSignal((signal) => {
    say(0, `Got signal ${signal === 'SIGINT' ? 2 : 15}, aborting`);
    abort.abort();
  });
  const onRequest = (): void => abort.abort();
  io.signal?.addEventListener('abort', onRequest, { once: true });
  const items = walkSendList(setup.sendList, say);
  let outcome: SessionOutcome;
  try {
    outcome = await runSession({
      config, family: setup.family, sourcePort: o.sourcePort,
      bufferSize: o.bufferSize, dscp: o.dscp, ttl: o.ttl, egress: setup.interface, items, log: logger,
      onStatus: status ? (line) => status!.write(line) : undefined,
      onProgress: display ? (p) => display.update(p) : undefined,
      signal: abort.signal,
      onSocket: (socket) => reportBuffers(socket, o.bufferSize, say),
    });
  } finally {
    removeHandlers();
    io.signal?.removeEventListener('abort', onRequest);
    await items.return(undefined);
    status?.close();
  }
  writeRestart(setup, outcome, say);
  if (!o.timestamps) say(2, `${PROGRAM}: Finishing at ${ctime(new Date())}`);
  return outcome.exitCode;
}

type Say = (level: number, text: string) => void;

function reportBuffers(socket: UdpSocket, requested: number, say: Say): void {
  const reported = { receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() };
  for (const r of bufferReports(requested, reported)) say(r.level, r.message);
}

/** -f: the clients that did not get everything, for a later -F. */
function writeRestart(setup: UftpSetup, outcome: SessionOutcome, say: Say): void {
  if (!setup.restartDir) return;
  const failed = outcome.clients.filter((c) => c.status !== 'completed' && c.proxy === undefined).map((c) => c.id);
  if (failed.length === 0) return;
  try {
    const path = writeRestartFile(restartDataOf(setup, failed), setup.restartDir);
    say(3, `Wrote restart file ${path}`); // the real uftp says nothing here
  } catch (err) {
    say(0, `Failed to write restart file: ${(err as Error).message}`);
  }
}
