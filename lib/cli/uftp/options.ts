// The command line of uftp(1) 4.10.2, the server, checked for syntax, ranges and the rules between
// options. Nothing here touches files, names or interfaces: setup.ts does that. docs/uftp-options.md
// lists what the real program does with each option and where ours is stricter.
import type { KeySpec } from '../../crypto';
import { parseHexId, splitList } from '../common/addresses';
import { getopt } from '../common/getopt';
import { takeLongOptions } from '../common/long-options';
import { DEFAULT_LOG_LEVEL } from '../common/log';
import { parseInteger, RANGES, type IntRange } from '../common/numbers';
import { UsageError } from '../exit';
import { MAX_CLIENTS_RANGE } from '../../server/admission';
import {
  HASH_TYPES, KEY_TYPES, SIG_TYPES, keyword, parseKeyExchange, parseServerKeySpec,
  type HashTypeName, type KeyExchangeName, type KeyTypeName, type SigTypeName,
} from './crypto-options';
import { parseHostRef, type HostRef } from './host-ids';
import { parsePrivatePattern, type PrivatePattern } from './private-address';
import { DEFAULT_GRTT, parseCongestion, parseGrtt, parseRate, type CongestionOption, type Grtt } from './rates';

export const DEFAULT_PORT = 1044;
export const DEFAULT_PUBLIC_ADDRESS = '230.4.4.1';
export const DEFAULT_RATE_KBPS = 1000;
export const DEFAULT_BUFFER_SIZE = 262144;
export const DEFAULT_BLOCK_SIZE = 1300;
export const DEFAULT_MAX_LOG_COUNT = 5;
export const DEFAULT_ROBUST = 20;
/** -S @LOG: status lines go into the log. */
export const STATUS_TO_LOG = '@LOG';
/** -i -: the file list is read from stdin. */
export const LIST_FROM_STDIN = '-';

/** The real uftp's optstring: every option takes one argument or none. */
export const OPTSTRING = 'R:L:B:g:n:Y:h:w:e:cm:k:K:lTb:t:Q:zZI:p:u:j:qfyU:a:x:W:H:F:X:M:P:N:C:oD:E:S:r:s:i:';

/** Ranges of the page, where the real program agrees (the doc lists where it does not). */
export const UFTP_RANGES = {
  /** -b: the real uftp takes 512-8800 (the page gives only the default, 1300). */
  blockSize: { min: 512, max: 8800 },
  /** -t: multicast TTL. */
  ttl: { min: 1, max: 255 },
  /** -u: 0 = any port. */
  sourcePort: { min: 0, max: 65535 },
  maxNakCount: { min: 1, max: 10 },
  /** -a: the page says 0-65535; the real uftp refuses 0 ("Invalid max passes"). */
  maxPasses: { min: 1, max: 65535 },
  txWeightPct: { min: 110, max: 10000 },
  maxNakPct: { min: 0, max: 100 },
  robust: { min: 10, max: 50 },
} satisfies Record<string, IntRange>;

/** Ours: how many destinations an open group takes at most (lib/server/admission.ts; the real uftp's fixed 100 000). */
export const MAX_CLIENTS_OPTION = '--max-clients';

/** -Q as the real programs read it (strtol base 0): decimal, 0x hex, and a leading 0 for octal. */
const DSCP = { ...RANGES.dscp, octal: true };

export interface UftpOptions {
  /** -R: Kbps; -1 = as fast as the interface allows. Ignored with -C tfmcc. */
  rateKbps: number;
  /** -L; undefined = stderr. */
  logFile?: string;
  /** -B: UDP send and receive buffer bytes. */
  bufferSize: number;
  /** -g in bytes; undefined = no rolling (and only with -L). */
  maxLogBytes?: number;
  /** -n. */
  maxLogCount: number;
  /** -Y. */
  keyType: KeyTypeName;
  /** -h. */
  hashType: HashTypeName;
  /** -w (ignored with GCM/CCM, and with -Y none). */
  sigType: SigTypeName;
  /** -e. */
  keyExchange: KeyExchangeName;
  /** -e ecdh_...:curve, canonical OpenSSL name; undefined = prime256v1. */
  ecdhCurve?: string;
  /** -c: clients must authenticate (CLIENT_KEY); -H / -j fingerprints are checked. */
  clientAuth: boolean;
  /** -m. */
  maxNakCount: number;
  /** -k (one file: a comma is part of the name, as the real uftp reads it). */
  keyFile?: string;
  /** -K, read as -e says (RSA bits, or an EC curve with ecdh_ecdsa). */
  keySpec?: KeySpec;
  /** -l: send what links point to, not the links. */
  followLinks: boolean;
  /** -T, or implied by -L. */
  timestamps: boolean;
  /** -b. */
  blockSize: number;
  /** -t. */
  ttl: number;
  /** -Q. */
  dscp: number;
  /** -z. */
  syncMode: boolean;
  /** -Z. */
  syncPreview: boolean;
  /** -I: a name, address or host name, unresolved. */
  interface?: string;
  /** -p: where clients listen. */
  port: number;
  /** -u: 0 = any. */
  sourcePort: number;
  /** -j. */
  proxyListFile?: string;
  /** -q. */
  quitOnError: boolean;
  /** -f: write a restart file if some client fails. */
  restartable: boolean;
  /** -U. */
  uid?: number;
  /** -a. */
  maxPasses: number;
  /** -x. */
  logLevel: number;
  /** -W: percent; undefined = no maximum. */
  txWeightPct?: number;
  /** -H items, accumulated: IDs, or host names to look up. */
  hosts: HostRef[];
  /** -H @file, accumulated. */
  hostListFiles: string[];
  /** -F. */
  restartFile?: string;
  /** -X, accumulated (as the real uftp). */
  excludeFiles: string[];
  /** -M: an address or host name, unresolved. */
  publicAddress: string;
  /** -P, checked; its 'x' parts are drawn by setup. undefined = DEFAULT_PRIVATE_PATTERN (IPv4 only). */
  privateAddress?: PrivatePattern;
  /** -N. */
  maxNakPct: number;
  /** -C. */
  cc: CongestionOption;
  /** -o. */
  destAsDir: boolean;
  /** -D: trailing '/' removed. */
  destName?: string;
  /** -E, accumulated: trailing '/' removed. */
  baseDirs: string[];
  /** -S: a file, or STATUS_TO_LOG. */
  statusFile?: string;
  /** -r, seconds. */
  grtt: Grtt;
  /** -s. */
  robust: number;
  /** -i: a file, or LIST_FROM_STDIN. */
  fileList?: string;
  /** The operands. */
  files: string[];
  /** --max-clients; absent = the server machine's default (100 000). */
  maxClients?: number;
}

function nonEmpty(opt: string, arg: string): string {
  if (arg === '') throw new UsageError(`-${opt}: empty value`);
  return arg;
}

function withoutTrailingSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** -D: a relative or absolute name; ".." elements would be refused by every client. */
function parseDestName(text: string): string {
  const name = withoutTrailingSlashes(nonEmpty('D', text));
  if (name.split(/[/\\]/).includes('..')) throw new UsageError(`-D: '${text}' has a '..' element: clients refuse such names`);
  return name;
}

function parseHosts(arg: string, o: UftpOptions): void {
  if (arg.startsWith('@')) o.hostListFiles.push(nonEmpty('H', arg.slice(1)));
  else o.hosts.push(...splitList('H', arg).map((item) => parseHostRef('-H', item)));
}

function defaults(): UftpOptions {
  return {
    rateKbps: DEFAULT_RATE_KBPS,
    bufferSize: DEFAULT_BUFFER_SIZE,
    maxLogCount: DEFAULT_MAX_LOG_COUNT,
    keyType: 'none',
    hashType: 'sha1',
    sigType: 'hmac',
    keyExchange: 'rsa',
    clientAuth: false,
    maxNakCount: 1,
    followLinks: false,
    timestamps: false,
    blockSize: DEFAULT_BLOCK_SIZE,
    ttl: 1,
    dscp: 0,
    syncMode: false,
    syncPreview: false,
    port: DEFAULT_PORT,
    sourcePort: 0,
    quitOnError: false,
    restartable: false,
    maxPasses: 65535,
    logLevel: DEFAULT_LOG_LEVEL,
    hosts: [],
    hostListFiles: [],
    excludeFiles: [],
    publicAddress: DEFAULT_PUBLIC_ADDRESS,
    maxNakPct: 100,
    cc: { type: 'none' },
    destAsDir: false,
    baseDirs: [],
    grtt: { ...DEFAULT_GRTT },
    robust: DEFAULT_ROBUST,
    files: [],
  };
}

/** Parses argv (without the program name). Throws UsageError naming the option on any problem. */
export function parseUftpArgs(argv: readonly string[]): UftpOptions {
  const long = takeLongOptions(argv, OPTSTRING, [MAX_CLIENTS_OPTION], () => 'a number of clients');
  const { options, operands } = getopt(long.argv, OPTSTRING);
  const o = defaults();
  const maxClients = long.values.get(MAX_CLIENTS_OPTION);
  if (maxClients !== undefined) o.maxClients = parseInteger(MAX_CLIENTS_OPTION.slice(1), 'number of clients', maxClients, MAX_CLIENTS_RANGE);
  let keySpecText: string | undefined;
  const int = parseInteger;
  for (const { opt, arg = '' } of options) {
    switch (opt) {
      case 'R': o.rateKbps = parseRate(arg); break;
      case 'L': o.logFile = nonEmpty(opt, arg); break;
      case 'B': o.bufferSize = int(opt, 'buffer size', arg, RANGES.bufferSize); break;
      case 'g': o.maxLogBytes = int(opt, 'max log size', arg, RANGES.maxLogSizeMb) * 1024 * 1024; break;
      case 'n': o.maxLogCount = int(opt, 'max log count', arg, RANGES.maxLogCount); break;
      case 'Y': o.keyType = keyword(opt, 'key type', arg, KEY_TYPES); break;
      case 'h': o.hashType = keyword(opt, 'hash type', arg, HASH_TYPES); break;
      case 'w': o.sigType = keyword(opt, 'signature type', arg, SIG_TYPES); break;
      case 'e': {
        const { keyExchange, curve } = parseKeyExchange(arg);
        o.keyExchange = keyExchange;
        if (curve === undefined) delete o.ecdhCurve;
        else o.ecdhCurve = curve;
        break;
      }
      case 'c': o.clientAuth = true; break;
      case 'm': o.maxNakCount = int(opt, 'max NAK count', arg, UFTP_RANGES.maxNakCount); break;
      case 'k': o.keyFile = nonEmpty(opt, arg); break;
      case 'K': keySpecText = nonEmpty(opt, arg); break;
      case 'l': o.followLinks = true; break;
      case 'T': o.timestamps = true; break;
      case 'b': o.blockSize = int(opt, 'block size', arg, UFTP_RANGES.blockSize); break;
      case 't': o.ttl = int(opt, 'TTL', arg, UFTP_RANGES.ttl); break;
      case 'Q': o.dscp = int(opt, 'dscp', arg, DSCP); break;
      case 'z': o.syncMode = true; break;
      case 'Z': o.syncPreview = true; break;
      case 'I': o.interface = nonEmpty(opt, arg); break;
      case 'p': o.port = int(opt, 'port', arg, RANGES.port); break;
      case 'u': o.sourcePort = int(opt, 'source port', arg, UFTP_RANGES.sourcePort); break;
      case 'j': o.proxyListFile = nonEmpty(opt, arg); break;
      case 'q': o.quitOnError = true; break;
      case 'f': o.restartable = true; break;
      case 'y': break; // the Windows system key container: no effect elsewhere, as the page says
      case 'U': o.uid = parseHexId('-U', 'unique ID', arg); break;
      case 'a': o.maxPasses = int(opt, 'max passes', arg, UFTP_RANGES.maxPasses); break;
      case 'x': o.logLevel = int(opt, 'log level', arg, RANGES.logLevel); break;
      case 'W': o.txWeightPct = int(opt, 'txweight', arg, UFTP_RANGES.txWeightPct); break;
      case 'H': parseHosts(arg, o); break;
      case 'F': o.restartFile = nonEmpty(opt, arg); break;
      case 'X': o.excludeFiles.push(nonEmpty(opt, arg)); break;
      case 'M': o.publicAddress = nonEmpty(opt, arg); break;
      case 'P': o.privateAddress = parsePrivatePattern(arg); break;
      case 'N': o.maxNakPct = int(opt, 'max NAK percentage', arg, UFTP_RANGES.maxNakPct); break;
      case 'C': o.cc = parseCongestion(arg); break;
      case 'o': o.destAsDir = true; break;
      case 'D': o.destName = parseDestName(arg); break;
      case 'E': o.baseDirs.push(...splitList(opt, arg).map(withoutTrailingSlashes)); break;
      case 'S': o.statusFile = nonEmpty(opt, arg); break;
      case 'r': o.grtt = parseGrtt(arg); break;
      case 's': o.robust = int(opt, 'robustness factor', arg, UFTP_RANGES.robust); break;
      case 'i': o.fileList = nonEmpty(opt, arg); break;
    }
  }
  // After the loop: -K means bits or a curve according to -e, wherever -e stands.
  if (keySpecText !== undefined) o.keySpec = parseServerKeySpec(keySpecText, o.keyExchange);
  if (o.logFile !== undefined) o.timestamps = true;
  o.files = operands;
  checkRules(o);
  return o;
}

/** The page's rules between options. */
function checkRules(o: UftpOptions): void {
  if (o.syncMode && o.syncPreview) throw new UsageError('-z and -Z cannot be used together');
  if ((o.restartable || o.restartFile !== undefined) && (o.syncMode || o.syncPreview)) {
    throw new UsageError(`restart mode (${o.restartable ? '-f' : '-F'}) and sync mode (${o.syncMode ? '-z' : '-Z'}) cannot be used together`);
  }
  if (o.restartFile !== undefined) {
    if (o.hosts.length > 0 || o.hostListFiles.length > 0) throw new UsageError('-H and -F cannot be used together: the restart file names the clients');
    // The real uftp refuses "-F r -i l" but takes "-i l -F r" (and sends the restart's files): refused both ways.
    if (o.fileList !== undefined) throw new UsageError('-i and -F cannot be used together: the restart file names the files');
  }
  if (o.files.length === 0 && o.fileList === undefined && o.restartFile === undefined) {
    throw new UsageError('no files to send: give files, -i list_file or -F restart_file');
  }
}
