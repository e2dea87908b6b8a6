// From checked options to what the server runs with: addresses resolved and drawn, the interface and
// unique ID, the closed group and proxies read, the sources of the file list gathered (operands, -i list
// or -F restart file), -X read, -S / -L / -f paths checked, the encryption settings and the key checked.
// Nothing is sent and no key is generated: everything that can fail on bad input fails here, as
// UsageError (exit 1), LogFileError (exit 4, a bad -L, as the real uftp) or KeyDataError (exit 3).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { KeySpec } from '../../crypto';
import { interfaces as listInterfaces, type NetInterface } from '../../net';
import { DEFAULT_MAX_CLIENTS } from '../../server/admission';
import type { ListedHost, LoadedKey } from '../../server/types';
import { LogFileError } from '../common/log-file';
import { checkWritableDir, checkWritableFile } from '../common/paths';
import { UsageError } from '../exit';
import { checkServerKey, encryptionOf, loadServerKey, type UftpEncryption } from './encryption';
import { readClosedGroup, readProxyList } from './host-lists';
import { readExcludeLists, readFileList, readStdin } from './name-lists';
import { resolveNetwork, type UftpNetwork } from './network';
import { STATUS_TO_LOG, type UftpOptions } from './options';
import type { DrawPart } from './private-address';
import type { CongestionOption, Grtt } from './rates';
import { readRestartFile, type RestartData } from './restart-file';
import type { SendListOptions } from '../../api/file-list';

/** The network part (network.ts: -M, -P, -I, -U resolved) and the rest of what the server runs with. */
export interface UftpSetup extends Omit<UftpNetwork, 'warnings'> {
  options: UftpOptions;
  /** A new random group ID, or the restart file's. */
  groupId: number;
  /** 0, or with -F the failed session's instance + 1. */
  groupInst: number;
  /** undefined with -Y none; the key is loaded by loadUftpKey. */
  encryption?: UftpEncryption;
  cc: CongestionOption;
  /** Seconds. init may lie outside [min, max] when -r gave init alone (as the real uftp allows). */
  grtt: Grtt;
  /** The closed group: -H (ids, names, @files) or the restart file's failed clients; undefined = open group. */
  clients?: ListedHost[];
  /** -j. */
  proxies?: ListedHost[];
  /** What the file list walker (send-list.ts) walks, with -E / -D / -o / -X / -l. */
  sendList: SendListOptions;
  /** -S: status lines into a file, or into the log. */
  statusFile?: { kind: 'log' } | { kind: 'file'; path: string };
  /**
   * -F: the restart file read. Its sources are walked again in full and its clients are the closed group;
   * as the real uftp, every item is offered again (ServerConfig.restartFiles stays undefined): a client
   * answers COMPLETE at once for what it got before, and resumes a partial file.
   */
  restart?: { path: string; data: RestartData };
  /** -f: the directory the restart file goes into (the current one, checked writable). */
  restartDir?: string;
  /** Lines for the log once it is open: options that have no effect as given. */
  warnings: string[];
}

/** What tests replace: stdin for -i -, the draw of -P's 'x' parts. */
export interface UftpSetupIo {
  readStdin?: () => Promise<Buffer>;
  draw?: DrawPart;
}

function newGroupId(): number {
  for (;;) {
    const id = randomBytes(4).readUInt32BE(0);
    if (id !== 0) return id;
  }
}

/** The sources of the file list, and a warning when operands are left aside (the real uftp warns too). */
async function gatherSources(o: UftpOptions, restart: RestartData | undefined, io: UftpSetupIo, warnings: string[]): Promise<Buffer[]> {
  const ignored = o.files.length > 0 ? `ignoring the ${o.files.length} path(s) given on the command line` : undefined;
  if (restart !== undefined) {
    if (ignored) warnings.push(`Warning: ${ignored}: the restart file names the files`);
    return restart.sources;
  }
  if (o.fileList !== undefined) {
    if (ignored) warnings.push(`Warning: ${ignored}: -i names the files`);
    return readFileList(o.fileList, io.readStdin ?? readStdin);
  }
  return o.files.map((f) => Buffer.from(f));
}

function sendListOf(o: UftpOptions, sources: Buffer[], cwd: string): SendListOptions {
  const list: SendListOptions = {
    sources,
    baseDirs: o.baseDirs.map((b) => Buffer.from(resolve(cwd, b))),
    destAsDir: o.destAsDir,
    excludes: readExcludeLists(o.excludeFiles),
    followLinks: o.followLinks,
    cwd,
  };
  if (o.destName !== undefined) list.destName = Buffer.from(o.destName);
  return list;
}

/** -S, -L and -f: checked, nothing created. */
function checkPaths(o: UftpOptions, setup: UftpSetup, cwd: string): void {
  if (o.statusFile === STATUS_TO_LOG) setup.statusFile = { kind: 'log' };
  else if (o.statusFile !== undefined) {
    checkWritableFile('S', 'status file', o.statusFile);
    setup.statusFile = { kind: 'file', path: o.statusFile };
  }
  if (o.logFile !== undefined) {
    try {
      checkWritableFile('L', 'log file', o.logFile);
    } catch (err) {
      throw new LogFileError((err as Error).message);
    }
  }
  // The real uftp finds out at the end of a failed session that it cannot write the restart file.
  if (o.restartable) {
    checkWritableDir('f', 'current directory (for the restart file)', cwd);
    setup.restartDir = cwd;
  }
}

/** -H (or -F's clients) and -j together name at most --max-clients hosts: the real uftp stops at 100 000 too. */
function checkDestinationCount(setup: UftpSetup): void {
  const limit = setup.options.maxClients ?? DEFAULT_MAX_CLIENTS;
  const ids = new Set([...(setup.clients ?? []), ...(setup.proxies ?? [])].map((h) => h.id));
  if (ids.size > limit) throw new UsageError(`Exceeded maximum destination count: ${ids.size} clients and proxies listed, at most ${limit} (--max-clients)`);
}

function fingerprintWarnings(setup: UftpSetup): void {
  const listed = [...(setup.clients ?? []), ...(setup.proxies ?? [])];
  if (!listed.some((h) => h.fingerprint !== undefined)) return;
  if (setup.encryption === undefined) setup.warnings.push('Warning: key fingerprints of listed clients and proxies are not checked: -Y is none');
  else if (!setup.encryption.clientAuth) setup.warnings.push('Warning: key fingerprints of listed clients and proxies are not checked without -c');
}

export async function prepareUftp(options: UftpOptions, all: NetInterface[] = listInterfaces(), io: UftpSetupIo = {}): Promise<UftpSetup> {
  const cwd = process.cwd();
  const net = await resolveNetwork(options, all, io.draw);
  const restartData = options.restartFile === undefined ? undefined : readRestartFile(options.restartFile);
  const setup: UftpSetup = {
    options,
    family: net.family,
    publicAddress: net.publicAddress,
    unicast: net.unicast,
    privateAddress: net.privateAddress,
    uid: net.uid,
    groupId: restartData?.groupId ?? newGroupId(),
    groupInst: restartData === undefined ? 0 : restartData.groupInst + 1,
    cc: options.cc,
    grtt: options.grtt,
    sendList: sendListOf(options, [], cwd),
    warnings: net.warnings,
  };
  if (net.interface !== undefined) setup.interface = net.interface;
  if (net.sourceAddress !== undefined) setup.sourceAddress = net.sourceAddress;
  if (net.uidSource !== undefined) setup.uidSource = net.uidSource;
  if (restartData !== undefined) {
    if (setup.groupInst > 255) throw new UsageError(`-F ${options.restartFile}: group instance 255 reached: no more restarts of group ${restartData.groupId.toString(16)}`);
    setup.restart = { path: options.restartFile!, data: restartData };
    setup.clients = restartData.clients;
    setup.sendList.cwd = restartData.cwd;
  } else if (options.hosts.length > 0 || options.hostListFiles.length > 0) {
    setup.clients = await readClosedGroup(options.hosts, options.hostListFiles);
  }
  if (options.proxyListFile !== undefined) {
    setup.proxies = await readProxyList(options.proxyListFile);
    if (setup.clients === undefined) setup.warnings.push('Warning: -j without -H: an open group takes any client, proxies are not needed for that');
  }
  checkDestinationCount(setup);
  setup.sendList.sources = await gatherSources(options, restartData, io, setup.warnings);
  checkPaths(options, setup, cwd);
  const encryption = encryptionOf(options);
  if (encryption !== undefined) setup.encryption = encryption;
  fingerprintWarnings(setup);
  // Last, as the real uftp: a bad command line is reported before a bad key file.
  if (encryption !== undefined) checkServerKey(encryption);
  return setup;
}

/**
 * The restart file's content after a session in which the clients `failedIds` did not get everything
 * (lost, aborted, never answered; the real uftp lists all of them, in an open group too): this session's
 * group and instance and sources, and those clients with the fingerprints the closed group gave them.
 */
export function restartDataOf(setup: UftpSetup, failedIds: number[]): RestartData {
  const known = new Map((setup.clients ?? []).map((c) => [c.id, c]));
  return {
    groupId: setup.groupId,
    groupInst: setup.groupInst,
    cwd: setup.sendList.cwd ?? process.cwd(),
    sources: setup.sendList.sources,
    clients: failedIds.map((id) => known.get(id) ?? { id }),
  };
}

/** Reads or generates the server's key (and writes a new one to -k): KeyDataError on failure; undefined with -Y none. */
export function loadUftpKey(setup: UftpSetup, generate?: (spec: KeySpec) => KeyObject): LoadedKey | undefined {
  return setup.encryption === undefined ? undefined : loadServerKey(setup.encryption, generate);
}
