// --metrics [host:]port, a long option of the daemons (long-option.ts takes it out of argv before getopt).
import { isIP } from 'node:net';
import { takeLongOption } from '../long-option';
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
  const { argv: rest, value } = takeLongOption(argv, optstring, METRICS_OPTION, '[host:]port');
  return value === undefined ? { argv: rest } : { argv: rest, metrics: parseMetricsAddress(value) };
}
