// The command line of uftpd(1) 4.10.2, checked for syntax, ranges and the rules between options.
// Nothing here touches files, names or interfaces: setup.ts does that. docs/uftpd-options.md lists
// what the real program does with each option and where ours is stricter.
import { isAbsolute, normalize, parse, sep } from 'node:path';
import type { KeySpec } from '../../crypto';
import { parseHexId, parseHostPort, splitList, type HostPort } from '../common/addresses';
import { parseFingerprint } from '../common/fingerprint';
import { getopt } from '../common/getopt';
import { parseKeySpecs } from '../common/keys';
import { takeMaxSessions } from '../common/max-sessions';
import { DEFAULT_LOG_LEVEL } from '../common/log';
import { parseInteger, RANGES } from '../common/numbers';
import { UsageError } from '../exit';

/** The pages' Windows defaults differ (C:\temp, C:\uftpd_log.txt). */
const WINDOWS = process.platform === 'win32';

export const DEFAULT_PORT = 1044;
/** -H items without a port go here, whatever -p says (observed). */
export const DEFAULT_HEARTBEAT_PORT = 1044;
export const DEFAULT_PUBLIC_GROUP = '230.4.4.1';
export const DEFAULT_DEST_DIR = WINDOWS ? 'C:\\temp' : '/tmp';
export const DEFAULT_LOG_FILE = WINDOWS ? 'C:\\uftpd_log.txt' : '/tmp/uftpd.log';
export const DEFAULT_BUFFER_SIZE = 262144;
export const DEFAULT_CACHE_SIZE = 1048576;
export const DEFAULT_HEARTBEAT_SEC = 20;
export const DEFAULT_MAX_LOG_COUNT = 5;
/** -F @LOG: status lines go into the log. */
export const STATUS_TO_LOG = '@LOG';
/** The real uftpd holds 10 destination directories; an 11th corrupts it, 40 crash it (observed). */
export const MAX_DEST_DIRS = 10;

/** The real uftpd's optstring: every option takes one argument or none. */
export const OPTSTRING = 'dx:qF:L:P:s:c:I:p:tT:D:A:M:B:Q:EU:S:R:k:K:mN:ig:n:h:H:';

/** -Q as the real uftpd reads it (strtol base 0): decimal, 0x hex, and a leading 0 for octal. */
const DSCP = { ...RANGES.dscp, octal: true };

export interface UftpdOptions {
  /** -d: stay in front, log to stderr. */
  debug: boolean;
  /** -p: the UDP port to listen on; also the port -R's proxy is sent to. */
  port: number;
  /** -B: UDP receive (and send) buffer bytes. */
  bufferSize: number;
  /** -E: refuse unencrypted sessions. */
  encryptedOnly: boolean;
  /** -Q: DSCP of outgoing packets. */
  dscp: number;
  /** -U; undefined = taken from an interface address by setup. */
  uid?: number;
  /** -x: 0-5. */
  logLevel: number;
  /** -t: receive into a temp file beside the destination. */
  tempFiles: boolean;
  /** -T: absolute, normalized. */
  tempDir?: string;
  /** -D, accumulated over repeats: absolute, normalized, at most 10; default [DEFAULT_DEST_DIR]. */
  destDirs: string[];
  /** -A, accumulated: one per destination directory, or none. */
  backupDirs: string[];
  /** -L (ignored with -d). */
  logFile: string;
  /** -F: a file, or STATUS_TO_LOG. */
  statusFile?: string;
  /** -q: no reverse lookup of a server's address. */
  skipNameLookup: boolean;
  /** -P. */
  pidFile?: string;
  /** -S, accumulated: the entries of every file count. */
  serverListFiles: string[];
  /** -R proxy[/fingerprint]: host unresolved, fingerprint upper-case. */
  responseProxy?: { host: string; fingerprint?: string };
  /** -c: bytes. */
  cacheSize: number;
  /** -k, accumulated. */
  keyFiles: string[];
  /** -K, accumulated. */
  keySpecs: KeySpec[];
  /** -N: nice value. */
  nice: number;
  /** -i: with -T, move received files one by one. */
  moveIndividually: boolean;
  /** -s: absolute path. */
  postReceiveScript?: string;
  /** -g in bytes; undefined = no rolling. */
  maxLogBytes?: number;
  /** -n. */
  maxLogCount: number;
  /** -H, accumulated: host unresolved, port default 1044. */
  heartbeats: HostPort[];
  /** -h: seconds. */
  heartbeatIntervalSec: number;
  /** -I, accumulated: names, addresses or host names, unresolved. */
  interfaces: string[];
  /** -M, accumulated (default [DEFAULT_PUBLIC_GROUP]): addresses or names, unresolved. */
  publicGroups: string[];
  /** --max-sessions (ours); absent = the client machine's default. */
  maxSessions?: number;
}

function nonEmpty(opt: string, arg: string): string {
  if (arg === '') throw new UsageError(`-${opt}: empty value`);
  return arg;
}

/** An absolute directory or file path, without a trailing separator ("/a/b/" is "/a/b"). */
function absolutePath(opt: string, what: string, text: string): string {
  if (!isAbsolute(text)) throw new UsageError(`-${opt}: ${what} '${text}' is not an absolute path`);
  const path = normalize(text);
  return path.endsWith(sep) && parse(path).root !== path ? path.slice(0, -1) : path;
}

/** -R proxy[/fingerprint]: the name or address of the response proxy, and its key's fingerprint. */
function parseResponseProxy(text: string): { host: string; fingerprint?: string } {
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  if (host === '') throw new UsageError(`-R: missing proxy name or address in '${text}': want proxy[/fingerprint]`);
  if (slash < 0) return { host };
  return { host, fingerprint: parseFingerprint('-R', text.slice(slash + 1)) };
}

function firstRepeat(items: string[]): string | undefined {
  return items.find((item, i) => items.indexOf(item) !== i);
}

/** Parses argv (without the program name). Throws UsageError naming the option on any problem. */
export function parseUftpdArgs(argv: readonly string[]): UftpdOptions {
  const long = takeMaxSessions(argv, OPTSTRING);
  const { options, operands } = getopt(long.argv, OPTSTRING);
  if (operands.length > 0) throw new UsageError(`unexpected argument '${operands[0]}'`);
  const o: UftpdOptions = {
    debug: false,
    port: DEFAULT_PORT,
    bufferSize: DEFAULT_BUFFER_SIZE,
    encryptedOnly: false,
    dscp: 0,
    logLevel: DEFAULT_LOG_LEVEL,
    tempFiles: false,
    destDirs: [],
    backupDirs: [],
    logFile: DEFAULT_LOG_FILE,
    skipNameLookup: false,
    serverListFiles: [],
    cacheSize: DEFAULT_CACHE_SIZE,
    keyFiles: [],
    keySpecs: [],
    nice: 0,
    moveIndividually: false,
    maxLogCount: DEFAULT_MAX_LOG_COUNT,
    heartbeats: [],
    heartbeatIntervalSec: DEFAULT_HEARTBEAT_SEC,
    interfaces: [],
    publicGroups: [],
  };
  for (const { opt, arg = '' } of options) {
    switch (opt) {
      case 'd': o.debug = true; break;
      case 'p': o.port = parseInteger(opt, 'port', arg, RANGES.port); break;
      case 'B': o.bufferSize = parseInteger(opt, 'buffer size', arg, RANGES.bufferSize); break;
      case 'E': o.encryptedOnly = true; break;
      case 'Q': o.dscp = parseInteger(opt, 'dscp', arg, DSCP); break;
      case 'U': o.uid = parseHexId('-U', 'unique ID', arg); break;
      case 'x': o.logLevel = parseInteger(opt, 'log level', arg, RANGES.logLevel); break;
      case 't': o.tempFiles = true; break;
      case 'T': o.tempDir = absolutePath(opt, 'temp directory', arg); break;
      case 'D': o.destDirs.push(...splitList(opt, arg).map((d) => absolutePath(opt, 'destination directory', d))); break;
      case 'A': o.backupDirs.push(...splitList(opt, arg).map((d) => absolutePath(opt, 'backup directory', d))); break;
      case 'L': o.logFile = nonEmpty(opt, arg); break;
      case 'F': o.statusFile = nonEmpty(opt, arg); break;
      case 'q': o.skipNameLookup = true; break;
      case 'P': o.pidFile = nonEmpty(opt, arg); break;
      case 'S': o.serverListFiles.push(nonEmpty(opt, arg)); break;
      case 'R': o.responseProxy = parseResponseProxy(arg); break;
      case 'c': o.cacheSize = parseInteger(opt, 'cache size', arg, RANGES.cacheSize); break;
      case 'k': o.keyFiles.push(...splitList(opt, arg)); break;
      case 'K': o.keySpecs.push(...parseKeySpecs(opt, arg)); break;
      case 'm': break; // the Windows system key store: no effect elsewhere, as the page says
      case 'N': o.nice = parseInteger(opt, 'priority', arg, RANGES.nice); break;
      case 'i': o.moveIndividually = true; break;
      case 's': o.postReceiveScript = absolutePath(opt, 'post-receive script', arg); break;
      case 'g': o.maxLogBytes = parseInteger(opt, 'max log size', arg, RANGES.maxLogSizeMb) * 1024 * 1024; break;
      case 'n': o.maxLogCount = parseInteger(opt, 'max log count', arg, RANGES.maxLogCount); break;
      case 'h': o.heartbeatIntervalSec = parseInteger(opt, 'heartbeat interval', arg, RANGES.heartbeatSec); break;
      case 'H': o.heartbeats.push(...splitList(opt, arg).map((h) => parseHostPort(opt, h, DEFAULT_HEARTBEAT_PORT))); break;
      case 'I': o.interfaces.push(...splitList(opt, arg)); break;
      case 'M': o.publicGroups.push(...splitList(opt, arg)); break;
    }
  }
  if (o.destDirs.length === 0) o.destDirs.push(DEFAULT_DEST_DIR);
  if (o.publicGroups.length === 0) o.publicGroups.push(DEFAULT_PUBLIC_GROUP);
  if (long.maxSessions !== undefined) o.maxSessions = long.maxSessions;
  checkRules(o);
  return o;
}

/** The page's rules between options. */
function checkRules(o: UftpdOptions): void {
  const { destDirs, backupDirs, tempDir } = o;
  if (destDirs.length > MAX_DEST_DIRS) throw new UsageError(`-D: ${destDirs.length} destination directories: at most ${MAX_DEST_DIRS}`);
  const repeated = firstRepeat(destDirs);
  if (repeated !== undefined) throw new UsageError(`-D: destination directory ${repeated} listed twice`);
  if (tempDir !== undefined) {
    if (o.tempFiles) throw new UsageError('-t and -T cannot be used together');
    if (backupDirs.length > 0) throw new UsageError('-T and -A cannot be used together');
    if (destDirs.length > 1) throw new UsageError(`-T cannot be used with several destination directories (-D lists ${destDirs.length})`);
    if (tempDir === destDirs[0]) throw new UsageError(`-T: the temp directory must differ from the destination directory (${tempDir})`);
  }
  if (backupDirs.length > 0) {
    if (backupDirs.length !== destDirs.length) {
      throw new UsageError(`-A must list as many backup directories as -D lists destination directories (${backupDirs.length} and ${destDirs.length})`);
    }
    const same = backupDirs.findIndex((b, i) => b === destDirs[i]);
    if (same >= 0) throw new UsageError(`-A: backup directory ${backupDirs[same]} is its destination directory`);
  }
  if (o.keyFiles.length > 0 && o.keySpecs.length > 0 && o.keyFiles.length !== o.keySpecs.length) {
    throw new UsageError(`-k and -K must list the same number of items (${o.keyFiles.length} and ${o.keySpecs.length})`);
  }
  const group = firstRepeat(o.publicGroups);
  if (group !== undefined) throw new UsageError(`-M: ${group} listed twice`);
}
