// A burst of forged ANNOUNCEs for a running proxy or uftpd, sent by a plain node child inside a lab host: one
// captured ANNOUNCE of the real uftp 4.10.2 (server 0xC6121401, public 230.4.4.1, private 230.5.5.117, GRTT
// 0.53 s, ROBUST 20), each copy under a new group ID (and, if asked, a new server ID), sent by unicast to each
// target as fast as the socket takes them, or at a given pace.
import type { ExecResult, LabHost } from '../../../scripts/lab';

/** Captured from the real uftp (test/unit/proxy-helpers.ts has the same packet as REAL.announce). */
const ANNOUNCE = '40010000c6121401c6527bee009d000001060014000005146b02378100079f91e6040401e6050575';

const SCRIPT = String.raw`
const dgram = require('node:dgram');
const [targets, count, firstGroup, template, firstServer, perSecond, groupInst] = process.argv.slice(1);
const to = targets.split(',').map((t) => { const [addr, port] = t.split(':'); return { addr, port: Number(port) }; });
const sock = dgram.createSocket('udp4');
let sent = 0;
let pending = 0;
const start = Date.now();
const done = () => { if (sent === Number(count) && pending === 0) { console.log('sent ' + sent); sock.close(); } };
function burst() {
  for (let i = 0; i < 200 && sent < Number(count); i++, sent++) {
    const b = Buffer.from(template, 'hex');
    b.writeUInt32BE((Number(firstGroup) + sent) >>> 0, 8);
    if (firstServer !== '0') b.writeUInt32BE((Number(firstServer) + sent) >>> 0, 4);
    b.writeUInt8(Number(groupInst), 12);
    for (const t of to) { pending++; sock.send(b, t.port, t.addr, () => { pending--; done(); }); }
  }
  if (sent >= Number(count)) return;
  if (Number(perSecond) > 0) setTimeout(burst, Math.max(0, start + (sent / Number(perSecond)) * 1000 - Date.now()));
  else setImmediate(burst);
}
burst();
`;

export interface FloodOptions {
  /** Group IDs firstGroup, firstGroup + 1, ... */
  firstGroup?: number;
  /** Server IDs firstServer, firstServer + 1, ... (else every copy keeps the captured one). */
  firstServer?: number;
  /** At most this many a second (else as fast as the socket takes them). */
  perSecond?: number;
  /** The group instance of every copy (else 0, as captured): above a running session's, a restart. */
  groupInst?: number;
}

/** Sends `count` ANNOUNCEs, each with a new group ID, to each of `targets` ('addr:port'). */
export function floodAnnounces(host: LabHost, targets: string[], count: number, opts: FloodOptions = {}): Promise<ExecResult> {
  const args = [targets.join(','), String(count), String(opts.firstGroup ?? 0x7f000000), ANNOUNCE, String(opts.firstServer ?? 0), String(opts.perSecond ?? 0),
    String(opts.groupInst ?? 0)];
  return host.exec(process.execPath, ['-e', SCRIPT, ...args], { timeoutMs: 120_000 });
}

/** Resident memory of a process, in bytes (VmRSS of /proc/PID/status). */
export async function residentBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}
