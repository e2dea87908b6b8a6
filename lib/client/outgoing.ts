// Messages of ours to the server (or the -R response proxy): our header, sealed in ENCRYPTED once the
// group keys are known (REGISTER and CLIENT_KEY never are), signed with our key when the session wants
// KEYEX signatures.
import { encodePacket, type Message } from '../protocol';
import { seal } from '../session/sealing';
import { wallToTimestamp, type Timestamp } from '../session/timing';
import type { Ctx } from './context';
import type { ClientSession } from './session';

export function sendToServer(ctx: Ctx, session: ClientSession, msg: Message): void {
  const header = session.ownHeader(ctx.config.uid, msg.type);
  const reg = session.reg;
  const data = reg ? seal(reg, header, msg, reg.ownKey.key) : encodePacket(header, msg);
  ctx.out.push({ type: 'send', data, to: session.replyTo });
}

/** The server's last timestamp moved on by the time since it came: what REGISTER, FILEINFO_ACK and CC_ACK echo. */
export function echoTimestamp(session: ClientSession, wall: number): Timestamp {
  const held = Math.max(0, wall - session.serverTsAt);
  const ms = session.serverTs.sec * 1000 + session.serverTs.usec / 1000 + held;
  return wallToTimestamp(ms);
}

/** Notes the server's timestamp of an ANNOUNCE, FILEINFO or CONG_CTRL. */
export function noteServerTime(session: ClientSession, sec: number, usec: number, wall: number): void {
  session.serverTs = { sec, usec };
  session.serverTsAt = wall;
}
