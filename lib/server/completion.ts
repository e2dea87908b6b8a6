// The end of a session (protocol.txt 5.1.4): DONE with file ID 0 every 3 x GRTT (at most ROBUST rounds) to
// those that have not answered, COMPLETE from each, DONE_CONF naming those that have (again only when one
// repeats its COMPLETE); one more GRTT for late ones once everyone is in. Then the session's STATS lines
// and "Group complete", as the real uftp ends a group it got this far with.
import { MessageType, NO_EXTENSIONS, type Complete } from '../protocol';
import type { ClientRecord } from './clients';
import { speaksFor } from './files';
import { idsPerPacket, sendListed, slog } from './outgoing';
import { sessionStats } from './report';
import type { Ctx } from './state';

export function startCompletion(ctx: Ctx): void {
  const { state } = ctx;
  state.phase = 'completion';
  state.fileId = 0;
  state.attempt = 1;
  state.lastPass = false;
  for (const c of state.clients.all()) {
    if (c.failed || c.state === 'mute') continue;
    c.state = 'active';
    c.confirmPending = false;
  }
  slog(ctx, 2, '-----------------------------');
  slog(ctx, 2, 'Finishing group');
  completionRound(ctx);
}

function completionRound(ctx: Ctx): void {
  const { state } = ctx;
  const waiting = state.clients.inState('active').map((c) => c.id);
  if (waiting.length > 0) {
    sendListed(ctx, waiting, idsPerPacket(ctx, 8), (clientIds) => ({
      type: MessageType.DONE, fileId: 0, section: 0, reserved: 0, extensions: NO_EXTENSIONS, clientIds,
    }), { name: 'DONE', encrypt: true });
  }
  sendDoneConf(ctx);
  ctx.out.push({ type: 'setTimer', id: 'round', at: ctx.clock.now + 3 * state.grtt.value * 1000 });
}

/** `round`: between rounds (everyone has answered) it is the next round's number. */
function sendDoneConf(ctx: Ctx, round?: number): void {
  const confirm = ctx.state.clients.all().filter((c) => c.state === 'done' && c.confirmPending);
  if (confirm.length === 0) return;
  sendListed(ctx, confirm.map((c) => c.id), idsPerPacket(ctx, 4), (clientIds) => ({
    type: MessageType.DONE_CONF, reserved: 0, extensions: NO_EXTENSIONS, clientIds,
  }), { name: 'DONE_CONF', encrypt: true, round });
  for (const c of confirm) c.confirmPending = false;
}

export function onGroupComplete(ctx: Ctx, sender: ClientRecord, msg: Complete): void {
  const { state } = ctx;
  if (msg.fileId !== 0) return;
  // As for a file: the sender's line, then one for each client a proxy answers for.
  if (sender.isProxy) slog(ctx, 2, `Got COMPLETE from proxy ${sender.name}`);
  for (const c of speaksFor(ctx, sender, msg.clientIds)) {
    if (c.failed) continue;
    const dup = c.state === 'done';
    c.state = 'done';
    c.confirmPending = true;
    if (c === sender) slog(ctx, 2, `Got COMPLETE${dup ? '+' : ''} from client ${c.name}`);
    else slog(ctx, 2, `  For client${dup ? '+' : ''} ${c.name}`);
  }
  if (sender.isProxy) {
    sender.state = 'done';
    sender.confirmPending = true;
  }
  if (state.lastPass) {
    sendDoneConf(ctx, state.attempt + 1);
    return;
  }
  if (state.clients.all().every((c) => c.state === 'done' || c.failed || c.state === 'mute')) {
    slog(ctx, 2, 'Late completions:');
    state.lastPass = true;
    sendDoneConf(ctx, state.attempt + 1);
    ctx.out.push({ type: 'setTimer', id: 'round', at: ctx.clock.now + state.grtt.value * 1000 });
  }
}

/** The round timer: another round, or the end; answers true when the session is over. */
export function onCompletionTimer(ctx: Ctx): boolean {
  const { state } = ctx;
  if (!state.lastPass && ++state.attempt <= ctx.config.robust) {
    completionRound(ctx);
    return false;
  }
  endGroup(ctx);
  return true;
}

/** The group is over (all answered, the rounds ran out, or SIGINT): the silent ones are lost. */
export function endGroup(ctx: Ctx): void {
  for (const c of ctx.state.clients.inState('active')) {
    slog(ctx, 1, `Couldn't get COMPLETE for group from ${c.name}`);
    if (!c.isProxy) {
      c.state = 'lost';
      c.reason = 'Lost connection';
    }
  }
  sessionStats(ctx);
  slog(ctx, 2, 'Group complete');
}
