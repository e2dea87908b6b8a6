// Registering (protocol.txt 5.1.1, 5.1.2): REGISTER (with our random and key info when encrypted) and
// CLIENT_KEY when the server asks for one, again every 4 x GRTT until the server confirms with REG_CONF
// (unencrypted) or KEYINFO (encrypted; answered with KEYINFO_ACK), or gives up after 4 x ROBUST x GRTT.
import { MessageType, NO_EXTENSIONS, type KeyInfo, type RegConf, type Register, type UftpHeader } from '../protocol';
import { count } from '../session/context';
import { dropped, hexId } from '../session/drop';
import { acceptKeyInfo } from '../session/registrant';
import { warmOpen } from '../protocol/encrypted';
import { glog, type Ctx } from './context';
import { abortSession, registrationUnconfirmed, type Sessions } from './ending';
import { listed } from './messages';
import { echoTimestamp, sendToServer } from './outgoing';
import { decodeRestart } from './restart-state';
import type { ClientSession } from './session';
import { resetTimeout } from './timeouts';

const NO_RANDOM = new Uint8Array(32);
const NO_KEY_INFO = new Uint8Array(0);

export function sendRegister(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  if (ctx.clock.now >= session.expireAt) {
    registrationUnconfirmed(ctx, sessions, session);
    return;
  }
  const ts = echoTimestamp(session, ctx.clock.wall);
  const reg = session.reg;
  const msg: Register = {
    type: MessageType.REGISTER, tsSec: ts.sec, tsUsec: ts.usec, random: reg?.random ?? NO_RANDOM,
    keyInfo: reg?.keyInfo ?? NO_KEY_INFO, extensions: NO_EXTENSIONS, clientIds: [],
  };
  sendToServer(ctx, session, msg);
  glog(ctx, session, 2, 'REGISTER sent');
  resetTimeout(ctx, session);
  if (reg?.clientKey) {
    sendToServer(ctx, session, reg.clientKey);
    glog(ctx, session, 2, 'CLIENT_KEY sent');
  }
}

export function onRegConf(ctx: Ctx, sessions: Sessions, session: ClientSession, msg: RegConf): void {
  if (listed(msg.clientIds, ctx.config.uid)) {
    glog(ctx, session, 2, 'Registration confirmed');
    session.phase = 'midgroup';
    resetTimeout(ctx, session);
    loadRestart(ctx, sessions, session);
  }
}

export function onKeyInfo(ctx: Ctx, sessions: Sessions, session: ClientSession, header: UftpHeader, msg: KeyInfo): void {
  const reg = session.reg;
  if (!reg || !msg.keys.some((k) => k.clientId >>> 0 === ctx.config.uid >>> 0)) return;
  const accepted = acceptKeyInfo(reg, header, msg, ctx.config.uid);
  if (!accepted.ok) {
    // A KEYINFO is sent in clear and anyone can forge one naming us. The real uftpd aborts at the first that
    // fails (and decrypts none once it has its key); ours drops it and waits for the server's own, and says
    // why if the registration then runs out.
    count(ctx, 'key_exchange.server.failed');
    const group = { groupId: session.groupId, groupInst: session.groupInst };
    dropped(ctx.out, 'crypto', `KEYINFO from ${hexId(header.srcId)}: ${accepted.why}`, group, 1);
    if (session.phase === 'registered') session.keyInfoFailed = true;
    return;
  }
  glog(ctx, session, 2, 'Received KEYINFO'); // after the check: a flood of forged ones is a drop line, thinned
  const first = session.phase === 'registered';
  if (first) session.phase = 'midgroup';
  sendToServer(ctx, session, accepted.value.ack);
  if (accepted.value.first) {
    count(ctx, 'key_exchange.server.ok');
    warmOpen(reg.groupKeys!, reg.sigType);
  }
  glog(ctx, session, 2, 'KEYINFO_ACK sent');
  resetTimeout(ctx, session);
  if (first) loadRestart(ctx, sessions, session);
}

/**
 * A restarted session (-T), once its server confirmed us: the earlier instances of its group end (saving their
 * state), then the state the cut-short one left is read, to resume its file. Not at the ANNOUNCE, which anyone
 * on the segment can forge with a running session's group ID (the real uftpd waits for the confirmation too).
 */
function loadRestart(ctx: Ctx, sessions: Sessions, session: ClientSession): void {
  if (!session.restart) return;
  for (const old of sessions.earlier(session.groupId, session.groupInst)) abortSession(ctx, sessions, old, 'Session restarted');
  glog(ctx, session, 2, 'Reading restart file');
  ctx.files.ask(ctx, session.key, { op: 'loadRestart', groupId: session.groupId }, (c, result) => {
    if (!result.ok || result.value.kind !== 'restart' || !result.value.state) {
      if (!result.ok) glog(c, session, 1, `Failed to read restart file: ${result.message}`);
      return;
    }
    const state = decodeRestart(result.value.state);
    if (!state) glog(c, session, 1, 'Failed to read restart file: not a restart state');
    else session.restartInfo = state;
  });
}
