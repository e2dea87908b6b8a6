// ANNOUNCE: where a session begins. The proxy learns the group, the private address, GRTT and ROBUST and
// where the server is; a server or response proxy joins the private group; then the ANNOUNCE goes on:
// unicast to the downstream proxy (server proxy), multicast on the public group (client proxy), or nowhere
// (response proxy).
import { type Announce, type EncInfoExt, type UftpHeader } from '../protocol';
import { isSsmAddress, sameFingerprint, serverEntry } from '../session/access';
import { log, send, type Ctx } from './context';
import { dropped, hexId } from '../session/drop';
import { announceKeyFingerprint, rewriteAnnounce, setUpSessionKeys } from './key-exchange';
import { isMulticast } from '../net/validate';
import { Session, sessionKey } from './session';
import type { EcdhPair } from '../session/registrant';
import type { Endpoint } from './types';

export function onAnnounce(
  ctx: Ctx,
  sessions: Map<number, Session>,
  data: Uint8Array,
  header: UftpHeader,
  ann: Announce,
  from: Endpoint,
  to: string,
  downstream: Endpoint | undefined,
  admit: (serverId: number) => boolean,
  longLivedEcdh?: EcdhPair,
): void {
  const { config } = ctx;
  const groupId = header.groupId;
  if (config.mode === 'client' && isMulticast(to)) {
    dropped(ctx.out, 'unexpected', `ANNOUNCE to ${to}: a client proxy takes them from a server proxy`, header, 5);
    return;
  }
  if (!admitted(ctx, header, ann, from)) return;
  let session = sessions.get(sessionKey(groupId, header.groupInst));
  if (session && (session.upstream.address !== from.address || session.upstream.port !== from.port)) {
    dropped(ctx.out, 'unexpected', `ANNOUNCE from ${from.address}:${from.port}, the session's server is upstream at ${session.upstream.address}`, header);
    return;
  }
  if (!session) {
    if (!admit(header.srcId)) return; // before any key work: forged ANNOUNCEs must cost little
    session = open(ctx, header, ann, from, longLivedEcdh);
    if (!session) return;
    sessions.set(session.key, session);
  }
  session.grtt = header.grtt;
  session.robust = ann.robust;
  if (config.mode === 'server') {
    if (downstream) send(ctx, data, downstream);
    else dropped(ctx.out, 'unexpected', 'no downstream proxy yet (waiting for a heartbeat)', header, 5);
  } else if (config.mode === 'client') {
    const requireClientKey = config.clientList?.some((e) => e.fingerprint !== undefined) ?? false;
    send(ctx, session.keys ? rewriteAnnounce(session.keys, header, ann, requireClientKey) : data, session.publicTarget);
  }
}

/** -S: a listed server (from its own address, unless it reaches a client proxy through a server proxy), an
 * SSM private address, and the listed key. */
function admitted(ctx: Ctx, header: UftpHeader, ann: Announce, from: Endpoint): boolean {
  const list = ctx.config.serverList;
  if (!list) return true;
  const entry = serverEntry(list, header.srcId, ctx.config.mode === 'client' ? undefined : from.address);
  if (!entry) {
    dropped(ctx.out, 'access', `ANNOUNCE from server ${hexId(header.srcId)} at ${from.address}, not in the server list`, header);
    return false;
  }
  for (const [which, address] of [['public', ann.publicAddr], ['private', ann.privateAddr]]) {
    if (isSsmAddress(address)) continue;
    dropped(ctx.out, 'access', `ANNOUNCE with ${which} address ${address}, not an SSM address`, header);
    return false;
  }
  if (entry.fingerprint) {
    const fp = announceKeyFingerprint(ann);
    if (fp === undefined || !sameFingerprint(fp, entry.fingerprint)) {
      dropped(ctx.out, 'access', `ANNOUNCE from server ${hexId(header.srcId)} with a key that does not match the server list`, header);
      return false;
    }
  }
  return true;
}

function open(ctx: Ctx, header: UftpHeader, ann: Announce, from: Endpoint, longLivedEcdh?: EcdhPair): Session | undefined {
  const { config } = ctx;
  const session = new Session({
    groupId: header.groupId, inst: header.groupInst, serverId: header.srcId, upstream: { ...from },
    publicAddr: ann.publicAddr, privateAddr: ann.privateAddr, robust: ann.robust, blockSize: ann.blockSize,
    grtt: header.grtt, destPort: config.destPort, now: ctx.clock.now, config,
  });
  const enc = ann.extensions.find((e): e is EncInfoExt => e.kind === 'encInfo');
  if (enc && config.mode !== 'server') {
    const keys = setUpSessionKeys(ctx, header, ann, enc, longLivedEcdh);
    if (!keys) return undefined;
    session.keys = keys;
  }
  log(ctx, 2, `Received request from ${hexId(header.srcId)} at ${from.address}`, header);
  log(ctx, 3, `Using public multicast address ${ann.publicAddr}`, header);
  log(ctx, 3, `Using private multicast address ${ann.privateAddr}`, header);
  // Joined once the session gets past its ANNOUNCE (machine.ts): the first REGISTER comes before anything
  // the server sends on the private group.
  if (config.mode !== 'client') {
    session.deferredJoin = config.serverList ? { group: ann.privateAddr, sources: [from.address] } : { group: ann.privateAddr };
  }
  ctx.out.push({ type: 'setTimer', id: session.timerId('session'), at: ctx.clock.now + session.timeoutMs() });
  return session;
}

