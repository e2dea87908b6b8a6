// The unique ID a UFTP program takes from an address when none is given (-U), and the address arithmetic
// behind it. Shared by the command lines and the send() API.
import { isIP } from 'node:net';

/** The last 4 bytes of an address as a 32-bit number: all of an IPv4 one, the tail of an IPv6 one. */
export function addressTail32(address: string): number {
  if (isIP(address) === 4) return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const words = expandIpv6(address);
  return words[6] * 0x10000 + words[7];
}

/** The eight 16-bit words of an IPv6 address (with an embedded IPv4 tail, if any). */
export function expandIpv6(address: string): number[] {
  let text = address.split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = addressTail32(v4[1]);
    text = `${text.slice(0, v4.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const middle = new Array<string>(8 - front.length - back.length).fill('0');
  return [...front, ...(tail === undefined ? [] : middle), ...back].map((w) => parseInt(w, 16));
}

/**
 * The unique ID the real uftpd and uftpproxyd 4.10.2 take from an interface address when -U is not given:
 * an IPv4 address as a number; for IPv6 the last 4 bytes in reverse order (observed on the wire: an
 * address ending ::a:b0c, bytes 00 0a 0b 0c, gives 0x0C0B0A00). The page says "the last 4 bytes"; the
 * programs win, so servers' client lists written for the real client keep matching.
 */
export function uidOfAddress(address: string): number {
  if (isIP(address) === 4) return addressTail32(address);
  const [w6, w7] = expandIpv6(address).slice(6);
  return (((w7 & 0xff) << 24) | ((w7 >>> 8) << 16) | ((w6 & 0xff) << 8) | (w6 >>> 8)) >>> 0;
}

