// The command line of uftpproxyd(1) 4.10.2 (and -T of the 3.7 page), checked for syntax and ranges.
// Nothing here touches files, names or interfaces: setup.ts does that.
import type { KeySpec } from '../../crypto';
import type { ProxyMode } from '../../proxy/types';
import { parseHostPort, parseUid, splitList, type HostPort } from '../common/addresses';
import { parseFingerprint } from '../common/fingerprint';
import { getopt } from '../common/getopt';
import { takeMaxSessions } from '../common/max-sessions';
import { parseCurve, parseKeySpecs } from '../common/keys';
import { DEFAULT_LOG_LEVEL } from '../common/log';
import { parseInteger, RANGES } from '../common/numbers';
import { UsageError } from '../exit';

/** The pages' Windows defaults differ (C:\uftpproxyd_log.txt). */
const WINDOWS = process.platform === 'win32';

export const DEFAULT_PORT = 1044;
export const DEFAULT_PUBLIC_GROUP = '230.4.4.1';
export const DEFAULT_LOG_FILE = WINDOWS ? 'C:\\uftpproxyd_log.txt' : '/tmp/uftpproxyd.log';
export const DEFAULT_BUFFER_SIZE = 262144;
export const DEFAULT_HEARTBEAT_SEC = 20;
export const DEFAULT_MAX_LOG_COUNT = 5;
/** -g counts megabytes of 10^6 bytes, as the real proxy rolls its log. */
const LOG_MB = 1_000_000;
/** -t: the real proxy refuses 0 ("Invalid ttl"). */
const TTL_RANGE = { min: 1, max: 255 };

export const OPTSTRING = 's:cr::dp:t:Q:N:O:U:q:mx:H:h:g:n:B:L:P:C:S:k:K:e:I:M:T:';

export interface ProxydOptions {
  mode: ProxyMode;
  /** -s dest: host and -q port (unresolved). */
  downstream?: HostPort;
  /** -s fp=...: upper-case colon-separated hex. */
  downstreamFingerprint?: string;
  /** -r:curve or -e. */
  ecdhCurve?: string;
  debug: boolean;
  port: number;
  /** -q: default 1044 whatever -p is, as the real proxy (its clients and downstream listen there). */
  destPort: number;
  ttl: number;
  dscp: number;
  nice: number;
  egressInterface?: string;
  uid?: number;
  logLevel: number;
  heartbeats: HostPort[];
  heartbeatIntervalSec: number;
  /** -g in bytes; undefined = no rolling. */
  maxLogBytes?: number;
  maxLogCount: number;
  bufferSize: number;
  logFile: string;
  pidFile?: string;
  /** -C and -S, accumulated over repeats: every file's entries count. */
  clientListFiles: string[];
  serverListFiles: string[];
  /** -k, -K, -I, -M and -H accumulate over repeats too, as the real proxy's. */
  keyFiles: string[];
  keySpecs: KeySpec[];
  interfaces: string[];
  publicGroups: string[];
  /** Whether -M was given (else publicGroups is the default). */
  publicGroupsGiven: boolean;
  aggregationPct?: number;
  /** --max-sessions; absent = the proxy machine's default. */
  maxSessions?: number;
}

/** Parses argv (without the program name). Throws UsageError naming the option on any problem. */
export function parseProxydArgs(argv: readonly string[]): ProxydOptions {
  const long = takeMaxSessions(argv, OPTSTRING);
  const { options, operands } = getopt(long.argv, OPTSTRING, 'r');
  if (operands.length > 0) throw new UsageError(`unexpected argument '${operands[0]}'`);
  const modes: string[] = [];
  let server: string | undefined;
  let responseCurve: string | undefined;
  let ecdhCurve: string | undefined;
  const keyFiles: string[] = [];
  const keySpecs: KeySpec[] = [];
  const heartbeatTexts: string[] = [];
  const publicGroups: string[] = [];
  const o: Omit<ProxydOptions, 'mode' | 'destPort'> & { destPort?: number } = {
    debug: false,
    port: DEFAULT_PORT,
    ttl: 1,
    dscp: 0,
    nice: 0,
    logLevel: DEFAULT_LOG_LEVEL,
    heartbeats: [],
    heartbeatIntervalSec: DEFAULT_HEARTBEAT_SEC,
    maxLogCount: DEFAULT_MAX_LOG_COUNT,
    bufferSize: DEFAULT_BUFFER_SIZE,
    logFile: DEFAULT_LOG_FILE,
    clientListFiles: [],
    serverListFiles: [],
    keyFiles: [],
    keySpecs: [],
    interfaces: [],
    publicGroups: [],
    publicGroupsGiven: false,
  };
  for (const { opt, arg = '' } of options) {
    switch (opt) {
      case 's': modes.push('-s'); server = arg; break;
      case 'c': modes.push('-c'); break;
      case 'r':
        modes.push('-r');
        if (arg !== '') {
          if (!arg.startsWith(':') || arg.length === 1) throw new UsageError(`-r: invalid argument '${arg}': want -r or -r:curve`);
          responseCurve = parseCurve('r', arg.slice(1));
        }
        break;
      case 'd': o.debug = true; break;
      case 'p': o.port = parseInteger(opt, 'port', arg, RANGES.port); break;
      case 'q': o.destPort = parseInteger(opt, 'port', arg, RANGES.port); break;
      case 't': o.ttl = parseInteger(opt, 'ttl', arg, TTL_RANGE); break;
      case 'Q': o.dscp = parseInteger(opt, 'dscp', arg, RANGES.dscp); break;
      case 'N': o.nice = parseInteger(opt, 'priority', arg, RANGES.nice); break;
      case 'O': o.egressInterface = nonEmpty(opt, arg); break;
      case 'U': o.uid = parseUid(opt, arg); break;
      case 'm': break; // the Windows system key store: no effect elsewhere, as the page says
      case 'x': o.logLevel = parseInteger(opt, 'log level', arg, RANGES.logLevel); break;
      case 'H': heartbeatTexts.push(arg); break;
      case 'h': o.heartbeatIntervalSec = parseInteger(opt, 'heartbeat interval', arg, RANGES.heartbeatSec); break;
      case 'g': o.maxLogBytes = parseInteger(opt, 'max log size', arg, RANGES.maxLogSizeMb) * LOG_MB; break;
      case 'n': o.maxLogCount = parseInteger(opt, 'max log count', arg, RANGES.maxLogCount); break;
      case 'B': o.bufferSize = parseInteger(opt, 'buffer size', arg, RANGES.bufferSize); break;
      case 'L': o.logFile = nonEmpty(opt, arg); break;
      case 'P': o.pidFile = nonEmpty(opt, arg); break;
      case 'C': o.clientListFiles.push(nonEmpty(opt, arg)); break;
      case 'S': o.serverListFiles.push(nonEmpty(opt, arg)); break;
      case 'k': keyFiles.push(...splitList(opt, arg)); break;
      case 'K': keySpecs.push(...parseKeySpecs(opt, arg)); break;
      case 'e': ecdhCurve = parseCurve(opt, arg); break;
      case 'I': o.interfaces.push(...splitList(opt, arg)); break;
      case 'M': publicGroups.push(...splitList(opt, arg)); break;
      case 'T': o.aggregationPct = parseInteger(opt, 'interval percentage', arg, RANGES.aggregationPct); break;
    }
  }
  if (modes.length === 0) throw new UsageError('Either -s, -c, or -r must be specified');
  if (modes.length > 1) throw new UsageError(`Only one of -s, -c, -r may be specified (got ${modes.join(' and ')})`);
  if (keyFiles.length > 0 && keySpecs.length > 0 && keyFiles.length !== keySpecs.length) {
    throw new UsageError(`-k and -K must list the same number of items (${keyFiles.length} and ${keySpecs.length})`);
  }
  if (responseCurve !== undefined && ecdhCurve !== undefined && responseCurve !== ecdhCurve) {
    throw new UsageError(`-r:${responseCurve} and -e ${ecdhCurve} name different curves`);
  }
  const destPort = o.destPort ?? DEFAULT_PORT;
  const heartbeats = heartbeatTexts.flatMap((text) => splitList('H', text)).map((h) => parseHostPort('H', h, DEFAULT_PORT));
  const publicGroupsGiven = publicGroups.length > 0;
  if (!publicGroupsGiven) publicGroups.push(DEFAULT_PUBLIC_GROUP);
  const result: ProxydOptions = { ...o, mode: modeOf(modes[0]), destPort, heartbeats, keyFiles, keySpecs, publicGroups, publicGroupsGiven };
  if (result.mode === 'response') result.ecdhCurve = responseCurve ?? ecdhCurve;
  if (long.maxSessions !== undefined) result.maxSessions = long.maxSessions;
  if (server !== undefined) {
    if (server.startsWith('fp=')) result.downstreamFingerprint = parseFingerprint('-s', server.slice(3));
    else result.downstream = { host: nonEmpty('s', server), port: destPort };
  }
  return result;
}

function modeOf(flag: string): ProxyMode {
  return flag === '-s' ? 'server' : flag === '-c' ? 'client' : 'response';
}

function nonEmpty(opt: string, arg: string): string {
  if (arg === '') throw new UsageError(`-${opt}: empty value`);
  return arg;
}
