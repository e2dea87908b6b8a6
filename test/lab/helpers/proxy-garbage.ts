// Hostile datagrams for a running proxy, sent by a plain node child inside a lab host. A seeded generator
// makes every run send the same bytes. A third is pure noise; a third starts like UFTP 4 (0x40, a known
// function code) with noise after; a third also carries the live session's group ID, so it reaches the
// session's own parsing instead of being dropped as an unknown group. Given the server's ID as well, a quarter
// of them each: the last quarter also claims to come from the session's server.
import type { ExecResult, LabHost } from '../../../scripts/lab';

const SCRIPT = String.raw`
const dgram = require('node:dgram');
const [targets, count, seed, group, source] = process.argv.slice(1);
const to = targets.split(',').map((t) => { const [addr, port] = t.split(':'); return { addr, port: Number(port) }; });
let x = Number(seed) >>> 0 || 1;
const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
const [groupHex, instHex] = group.split('/');
const groupId = Buffer.from(groupHex, 'hex');
const srcId = source ? Buffer.from(source, 'hex') : undefined;
const kinds = srcId ? 4 : 3;
const sock = dgram.createSocket('udp4');
let sent = 0;
let pending = 0;
const done = () => { if (sent === Number(count) && pending === 0) { console.log('sent ' + sent); sock.close(); } };
function burst() {
  for (let i = 0; i < 50 && sent < Number(count); i++, sent++) {
    const len = 1 + (rnd() % 1450);
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j++) b[j] = rnd() & 255;
    const kind = sent % kinds;
    if (kind > 0) { b[0] = 0x40; if (len > 1) b[1] = 1 + (rnd() % 20); }
    if (kind >= 2 && len >= 12) groupId.copy(b, 8);
    if (kind >= 2 && len >= 13 && instHex) b[12] = parseInt(instHex, 16);
    if (kind === 3 && len >= 12) srcId.copy(b, 4);
    for (const t of to) { pending++; sock.send(b, t.port, t.addr, () => { pending--; done(); }); }
  }
  if (sent < Number(count)) setTimeout(burst, 1);
}
burst();
`;

export const GARBAGE_SEED = 0x5eed1234;

/** Sends `count` datagrams to each of `targets` ('addr:port'); `groupId` is 8 hex digits, or
 * with the group instance after a slash (`4CD45316/00`); `serverId` is 8 hex digits. */
export function sendGarbage(host: LabHost, targets: string[], count: number, groupId: string, serverId?: string): Promise<ExecResult> {
  const args = ['-e', SCRIPT, targets.join(','), String(count), String(GARBAGE_SEED), groupId, ...(serverId ? [serverId] : [])];
  return host.exec(process.execPath, args, {
    timeoutMs: 60_000,
  });
}
