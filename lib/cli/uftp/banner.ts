// The lines the real uftp starts and ends its log with: the version, "Starting at <ctime>", the rate and
// the wait between data packets it implies, the private address and group ID, and "Finishing at <ctime>".
// Scripts that watch uftp's output look for these.
import type { UftpSetup } from './setup';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's ctime() without the newline: "Fri Dec  4 14:55:43 2026". */
export function ctime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${time} ${d.getFullYear()}`;
}


/** "Transfer rate: ..." and, for a fixed rate, "Wait between packets: N ns" (rates in units of 1024 bits). */
export function rateLines(setup: UftpSetup, packetBytes: number): string[] {
  const o = setup.options;
  if (setup.cc.type === 'tfmcc') return ['Transfer rate: dynamic via TFMCC'];
  if (o.rateKbps < 0) return ['Transfer rate: full interface speed'];
  // Whole nanoseconds, rounded down as the real uftp prints them (52812 for 1352-byte packets at 200000 Kbps).
  const waitNs = Math.floor((packetBytes * 8 * 1e9) / (o.rateKbps * 1024));
  return [`Transfer rate: ${o.rateKbps} Kbps (${Math.floor(o.rateKbps / 8)} KB/s)`, `Wait between packets: ${waitNs} ns`];
}

export function addressLine(setup: UftpSetup): string {
  return `Using private multicast address ${setup.privateAddress}  Group ID: ${(setup.groupId >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}
