// Address-valued options: unique IDs, host[:port] items, comma lists, name resolution, and the
// multicast / SSM ranges the pages refer to. Errors are UsageErrors naming the option.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UsageError } from '../exit';
import type { Family } from '../../net';
import { addressTail32, expandIpv6 } from '../../session/unique-id';

export { addressTail32, uidOfAddress } from '../../session/unique-id';

export interface HostPort {
  host: string;
  port: number;
}

/** "a,b,c" → ['a','b','c']; an empty item is an error. */
export function splitList(opt: string, text: string): string[] {
  const items = text.split(',');
  if (items.some((item) => item.trim() === '')) throw new UsageError(`-${opt}: empty item in list '${text}'`);
  return items.map((item) => item.trim());
}

/**
 * The proxy's -U and list IDs: 1-8 hex digits with or without 0x ("1234" is 0x00001234, as the real proxy
 * reads it), or an IP address; 0 and 0xFFFFFFFF are reserved by the protocol.
 */
export function parseUid(opt: string, text: string): number {
  let uid: number;
  if (/^(0x)?[0-9a-f]{1,8}$/i.test(text)) uid = parseInt(text.replace(/^0x/i, ''), 16);
  else if (isIP(text) !== 0) uid = addressTail32(text);
  else throw new UsageError(`-${opt}: invalid unique ID '${text}': give 1-8 hex digits (0xNNNNNNNN or NNNNNNNN) or an IP address`);
  if (uid === 0 || uid === 0xffffffff) throw new UsageError(`-${opt}: invalid unique ID '${text}': 0 and 0xFFFFFFFF are reserved`);
  return uid;
}

/**
 * -U of uftpd and the IDs of its -S list: 1-8 hex digits, with or without 0x, as the real uftpd reads them
 * ("-U 1234" is 0x00001234). 0 and 0xFFFFFFFF are refused, as the real uftpd refuses them in its -S list.
 * `where` prefixes errors ("-U", "-S list line 3").
 */
export function parseHexId(where: string, what: string, text: string): number {
  if (!/^(0x)?[0-9a-f]{1,8}$/i.test(text)) {
    throw new UsageError(`${where}: invalid ${what} '${text}': want 1-8 hex digits (0xNNNNNNNN or NNNNNNNN)`);
  }
  const id = parseInt(text.replace(/^0x/i, ''), 16);
  if (id === 0 || id === 0xffffffff) throw new UsageError(`${where}: invalid ${what} '${text}': 0 and 0xFFFFFFFF are reserved`);
  return id;
}

/** "host", "host:port", "[v6]:port" or a bare IPv6 address (which takes the default port). */
export function parseHostPort(opt: string, text: string, defaultPort: number): HostPort {
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if (isIP(text) !== 6) {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  if (host === '') throw new UsageError(`-${opt}: missing host in '${text}'`);
  if (portText === undefined) return { host, port: defaultPort };
  if (!/^[0-9]+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new UsageError(`-${opt}: invalid port '${portText}' in '${text}': must be 1-65535`);
  }
  return { host, port: Number(portText) };
}

/**
 * An IP literal as is, else the name looked up once with the system resolver (getaddrinfo: /etc/hosts,
 * then DNS): the first address of the family, or with 'any' the first the resolver gives.
 */
export async function resolveHost(opt: string, host: string, family: Family | 'any'): Promise<string> {
  if (isIP(host) !== 0) {
    if (family !== 'any' && isIP(host) !== family) throw new UsageError(`-${opt}: '${host}' is not an IPv${family} address`);
    return host;
  }
  try {
    return (await lookup(host, family === 'any' ? {} : { family })).address;
  } catch (err) {
    throw new UsageError(`-${opt}: invalid name/address '${host}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** 224.0.0.0/4 and ff00::/8: the one check the socket layer also uses. */
export { isMulticast } from '../../net/validate';

/** Source-specific multicast ranges as the page gives them: 232/8 and ff30::/96. */
export function isSsm(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('232.');
  if (isIP(address) !== 6) return false;
  const words = expandIpv6(address);
  return (words[0] & 0xfff0) === 0xff30 && words.slice(1, 6).every((w) => w === 0);
}
