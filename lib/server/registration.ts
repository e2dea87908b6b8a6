// The Announce/Register phase (protocol.txt 3.2, 5.1.1, 5.1.2): ANNOUNCE every 3 x GRTT, at most ROBUST
// rounds (a closed group lists those not registered yet and ends one GRTT after the last one is in);
// REGISTER (and CLIENT_KEY) from clients and proxies; REG_CONF to the registered (unencrypted, or clients
// behind a proxy), KEYINFO with the group master (encrypted), KEYINFO_ACK back.
import { fingerprint, keyBlob, signatureLength, type HandshakeValues } from '../crypto';
import {
  ANNOUNCE_IPV6, ANNOUNCE_SYNC_MODE, ANNOUNCE_SYNC_PREVIEW, MessageType, NO_EXTENSIONS, SigType, encodePacket, parseIp,
  type Announce, type ClientKey, type KeyInfo, type KeyInfoAck, type Register, type UftpHeader,
} from '../protocol';
import { isMulticast } from '../net/validate';
import { sameFingerprint } from '../session/access';
import { acceptRegistration, clientKeyValid, keyInfoAckValid, keyInfoEntry } from '../session/authority';
import { keyOfBlob } from '../session/keys';
import { nextIv, type EcdhPair } from '../session/registrant';
import { wallToTimestamp } from '../session/timing';
import { abortClient, abortEveryone } from './aborts';
import { admitNew } from './admit';
import type { ClientRecord } from './clients';
import { announcePacket, encInfo } from './group-keys';
import { rttFrom } from './grtt';
import { idsPerPacket, privateGroup, publicGroup, refused, sendListed, serverHeader, slog } from './outgoing';
import type { Ctx } from './state';
import { connectLine } from './status-lines';
import type { Endpoint } from './types';

const ANNOUNCE_FIXED = 16;
const KEYINFO_ENTRY = 52;

/** One round of the phase: KEYINFO, REG_CONF, ANNOUNCE, in the real server's order. */
export function announceRound(ctx: Ctx): void {
  const { state } = ctx;
  if (state.keys) sendKeyInfo(ctx);
  sendRegConf(ctx);
  sendAnnounce(ctx);
  ctx.out.push({ type: 'setTimer', id: 'round', at: ctx.clock.now + 3 * state.grtt.value * 1000 });
}

function sendAnnounce(ctx: Ctx): void {
  const { state, config } = ctx;
  const v6 = config.publicAddr.includes(':');
  const multicast = isMulticast(config.publicAddr);
  const flags = (config.syncMode || config.syncPreview ? ANNOUNCE_SYNC_MODE : 0) | (config.syncPreview ? ANNOUNCE_SYNC_PREVIEW : 0) | (v6 ? ANNOUNCE_IPV6 : 0);
  const zero = v6 ? '::' : '0.0.0.0';
  const ts = wallToTimestamp(ctx.clock.wall);
  const base: Announce = {
    type: MessageType.ANNOUNCE, flags, robust: config.robust, ccType: config.cc.type, reserved: 0, blockSize: config.blockSize,
    tsSec: ts.sec, tsUsec: ts.usec, publicAddr: multicast ? config.publicAddr : zero, privateAddr: multicast ? config.privateAddr : zero,
    extensions: state.keys ? [encInfo(state.keys)] : NO_EXTENSIONS, clientIds: [],
  };
  const to = publicGroup(ctx);
  const emit = (clientIds: number[]): void => {
    const header = serverHeader(ctx, MessageType.ANNOUNCE);
    ctx.out.push({ type: 'send', data: announcePacket(header, { ...base, clientIds }, state.keys), to });
  };
  if (!state.clients.closed) {
    slog(ctx, 2, `Sending ANNOUNCE ${state.attempt}`);
    emit([]);
    return;
  }
  const mute = state.clients.inState('mute').map((c) => c.id);
  if (mute.length === 0) return;
  const encBytes = state.keys ? announcePacket(serverHeader(ctx, MessageType.ANNOUNCE), base, state.keys).length - 16 : 0;
  const per = idsPerPacket(ctx, Math.max(ANNOUNCE_FIXED + (v6 ? 32 : 8), encBytes));
  for (let i = 0, part = 1; i < mute.length; i += per, part++) {
    slog(ctx, 2, `Sending ANNOUNCE ${state.attempt}.${part}`);
    emit(mute.slice(i, i + per));
  }
}

/** `round`: between rounds (the last listed client just registered) it is the next round's number. */
function sendRegConf(ctx: Ctx, round?: number): void {
  const { state } = ctx;
  // Unencrypted: every registered client; encrypted: the clients behind a proxy (their proxy hands them the key).
  const ids = state.clients.all().filter((c) => c.confirmPending && c.state === 'active' && (!state.keys || c.proxy !== undefined)).map((c) => c.id);
  if (ids.length === 0) return;
  sendListed(ctx, ids, idsPerPacket(ctx, 4), (clientIds) => ({ type: MessageType.REG_CONF, reserved: 0, extensions: NO_EXTENSIONS, clientIds }), {
    name: 'REG_CONF', encrypt: false, round,
  });
  for (const id of ids) state.clients.get(id)!.confirmPending = false;
}

function sendKeyInfo(ctx: Ctx): void {
  const keys = ctx.state.keys!;
  const waiting = ctx.state.clients.inState('registered').filter((c) => c.crypto?.sessionKeys);
  const per = Math.max(1, Math.floor(ctx.config.blockSize / KEYINFO_ENTRY));
  for (let i = 0, part = 1; i < waiting.length; i += per, part++) {
    const ivCounter = nextIv(keys);
    const msg: KeyInfo = {
      type: MessageType.KEYINFO, reserved: 0, ivCounter, extensions: NO_EXTENSIONS,
      keys: waiting.slice(i, i + per).map((c) => keyInfoEntry(c.id, c.crypto!.sessionKeys!, keys.groupMaster, ivCounter, ctx.config.uid)),
    };
    slog(ctx, 2, `Sending KEYINFO ${ctx.state.attempt}.${part}`);
    ctx.out.push({ type: 'send', data: encodeKeyInfo(ctx, msg), to: privateGroup(ctx) });
  }
}

/** KEYINFO goes in clear: its entries are what is encrypted. */
function encodeKeyInfo(ctx: Ctx, msg: KeyInfo): Buffer {
  return encodePacket(serverHeader(ctx, MessageType.KEYINFO), msg);
}

/** The handshake values the client's signatures cover; the private address is zeros in unicast mode, as ANNOUNCE says. */
function handshake(ctx: Ctx, client: ClientRecord): HandshakeValues {
  const keys = ctx.state.keys!;
  const { config } = ctx;
  const shown = isMulticast(config.publicAddr) ? config.privateAddr : config.publicAddr.includes(':') ? '::' : '0.0.0.0';
  const privateAddress = parseIp(shown) as Uint8Array;
  return { groupId: config.groupId, privateAddress, serverRandom: keys.random, clientRandom: client.crypto!.random, premaster: client.crypto!.premaster };
}

/** A REGISTER, from a client, or from a proxy for the clients it lists (and, encrypted, for itself). */
export function onRegister(ctx: Ctx, header: UftpHeader, msg: Register, from: Endpoint): void {
  const { state } = ctx;
  const id = header.srcId >>> 0;
  let client = state.clients.get(id);
  // Past the announce phase nobody joins, and a REGISTER changes nothing (forged ones least of all): as the real
  // uftp, an unknown host is not in the host list even in an open group, and a known one's REGISTER is ignored.
  if (state.phase !== 'announce') {
    if (client) refused(ctx, 'unexpected', 2, `Received REGISTER+ from ${client.name}`);
    else refused(ctx, 'access', 1, `Host ${hexId(id)} not in host list`);
    return;
  }
  if (!client && state.clients.closed && !ctx.config.proxies?.some((p) => p.id >>> 0 === id)) {
    refuseUnlisted(ctx, id, from);
    return;
  }
  // An open group takes new IDs as admission.ts allows; a closed one is bounded by its list.
  let listed = msg.clientIds;
  if (!state.clients.closed) {
    const fresh = newListed(ctx, id, msg.clientIds);
    const admitted = admitNew(ctx, id, { self: !client, listed: fresh.length }, from);
    if (!client && !admitted.self) return;
    if (admitted.listed < fresh.length) {
      const allowed = new Set(fresh.slice(0, admitted.listed));
      listed = msg.clientIds.filter((raw) => state.clients.get(raw) !== undefined || allowed.has(raw >>> 0));
    }
  }
  const isNew = !client;
  client ??= state.clients.add(id);
  if (client.failed) return;
  const isProxy = msg.clientIds.length > 0 || client.isProxy;
  // A host is a proxy from its first REGISTER on (or by -j): one registered as a client does not turn into one.
  if (msg.clientIds.length > 0 && !client.isProxy && (client.registered || (state.clients.closed && !ctx.config.proxies?.some((p) => p.id >>> 0 === id)))) {
    refused(ctx, 'access', 1, `Rejecting REGISTER from ${client.name}: specified multiple clients but not a proxy`);
    if (client.registered) return; // a forgery in its name: the client itself stays in
    abortClient(ctx, id, 'specified multiple clients but not a proxy', from);
    client.state = 'aborted';
    return;
  }
  client.isProxy = isProxy;
  if (!client.registered) client.from = { ...from };
  const dup = client.registered;
  if (client.state === 'mute') {
    if (state.keys && !registerKeys(ctx, client, msg)) {
      if (isNew) state.clients.remove(id); // a REGISTER that fails its key exchange leaves nothing behind
      return;
    }
    const needKey = state.keys?.config.clientAuth === true && !client.crypto?.publicKey;
    client.state = !state.keys ? 'active' : needKey ? 'mute' : 'registered';
  }
  client.rtt = rttFrom(msg.tsSec, msg.tsUsec, ctx.clock.wall);
  client.rttMeasured = true;
  client.registered = true;
  state.recalculateGrtt();
  if (!state.keys) client.confirmPending = true;
  slog(ctx, 2, `Received REGISTER${dup && !isProxy ? '+' : ''} from ${isProxy ? 'proxy' : 'client'} ${client.name}`);
  slog(ctx, 3, `  rtt = ${client.rtt.toFixed(6)}`);
  if (listed.length > 0) addProxyClients(ctx, client, listed, from);
  checkAllRegistered(ctx);
}

/** The IDs a REGISTER lists that the table does not know yet (each once, the sender's own left out). */
function newListed(ctx: Ctx, senderId: number, ids: number[]): number[] {
  if (ids.length === 0) return ids;
  const fresh = new Set<number>();
  for (const raw of ids) {
    const id = raw >>> 0;
    if (id !== senderId && !ctx.state.clients.get(id)) fresh.add(id);
  }
  return [...fresh];
}

/** A closed group's answer to a host it does not list: a drop line, and an ABORT (as stranger-aborts.ts allows). */
function refuseUnlisted(ctx: Ctx, id: number, from: Endpoint): void {
  refused(ctx, 'access', 1, `Host ${hexId(id)} not in host list`);
  abortClient(ctx, id, 'Not in host list', from);
}

function hexId(id: number): string {
  return (id >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** The clients a proxy registers for: they take part through it (they get the key from it). */
function addProxyClients(ctx: Ctx, proxy: ClientRecord, ids: number[], from: Endpoint): void {
  const { state } = ctx;
  for (const raw of ids) {
    const id = raw >>> 0;
    let client = state.clients.get(id);
    if (!client) {
      if (state.clients.closed) {
        refuseUnlisted(ctx, id, from);
        continue;
      }
      client = state.clients.add(id);
    }
    if (client.failed) continue;
    const dup = client.state === 'active';
    client.state = 'active';
    client.proxy = proxy.id;
    client.rtt = proxy.rtt;
    client.rttMeasured = true;
    client.registered = true;
    client.confirmPending = true;
    slog(ctx, 1, `  For client${dup ? '+' : ''} ${client.name}`);
  }
}

/** The premaster and session keys of an encrypted REGISTER (and a CLIENT_KEY that came first, checked now). */
function registerKeys(ctx: Ctx, client: ClientRecord, msg: Register): boolean {
  const keys = ctx.state.keys!;
  try {
    const own = { rsaKey: keys.config.key.key, ecdhKey: (keys.ecdh as EcdhPair | undefined)?.privateKey };
    const suite = { keyexType: keys.config.keyexType, hash: keys.hash, cipher: keys.cipher, serverRandom: keys.random };
    const accepted = acceptRegistration(suite, own, msg.random, msg.keyInfo);
    client.crypto = { ...client.crypto, random: Buffer.from(msg.random), ...accepted };
  } catch (err) {
    refused(ctx, 'crypto', 1, `Rejecting REGISTER from ${client.name}: failed to decrypt premaster secret (${(err as Error).message})`);
    return false;
  }
  const sig = client.crypto.pendingSignature;
  if (client.crypto.publicKey && sig) {
    client.crypto.pendingSignature = undefined;
    if (!clientKeyValid(keys.hash, client.crypto.publicKey, handshake(ctx, client), sig)) {
      refused(ctx, 'crypto', 1, `Rejecting CLIENT_KEY from ${client.name}: verify data mismatch`);
      client.crypto.publicKey = undefined;
      client.crypto.keyBlob = undefined;
    }
  }
  return true;
}

export function onClientKey(ctx: Ctx, header: UftpHeader, msg: ClientKey, from: Endpoint): void {
  const { state } = ctx;
  const keys = state.keys;
  const id = header.srcId >>> 0;
  if (!keys) {
    refused(ctx, 'unexpected', 1, `Received CLIENT_KEY from ${hexId(id)} in an unencrypted session`);
    return;
  }
  let client = state.clients.get(id);
  // As REGISTER: past the announce phase nobody joins and nobody's key changes.
  if (state.phase !== 'announce') {
    if (client) refused(ctx, 'unexpected', 2, `Received CLIENT_KEY+ from ${client.name}`);
    else refused(ctx, 'access', 1, `Host ${hexId(id)} not in host list`);
    return;
  }
  if (!client && state.clients.closed) {
    refuseUnlisted(ctx, id, from);
    return;
  }
  // A new ID in an open group as admission.ts allows, and its record made only once its key is usable.
  if (!client && !admitNew(ctx, id, { self: true, listed: 0 }, from).self) return;
  const name = client?.name ?? `0x${hexId(id)}`;
  if (client?.crypto?.publicKey) {
    refused(ctx, 'unexpected', 2, `Received CLIENT_KEY+ from ${name}`);
    return;
  }
  const key = keyOfBlob(msg.publicKey);
  if (!key) {
    refused(ctx, 'crypto', 1, `Rejecting CLIENT_KEY from ${name}: failed to import key`);
    return;
  }
  const listedFp = client?.fingerprint;
  if (keys.config.clientAuth && listedFp !== undefined && !sameFingerprint(fingerprint(key), listedFp)) {
    refused(ctx, 'crypto', 1, `Rejecting CLIENT_KEY from ${name}: key fingerprint mismatch`);
    return;
  }
  if (keys.config.sigType === SigType.KEYEX && signatureLength(key) !== signatureLength(keys.config.key.key)) {
    refused(ctx, 'crypto', 1, `Rejecting CLIENT_KEY from ${name}: key does not match the server's for signatures`);
    return;
  }
  const blob = keyBlob(key);
  client ??= state.clients.add(id);
  if (!client.crypto?.sessionKeys) {
    // Before its REGISTER: kept, and its signature checked when the REGISTER gives the premaster.
    client.crypto = { random: new Uint8Array(0), premaster: Buffer.alloc(0), publicKey: key, keyBlob: blob, pendingSignature: msg.verifySignature };
    slog(ctx, 2, `Received CLIENT_KEY from ${client.name}`);
    return;
  }
  if (!clientKeyValid(keys.hash, key, handshake(ctx, client), msg.verifySignature)) {
    refused(ctx, 'crypto', 1, `Rejecting CLIENT_KEY from ${client.name}: verify data mismatch`);
    return;
  }
  client.crypto.publicKey = key;
  client.crypto.keyBlob = blob;
  slog(ctx, 2, `Received CLIENT_KEY from ${client.name}`);
  if (client.state === 'mute' && client.registered) client.state = 'registered';
  checkAllRegistered(ctx);
}

export function onKeyInfoAck(ctx: Ctx, header: UftpHeader, msg: KeyInfoAck): void {
  const { state } = ctx;
  const client = state.clients.get(header.srcId);
  const keys = state.keys;
  if (!client || !keys || !client.crypto?.sessionKeys) return;
  const values = { ...handshake(ctx, client), clientKeyBlob: client.crypto.keyBlob, groupMaster: keys.groupMaster };
  if (!keyInfoAckValid(keys.hash, values, msg.verifyData)) {
    refused(ctx, 'crypto', 1, `Rejecting KEYINFO_ACK from ${client.name}: verify data mismatch`);
    return;
  }
  const dup = client.state === 'active';
  if (client.state === 'registered') client.state = 'active';
  // A proxy's clients get the key from it once the proxy has it: name them in REG_CONF.
  if (client.isProxy) for (const c of state.clients.all()) if (c.proxy === client.id && c.state === 'active') c.confirmPending = true;
  slog(ctx, 2, `Received KEYINFO_ACK${dup ? '+' : ''} from ${client.isProxy ? 'proxy' : 'client'} ${client.name}`);
  checkAllRegistered(ctx);
}

/** Closed group: everyone in: one more GRTT for late ones, then on; all registered: the next round now. */
function checkAllRegistered(ctx: Ctx): void {
  const { state } = ctx;
  if (!state.clients.closed) return;
  // Asked after each client's REGISTER, CLIENT_KEY and KEYINFO_ACK: one pass, no array.
  let gotAll = true;
  let allReg = true;
  for (const c of state.clients.values()) {
    if (c.state === 'active' || c.state === 'aborted') continue;
    gotAll = false;
    if (c.state !== 'registered') {
      allReg = false;
      break;
    }
  }
  if (gotAll) {
    if (!state.lastPass) slog(ctx, 2, 'Late registers:');
    state.lastPass = true;
    sendRegConf(ctx, state.attempt + 1);
    ctx.out.push({ type: 'setTimer', id: 'round', at: ctx.clock.now + state.grtt.value * 1000 });
  } else if (allReg && !state.regDone) {
    state.regDone = true;
    announceRound(ctx);
  }
}

/** The phase's round timer: another round, or the end of the phase. Answers true when the phase is over. */
export function onAnnounceTimer(ctx: Ctx): boolean {
  const { state } = ctx;
  if (state.lastPass) return true;
  state.attempt++;
  state.recalculateGrtt();
  if (state.attempt > ctx.config.robust) return true;
  announceRound(ctx);
  return false;
}

/** Who is in: lost those that never confirmed, the CONNECT lines; answers whether anyone is. */
export function endAnnounce(ctx: Ctx): boolean {
  const { state, config } = ctx;
  let anyError = false;
  for (const c of state.clients.all()) {
    if (c.state === 'registered') {
      slog(ctx, 1, `Couldn't get KEYINFO_ACK from ${c.name}`);
      c.state = 'lost';
      c.reason = 'Lost connection';
      anyError = true;
    }
    if (c.state === 'mute' || c.state === 'aborted') anyError = true;
  }
  const gotOne = state.clients.all().some((c) => c.state === 'active' && !c.isProxy);
  if (!state.clients.closed) sendRegConf(ctx);
  if (config.statusFile) {
    for (const c of state.clients.receivers()) ctx.out.push({ type: 'status', line: connectLine(c.state === 'active', c.name) });
  }
  if (anyError && config.quitOnError) {
    abortEveryone(ctx, 'A client dropped out, aborting all');
    return false;
  }
  if (!gotOne) slog(ctx, 0, 'Announce timed out');
  return gotOne;
}
