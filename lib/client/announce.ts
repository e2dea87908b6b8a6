// ANNOUNCE: where a session begins (protocol.txt 5.1.1, 5.1.2). The client checks that it may take part
// (closed group list, -S, -E, a key matching the server's), works out its half of the key exchange, joins
// the private group and registers. A repeated ANNOUNCE of a session already under way only keeps it alive.
// New sessions are admitted by admission.ts (a rate per source, a limit), ahead of any key work.
import type { KeyObject } from 'node:crypto';
import { CongestionControl, type Announce, type UftpHeader } from '../protocol';
import { ANNOUNCE_SYNC_MODE, ANNOUNCE_SYNC_PREVIEW } from '../protocol/announce';
import { isMulticast } from '../net/validate';
import { isSsmAddress, sameFingerprint, serverEntry } from '../session/access';
import { dropped, droppedWithLine, hexId } from '../session/drop';
import { blobFingerprint } from '../session/keys';
import {
  announceSignatureValid, encInfoOf, matchingKey, sessionCrypto, startRegistration, type Registrant,
} from '../session/registrant';
import { unquantizeGrtt } from '../protocol';
import { glog, type Ctx } from './context';
import { announceSeen, type AdmissionTable } from './admission';
import { abortSession } from './ending';
import { sendRegister } from './registration';
import { ClientSession } from './session';
import { connectLine } from './status-lines';
import { TfmccReceiver } from './tfmcc';
import { resetTimeout, expiryMs } from './timeouts';
import { listed } from './messages';
import type { Endpoint } from './types';

/** The response proxy's keys, once its PROXY_KEY has been checked. */
export interface ProxyKeys {
  key: KeyObject;
  dh?: KeyObject;
}

export interface SessionTable extends AdmissionTable {
  get(groupId: number, inst: number): ClientSession | undefined;
  add(session: ClientSession): void;
}

/** Bytes a FILESEG occupies on the wire besides its data: for TFMCC's rate arithmetic. */
function dataPacketSize(blockSize: number, ipv6: boolean, tfmcc: boolean, reg?: Registrant): number {
  let size = blockSize + 8 + (tfmcc ? 8 : 0) + 16 + 8 + (ipv6 ? 40 : 20);
  if (reg) size += 12 + 16 + (reg.sigType === 1 ? reg.sessionKeys.hmacKey.length : 0);
  return size;
}

export function onAnnounce(
  ctx: Ctx,
  sessions: SessionTable,
  proxyKeys: ProxyKeys | undefined,
  header: UftpHeader,
  ann: Announce,
  from: Endpoint,
  packetLength: number,
  admit: (serverId: number) => boolean,
): void {
  const { config } = ctx;
  const existing = sessions.get(header.groupId, header.groupInst);
  if (existing) {
    // Other clients are still registering: keep this one alive meanwhile.
    if (existing.phase === 'midgroup') resetTimeout(ctx, existing);
    // The server is still there: our registration may go on (up to its full time).
    else if (existing.phase === 'registered') announceSeen(ctx, existing, header.grtt);
    return;
  }
  if (ann.clientIds.length > 0 && !listed(ann.clientIds, config.uid)) {
    // The real uftpd's line, but as a drop: a flood of such ANNOUNCEs is thinned, not logged each.
    droppedWithLine(ctx.out, 'access', 'Name not in host list', header, 1);
    return;
  }
  const entry = serverEntry(config.serverList, header.srcId, from.address);
  if (entry === null) {
    dropped(ctx.out, 'access', `ANNOUNCE from server ${hexId(header.srcId)} at ${from.address}, not in the server list`, header.groupId, 1);
    return;
  }
  if (!admit(header.srcId)) return;

  const session = new ClientSession({
    header, replyTo: config.responseProxy ? { address: config.responseProxy.address, port: config.responseProxy.port } : { ...from },
    source: from.address, publicAddr: ann.publicAddr, privateAddr: ann.privateAddr, robust: ann.robust,
    blockSize: ann.blockSize, ccType: ann.ccType, syncMode: (ann.flags & (ANNOUNCE_SYNC_MODE | ANNOUNCE_SYNC_PREVIEW)) !== 0,
    syncPreview: (ann.flags & ANNOUNCE_SYNC_PREVIEW) !== 0, restart: header.groupInst !== 0 && config.tempDir !== undefined,
    grtt: unquantizeGrtt(header.grtt), wall: ctx.clock.wall, now: ctx.clock.now, serverTs: { sec: ann.tsSec, usec: ann.tsUsec },
  });
  sessions.add(session);
  session.expireAt = ctx.clock.now + expiryMs(session);
  announceSeen(ctx, session, header.grtt);

  const refusal = encryption(ctx, session, header, ann, proxyKeys, entry?.fingerprint);
  if (refusal !== undefined) {
    glog(ctx, session, 1, refusal);
    abortSession(ctx, sessions, session, refusal);
    return;
  }
  const name = config.hostName?.(from.address) ?? from.address;
  glog(ctx, session, 2, `Received request from ${hexId(header.srcId).slice(2)} at ${name} (${from.address})`);
  glog(ctx, session, 2, `Using private multicast address ${ann.privateAddr}`);
  glog(ctx, session, 3, `grtt = ${session.grtt.toFixed(6)}`);
  if (config.statusFile) {
    ctx.out.push({ type: 'status', line: connectLine(ctx.clock.wall, header.srcId, header.groupId, from.address, name) });
  }
  const abort = (why: string): void => {
    glog(ctx, session, 1, why);
    abortSession(ctx, sessions, session, why);
  };
  if (session.restart && session.syncMode) return abort('Sync mode and restart mode incompatible');
  // A blank private address is a unicast session (`uftp -M <client address>`): everything comes to our own
  // address, there is no group to check or join (the real uftpd takes these too).
  if (!isBlankAddress(ann.privateAddr)) {
    if (config.serverList && !(isSsmAddress(ann.privateAddr) && isSsmAddress(ann.publicAddr))) {
      return abort(`Invalid source specific multicast address: ${ann.privateAddr}`);
    }
    if (!isMulticast(ann.privateAddr)) return abort(`Invalid multicast address: ${ann.privateAddr}`);
    joinPrivate(ctx, session);
  }
  if (session.ccType === CongestionControl.TFMCC) {
    const size = dataPacketSize(session.blockSize, ann.privateAddr.includes(':'), true, session.reg);
    session.tfmcc = new TfmccReceiver(header.seq, packetLength, ctx.clock.now, size);
  }
  sendRegister(ctx, sessions, session);
}

function joinPrivate(ctx: Ctx, session: ClientSession): void {
  const { config } = ctx;
  let sources: string[] | undefined;
  if (config.serverList) {
    sources = config.serverList.map((e) => e.address);
    if (config.responseProxy) sources.push(config.responseProxy.address);
    sources = sources.filter((a) => a.includes(':') === session.privateAddr.includes(':'));
  }
  session.joined = sources ? { group: session.privateAddr, sources } : { group: session.privateAddr };
  ctx.out.push({ type: 'join', ...session.joined });
}

/** Sets up the session's keys; answers why the client cannot take part, or undefined. */
function encryption(
  ctx: Ctx,
  session: ClientSession,
  header: UftpHeader,
  ann: Announce,
  proxyKeys: ProxyKeys | undefined,
  fingerprint: string | undefined,
): string | undefined {
  const { config } = ctx;
  const enc = encInfoOf(ann);
  if (!enc) return config.encryptedOnly ? 'No unencrypted transfers allowed' : undefined;
  const crypto = sessionCrypto(enc);
  if (!crypto.ok) return crypto.why;
  if (fingerprint !== undefined) {
    const fp = blobFingerprint(enc.publicKey);
    if (fp === undefined || !sameFingerprint(fp, fingerprint)) return 'Failed to verify server key fingerprint';
  }
  const ownKey = matchingKey(config.keys, crypto.value.serverKey);
  if (!ownKey) return 'No client key compatible with server key';
  let exchangeKey;
  let exchangeDh;
  if (config.responseProxy) {
    if (!proxyKeys) return "Response proxy set but haven't gotten key yet";
    if (!sameKind(proxyKeys.key, crypto.value.serverKey)) return 'Response proxy key not compatible with server key';
    exchangeKey = proxyKeys.key;
    if (crypto.value.serverDh) {
      if (!proxyKeys.dh || !sameKind(proxyKeys.dh, crypto.value.serverDh)) return 'Response proxy ECDH key not compatible with server ECDH key';
      exchangeDh = proxyKeys.dh;
    }
  }
  if (crypto.value.serverDh && !announceSignatureValid(header, ann, enc, crypto.value)) return 'Signature verification failed';
  const reg = startRegistration(header, ann, enc, crypto.value, { ownKey, exchangeKey, exchangeDh }, ctx.clock.wall);
  if (!reg.ok) return reg.why;
  session.reg = reg.value;
  return undefined;
}

/** Same RSA modulus size, or same EC curve. */
function sameKind(a: KeyObject, b: KeyObject): boolean {
  if (a.asymmetricKeyType !== b.asymmetricKeyType) return false;
  if (a.asymmetricKeyType === 'ec') return a.asymmetricKeyDetails?.namedCurve === b.asymmetricKeyDetails?.namedCurve;
  return a.asymmetricKeyDetails?.modulusLength === b.asymmetricKeyDetails?.modulusLength;
}

/** 0.0.0.0 or :: (as lib/protocol formats them): the ANNOUNCE of a unicast session. */
export function isBlankAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
