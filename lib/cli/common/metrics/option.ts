// --metrics [host:]port: the one long option of the daemons. Their getopt is POSIX-short-only, as the real
// programs', so the option is taken out of argv before getopt sees it; every short option and its argument
// is skipped exactly as getopt would read it ("-L --metrics" names a log file), so nothing else changes meaning.
import { isIP } from 'node:net';
import { parseOptstring } from '../getopt';
import { UsageError } from '../../exit';

export const METRICS_OPTION = '--metrics';
export const DEFAULT_METRICS_HOST = '127.0.0.1';

export interface MetricsAddress {
  host: string;
  port: number;
}

export interface WithoutMetrics {
  /** argv without --metrics and its value. */
  argv: string[];
  /** Off (undefined) unless given. */
  metrics?: MetricsAddress;
}

function bad(text: string, why: string): UsageError {
  return new UsageError(`${METRICS_OPTION}: invalid address '${text}': ${why}; want [host:]port, e.g. 9464, 0.0.0.0:9464 or [::1]:9464`);
}

function parsePort(text: string, all: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) throw bad(all, `port '${text}' is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw bad(all, `port ${port} is out of range 1-65535`);
  return port;
}

/** "9464", "host:9464", "198.18.0.1:9464", "[::1]:9464". A host that is no IP literal must look like a host name. */
export function parseMetricsAddress(text: string): MetricsAddress {
  if (text === '') throw bad(text, 'empty');
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') throw bad(text, "an IPv6 address is written [address]:port");
    const host = text.slice(1, close);
    if (isIP(host) !== 6) throw bad(text, `'${host}' is not an IPv6 address`);
    return { host, port: parsePort(text.slice(close + 2), text) };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: DEFAULT_METRICS_HOST, port: parsePort(text, text) };
  const host = text.slice(0, colon);
  if (host.includes(':')) throw bad(text, 'an IPv6 address needs brackets: [address]:port');
  if (isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) throw bad(text, `'${host}' is not a host name or address`);
  return { host, port: parsePort(text.slice(colon + 1), text) };
}

/** Takes --metrics X / --metrics=X out of argv (options end at "--", as for getopt); UsageError when it is bad or repeated. */
export function takeMetricsOption(argv: readonly string[], optstring: string): WithoutMetrics {
  const kinds = parseOptstring(optstring);
  const rest: string[] = [];
  let metrics: MetricsAddress | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (word === METRICS_OPTION || word.startsWith(`${METRICS_OPTION}=`)) {
      if (metrics !== undefined) throw new UsageError(`${METRICS_OPTION} given twice`);
      const value = word === METRICS_OPTION ? argv[++i] : word.slice(METRICS_OPTION.length + 1);
      if (value === undefined) throw new UsageError(`${METRICS_OPTION} needs an argument: [host:]port`);
      metrics = parseMetricsAddress(value);
      continue;
    }
    rest.push(word);
    if (word.startsWith('-') && !word.startsWith('--') && i + 1 < argv.length && takesNextWord(word, kinds)) rest.push(argv[++i]);
  }
  return metrics === undefined ? { argv: rest } : { argv: rest, metrics };
}

/** Whether getopt would take the word after this cluster as an option's argument ("-dL" then "file"). */
function takesNextWord(word: string, kinds: ReturnType<typeof parseOptstring>): boolean {
  for (let j = 1; j < word.length; j++) {
    const kind = kinds.get(word[j]);
    if (kind === undefined) return false; // getopt stops there with an error anyway
    if (kind === 'attached') return false;
    if (kind === 'required') return j === word.length - 1;
  }
  return false;
}
