// Client and proxy IDs as uftp's -H and -j take them: "0xNNNNNNNN", or (since UFTP 4.1) a client's IPv4
// address or host name, for clients whose ID is their IPv4 address.
// The real uftp tries an IPv4 address first and hex only after it, so "-H 1234" is 0.0.4.210 (ID 0x4D2)
// and "-H 10" is 0x0000000A, while uftpd's "-U 1234" is 0x00001234. Ours refuses such bare numbers
// rather than guess: write 0x1234, or a dotted IPv4 address.
import { isIP } from 'node:net';
import { addressTail32 } from '../common/addresses';
import { UsageError } from '../exit';

/** An ID (with the text it was written as: the host's name in logs), or a host name to look up (IPv4) whose address is the ID. */
export type HostRef = { id: number; text: string } | { host: string };

export const ID_FORM = '0xNNNNNNNN (1-8 hex digits), an IPv4 address or a host name';

function checkId(where: string, text: string, id: number): number {
  if (id === 0 || id === 0xffffffff) throw new UsageError(`${where}: invalid ID '${text}': 0 and 0xFFFFFFFF are reserved`);
  return id;
}

/** `where` prefixes errors ("-H", "-H @/etc/clients line 3"). */
export function parseHostRef(where: string, text: string): HostRef {
  if (/^0x/i.test(text)) {
    if (!/^0x[0-9a-f]{1,8}$/i.test(text)) throw new UsageError(`${where}: invalid ID '${text}': want 0x and 1-8 hex digits`);
    return { id: checkId(where, text, parseInt(text.slice(2), 16)), text };
  }
  if (isIP(text) === 4) return { id: checkId(where, text, addressTail32(text)), text };
  if (isIP(text) === 6) throw new UsageError(`${where}: invalid ID '${text}': an IPv6 address is not an ID (the real uftp reads it as hex up to the first ':'): want ${ID_FORM}`);
  if (/^[0-9a-f]+$/i.test(text)) {
    throw new UsageError(`${where}: ambiguous ID '${text}': write 0x${text} for a hex ID, or a dotted IPv4 address (the real uftp reads bare digits as an IPv4 address)`);
  }
  // What is left must look like a host name; anything else (spaces, '|', ...) is a typo.
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(text)) {
    throw new UsageError(`${where}: invalid ID '${text}': want ${ID_FORM}`);
  }
  return { host: text };
}
