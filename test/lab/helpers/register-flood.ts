// A burst of forged REGISTERs for a running uftp, sent by a plain node child inside a lab host: each under a
// new client ID (or, as a "proxy", listing `perMessage` new client IDs), with the current time as timestamp
// (an honest RTT), as fast as the socket takes them or at a set pace. The child also counts what the server
// sends back to it (ABORTs to refused hosts), by message type.
import type { KeyObject } from 'node:crypto';
import type { ExecResult, LabHost } from '../../../scripts/lab';
import { encodePacket, MessageType, NO_EXTENSIONS, UFTP_VERSION } from '../../../lib/protocol';
import { keyBlob } from '../../../lib/crypto';

const SCRIPT = String.raw`
const dgram = require('node:dgram');
const [target, count, firstId, template, perMessage, replyWaitMs, perSecond] = process.argv.slice(1);
const [addr, port] = target.split(':');
const k = Number(perMessage);
const idsAt = template.length / 2 - 4 * k;
const sock = dgram.createSocket('udp4');
const replies = {};
sock.on('message', (m) => { const t = m.length > 1 ? m[1] : -1; replies[t] = (replies[t] ?? 0) + 1; });
let sent = 0;
let pending = 0;
let finished = false;
const done = () => {
  if (finished || sent < Number(count) || pending > 0) return;
  finished = true;
  console.log('took ' + (Date.now() - started));
  setTimeout(() => { console.log('sent ' + sent); console.log('replies ' + JSON.stringify(replies)); sock.close(); }, Number(replyWaitMs));
};
const started = Date.now();
// As fast as the socket takes them, or paced: no more than perSecond * elapsed time sent so far.
const due = () => (Number(perSecond) > 0 ? Math.min(Number(count), Math.ceil(((Date.now() - started) / 1000 + 0.01) * Number(perSecond))) : Number(count));
function burst() {
  const now = Date.now();
  const until = due();
  for (let i = 0; i < 200 && sent < until; i++, sent++) {
    const b = Buffer.from(template, 'hex');
    const id = (Number(firstId) + sent * (k + 1)) >>> 0;
    b.writeUInt32BE(id, 4);
    b.writeUInt32BE(Math.floor(now / 1000), 20);
    b.writeUInt32BE((now % 1000) * 1000, 24);
    for (let j = 0; j < k; j++) b.writeUInt32BE((id + 1 + j) >>> 0, idsAt + 4 * j);
    pending++;
    sock.send(b, Number(port), addr, () => { pending--; done(); });
  }
  if (sent < Number(count)) { if (sent < due()) setImmediate(burst); else setTimeout(burst, 5); }
}
sock.bind(0, burst);
`;

export interface RegisterFlood {
  /** The session's group ID and instance (from uftp's "Group ID:" line; the instance is 0 for a new session). */
  groupId: number;
  groupInst?: number;
  /** REGISTERs to send. */
  count: number;
  /** The first forged ID; each REGISTER takes the next 1 + perMessage. */
  firstId?: number;
  /** Client IDs listed in each REGISTER (a forged proxy's); 0: a client registering itself. */
  perMessage?: number;
  /** Encrypted session with ECDH: a public key of the session's curve (the same one in every REGISTER). */
  ecdhKey?: KeyObject;
  /** How long the child listens for answers after its last datagram. */
  replyWaitMs?: number;
  /** Pace: this many REGISTERs a second (default: as fast as the socket takes them). */
  perSecond?: number;
}

export interface FloodResult extends ExecResult {
  sent: number;
  /** Milliseconds from the first datagram to the last. */
  tookMs: number;
  /** Datagrams the server sent back, by message type. */
  replies: Record<number, number>;
}

/** Sends the REGISTERs to `target` ('addr:port': uftp's -u port) from `host`. */
export async function floodRegisters(host: LabHost, target: string, f: RegisterFlood): Promise<FloodResult> {
  const perMessage = f.perMessage ?? 0;
  const template = encodePacket(
    { version: UFTP_VERSION, func: MessageType.REGISTER, seq: 0, srcId: 0, groupId: f.groupId, groupInst: f.groupInst ?? 0, grtt: 0, gsize: 0, reserved: 0 },
    {
      type: MessageType.REGISTER, tsSec: 0, tsUsec: 0, random: new Uint8Array(32).fill(0x5a), keyInfo: f.ecdhKey ? keyBlob(f.ecdhKey) : new Uint8Array(0),
      extensions: NO_EXTENSIONS, clientIds: new Array<number>(perMessage).fill(0),
    },
  );
  const args = [target, String(f.count), String(f.firstId ?? 0x0b000000), template.toString('hex'), String(perMessage), String(f.replyWaitMs ?? 1000), String(f.perSecond ?? 0)];
  const run = await host.exec(process.execPath, ['-e', SCRIPT, ...args], { timeoutMs: 120_000 });
  const sent = Number(/^sent (\d+)$/m.exec(run.stdout)?.[1] ?? -1);
  const tookMs = Number(/^took (\d+)$/m.exec(run.stdout)?.[1] ?? -1);
  const replies = JSON.parse(/^replies (.*)$/m.exec(run.stdout)?.[1] ?? '{}') as Record<number, number>;
  return { ...run, sent, tookMs, replies };
}
