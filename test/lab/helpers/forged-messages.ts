// Well-formed UFTP messages that a server must not act on, sent by a plain node child inside a lab host: the
// answers a client would send, but claiming a registered client's ID (or fresh IDs), for a file that is not
// the current one, a section past the file, a session that is not encrypted, or making a plain client look
// like a proxy. Random noise (proxy-garbage.ts) almost never decodes; these all do.
import type { ExecResult, LabHost } from '../../../scripts/lab';
import { generateKeyPair } from '../../../lib/crypto/key-pair';
import { encodePacket, MessageType, NO_EXTENSIONS, UFTP_VERSION, type Message } from '../../../lib/protocol';
import { blobOf } from '../../../lib/session/keys';

const SCRIPT = String.raw`
const dgram = require('node:dgram');
const [targets, rounds] = process.argv.slice(1);
const to = targets.split(',').map((t) => { const [addr, port] = t.split(':'); return { addr, port: Number(port) }; });
const packets = require('node:fs').readFileSync(0, 'utf8').trim().split('\n').map((h) => Buffer.from(h, 'hex'));
const sock = dgram.createSocket('udp4');
let round = 0, pending = 0, sent = 0;
const done = () => { if (round === Number(rounds) && pending === 0) { console.log('sent ' + sent); sock.close(); } };
function burst() {
  for (const p of packets) for (const t of to) { pending++; sent++; sock.send(p, t.port, t.addr, () => { pending--; done(); }); }
  round++;
  if (round < Number(rounds)) setTimeout(burst, 2); else done();
}
burst();
`;

/** One segment: our uftp, two clients, and a host that sends the server forgeries. */
export const ATTACKED_SERVER_LAB = {
  segments: ['a'],
  hosts: {
    server: { segments: ['a'] },
    near: { segments: ['a'] },
    near2: { segments: ['a'] },
    attacker: { segments: ['a'] },
  },
};
/** The server's -u port: where the clients' answers, and the forgeries, go. */
export const SERVER_SOURCE_PORT = 1045;

export interface ForgeryTarget {
  groupId: number;
  groupInst: number;
  /** The ID forged: a registered client's. */
  clientId: number;
  /** The file being sent (the forgeries name others). */
  fileId: number;
}

/**
 * One of each forgery; `fresh` more REGISTERs and CLIENT_KEYs from IDs nobody registered. `encrypted`: the session
 * is, so a COMPLETE for the current file in clear is one more forgery it must refuse. (In a plain session nothing
 * tells that COMPLETE from the client's own, for the real uftp as for ours: it is left out there.)
 */
export function forgedMessages(t: ForgeryTarget, encrypted: boolean, fresh = 16): Buffer[] {
  let seq = 0x4000;
  const packet = (srcId: number, msg: Message): Buffer =>
    encodePacket({ version: UFTP_VERSION, func: msg.type, seq: seq++, srcId, groupId: t.groupId, groupInst: t.groupInst, grtt: 0, gsize: 0, reserved: 0 }, msg);
  const now = Date.now();
  const ts = { tsSec: Math.floor(now / 1000), tsUsec: (now % 1000) * 1000 };
  const other = (t.fileId + 0x777) & 0xffff || 1;
  const { publicKey } = generateKeyPair({ type: 'rsa', bits: 1024 });
  const out = [
    // A registered plain client claims to be a proxy for three others.
    packet(t.clientId, { type: MessageType.REGISTER, ...ts, random: new Uint8Array(32), keyInfo: new Uint8Array(0), extensions: NO_EXTENSIONS, clientIds: [0x0a000001, 0x0a000002, 0x0a000003] }),
    packet(t.clientId, { type: MessageType.REGISTER, ...ts, random: new Uint8Array(32), keyInfo: new Uint8Array(0), extensions: NO_EXTENSIONS, clientIds: [] }),
    packet(t.clientId, { type: MessageType.COMPLETE, fileId: other, status: 0, reserved: 0, extensions: NO_EXTENSIONS, clientIds: [] }),
    packet(t.clientId, { type: MessageType.STATUS, fileId: other, section: 0, reserved: 0, extensions: NO_EXTENSIONS, naks: new Uint8Array(64) }),
    packet(t.clientId, { type: MessageType.STATUS, fileId: t.fileId, section: 999, reserved: 0, extensions: NO_EXTENSIONS, naks: new Uint8Array(64) }),
    packet(t.clientId, { type: MessageType.FILEINFO_ACK, fileId: other, flags: 0, reserved: 0, ...ts, extensions: NO_EXTENSIONS, clientIds: [] }),
    packet(t.clientId, { type: MessageType.KEYINFO_ACK, reserved: 0, verifyData: new Uint8Array(12), extensions: NO_EXTENSIONS }),
    packet(t.clientId, { type: MessageType.CLIENT_KEY, reserved: 0, publicKey: blobOf(publicKey), verifySignature: new Uint8Array(128), extensions: NO_EXTENSIONS }),
    packet(t.clientId, { type: MessageType.CC_ACK, reserved: 0, extensions: NO_EXTENSIONS }),
  ];
  if (encrypted) {
    out.push(packet(t.clientId, { type: MessageType.COMPLETE, fileId: t.fileId, status: 0, reserved: 0, extensions: NO_EXTENSIONS, clientIds: [0x0a000001] }));
  }
  for (let i = 0; i < fresh; i++) {
    const id = (0x0b000000 + i) >>> 0;
    out.push(packet(id, { type: MessageType.REGISTER, ...ts, random: new Uint8Array(32), keyInfo: new Uint8Array(0), extensions: NO_EXTENSIONS, clientIds: [] }));
    out.push(packet(id, { type: MessageType.CLIENT_KEY, reserved: 0, publicKey: blobOf(publicKey), verifySignature: new Uint8Array(128), extensions: NO_EXTENSIONS }));
  }
  return out;
}

/** Sends the datagrams `rounds` times over to each of `targets` ('addr:port'), a round every 2 ms. */
export function sendDatagrams(host: LabHost, targets: string[], datagrams: Buffer[], rounds: number): Promise<ExecResult> {
  return host.exec(process.execPath, ['-e', SCRIPT, targets.join(','), String(rounds)], {
    timeoutMs: 60_000,
    input: datagrams.map((d) => d.toString('hex')).join('\n'),
  });
}
