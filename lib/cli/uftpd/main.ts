// uftpd: the client machine run by the shared daemon life cycle (lib/cli/common/lifecycle.ts). Exit
// statuses as uftpd(1): 1 bad command line, 2 network set-up, 3 key data, 4 log file, 6 stopped by a
// signal; a detached start exits 0 once the daemon runs. On Windows it also runs as a service
// (--install-service, --remove-service, --service: ../common/windows-service/).
import { DirRoot, FileStoreError, beneathResolver } from '../../files';
import { createClient } from '../../client';
import type { ClientConfig, ClientMachine } from '../../client/types';
import type { Family, UdpSocket } from '../../net';
import { bufferReports } from '../common/buffers';
import { describeLoadedKey } from '../common/keys';
import { daemonMain, type Cleanups, type ProgramIo } from '../common/lifecycle';
import type { Logger } from '../common/log';
import { NetworkError, dscpLogLine, openUdpSocketWithGrant } from '../common/socket';
import { watchOverflow } from '../common/overflow';
import { withMetrics } from '../common/metrics/program';
import { takeMetricsOption } from '../common/metrics/option';
import { serviceMain } from '../common/windows-service/commands';
import { UsageError } from '../exit';
import { ClientDaemon } from './daemon';
import { WindowPool } from '../../client/window-pool';
import { WriteBacklog } from './write-backlog';
import { FileExecutor, type FileRoots } from './file-executor';
import { HostNames } from './host-names';
import { OPTSTRING, parseUftpdArgs } from './options';
import { loadUftpdKeys, prepareUftpd, type UftpdSetup } from './setup';
import { openStatusFile } from '../common/status-file';
import { PROGRAM, USAGE, VERSION_LINE, infoRequest } from './usage';
import { MANUAL } from './manual';
import { renderManual } from '../common/manual';
import { uftpdReloader } from './reload';
import { rehearse } from './rehearsal';
import { createServer } from '../../server';

export interface UftpdIo extends ProgramIo<ClientDaemon> {
  stdout?: (text: string) => void;
  /** The client machine; default lib/client's. */
  createMachine?: (config: ClientConfig) => ClientMachine;
}

export async function main(argv: readonly string[], io: UftpdIo): Promise<number> {
  const info = infoRequest(argv);
  if (info !== undefined) {
    (io.stdout ?? ((t: string) => process.stdout.write(t)))(`${info === 'help' ? renderManual(MANUAL) : `${VERSION_LINE}\n`}`);
    return 0;
  }
  const service = await serviceMain(argv, io, {
    name: PROGRAM, usage: USAGE, optstring: OPTSTRING,
    check: (args) => parseUftpdArgs(takeMetricsOption(args, OPTSTRING).argv),
  }, (args, serviceIo) => runDaemon(args, { ...io, ...serviceIo }));
  return service ?? runDaemon(argv, io);
}

function runDaemon(argv: readonly string[], io: UftpdIo): Promise<number> {
  let reload: (() => Promise<unknown>) | undefined;
  return daemonMain(argv, io, withMetrics({
    name: PROGRAM,
    usage: USAGE,
    versionLine: VERSION_LINE,
    prepare: (args) => prepareUftpd(parseUftpdArgs(args)),
    lifecycle: (setup) => setup.options,
    start: (setup, logger, cleanups) => {
      const started = start(setup, logger, cleanups, io);
      reload = started.reload;
      return started.daemon;
    },
    status: (daemon) => daemon.statusLine(),
    reload: async () => reload?.(),
  }, OPTSTRING));
}

/** The families to listen on: those of the public groups and of the peers we send to unasked. */
function familiesOf(setup: UftpdSetup): Family[] {
  const families = new Set<Family>(setup.families);
  for (const peer of [...setup.heartbeats, ...(setup.responseProxy ? [setup.responseProxy] : [])]) families.add(peer.address.includes(':') ? 6 : 4);
  return [...families];
}

function openRoots(setup: UftpdSetup, cleanups: Cleanups): FileRoots {
  const open = (opt: string, dir: string): DirRoot => {
    try {
      const root = DirRoot.open(dir);
      cleanups.push(() => root.close());
      return root;
    } catch (err) {
      throw new UsageError(`-${opt}: ${dir}: ${err instanceof FileStoreError ? err.message : String(err)}`);
    }
  };
  const { options } = setup;
  return {
    dest: options.destDirs.map((d) => open('D', d)),
    temp: options.tempDir === undefined ? undefined : open('T', options.tempDir),
    backup: options.backupDirs.map((d) => open('A', d)),
  };
}

function start(setup: UftpdSetup, logger: Logger, cleanups: Cleanups, io: UftpdIo): { daemon: ClientDaemon; reload: () => Promise<unknown> } {
  const { options } = setup;
  const keys = loadUftpdKeys(setup);
  for (const key of keys) logger.notice(describeLoadedKey(key));
  const roots = openRoots(setup, cleanups);
  logger.log(3, `Paths beneath -D/-T/-A resolved with ${beneathResolver()}`);
  const baseConfig: ClientConfig = {
    uid: setup.uid, publicGroups: setup.publicGroups, destDirs: options.destDirs, tempDir: options.tempDir,
    backupDirs: options.backupDirs, tempFiles: options.tempFiles, moveIndividually: options.moveIndividually,
    encryptedOnly: options.encryptedOnly, serverList: setup.serverList, responseProxy: setup.responseProxy,
    heartbeats: setup.heartbeats, heartbeatIntervalSec: options.heartbeatIntervalSec, keys, cacheSize: options.cacheSize,
    postReceive: setup.postReceiveScript !== undefined, statusFile: false, maxSessions: options.maxSessions,
  };
  // Before the port is bound: a bound port means ready to receive at full speed (for the lab, too).
  if (io.createMachine === undefined) rehearseReceivePath(baseConfig, logger);
  const sockets: UdpSocket[] = [];
  const grants = [];
  for (const family of familiesOf(setup)) {
    const opened = openUdpSocketWithGrant({ family, port: options.port, bufferSize: options.bufferSize, dscp: options.dscp, ttl: 1, reuseAddr: false });
    const socket = opened.socket;
    cleanups.push(() => socket.close());
    sockets.push(socket);
    grants.push({ socket, grant: opened.receiveGrant });
    const reported = { receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() };
    for (const r of bufferReports(options.bufferSize, reported, undefined, opened.receiveGrant.forced)) logger.log(r.level, r.message);
    const dscpLine = dscpLogLine(options.dscp, socket.dscpMarking());
    if (dscpLine) logger.log(dscpLine.level, dscpLine.message);
  }
  if (sockets.length === 0) throw new NetworkError('no address family to listen on');
  // -F @LOG: the status lines go into the log bare (no timestamp), as the real uftpd writes them.
  const status = setup.statusFile === undefined
    ? undefined
    : openStatusFile(setup.statusFile.kind === 'log' ? '@LOG' : setup.statusFile.path, (line) => logger.bare(0, line));
  const names = options.skipNameLookup ? undefined : new HostNames();
  const windows = new WindowPool();
  const config: ClientConfig = {
    ...baseConfig, statusFile: status !== undefined, hostName: names ? (address) => names.name(address) : undefined, windows,
  };
  logger.log(2, `Listening on port ${options.port} as ${(setup.uid >>> 0).toString(16).toUpperCase().padStart(8, '0')}${setup.uidSource ? ` (from ${setup.uidSource})` : ''}`);
  let daemon: ClientDaemon | undefined;
  const backlog = new WriteBacklog((on) => {
    for (const socket of sockets) socket.holdReceiving(on);
    logger.log(3, on ? `Receiving held: ${Math.round(backlog.inFlight / 1048576)} MiB of writes pending` : 'Receiving again');
  });
  const files = new FileExecutor(roots, (result) => daemon?.fileResult(result), { backlog, windows });
  daemon = new ClientDaemon({
    machine: (io.createMachine ?? createClient)(config), sockets, logger, interfaces: setup.interfaces, files, status,
    postReceive: setup.postReceiveScript,
  });
  const running = daemon;
  cleanups.push(() => running.stop());
  running.start();
  watchOverflow(grants, options.bufferSize, (level, message) => logger.log(level, message), cleanups);
  const reloader = uftpdReloader(setup, { serverList: setup.serverList, keys }, (next) => running.reconfigure(next));
  return { daemon: running, reload: () => reloader.reloadAndLog(logger) };
}

/** Warms the receive path up before the first real session (rehearsal.ts says why). */
function rehearseReceivePath(config: ClientConfig, logger: Logger): void {
  if (process.env.UFTP_TS_NO_REHEARSAL === '1') return;
  const started = performance.now();
  const r = rehearse(config, { createClient, createServer });
  const ms = Math.round(performance.now() - started);
  logger.log(r.completed ? 3 : 1, `${r.completed ? '' : 'Warning: '}Rehearsed the receive path in memory: ${r.sessions} sessions, ${r.bytes / 1048576} MiB in ${ms} ms${r.completed ? '' : ', not all completed'}`);
}
