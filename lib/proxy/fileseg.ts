// FILESEG, the bulk of the traffic: judged from its header alone and sent on byte for byte. forward() and
// handle() share this verdict, so the fast path can never decide otherwise; a FILESEG that is dropped is
// left to handle(), which logs and counts it. Constant verdicts: nothing is allocated per datagram.
import { HEADER_LEN, MessageType } from '../protocol';
import { u32 } from '../protocol/bytes';
import type { DropReason } from '../session/drop';
import type { Session } from './session';
import type { Endpoint, ProxyMode } from './types';

export interface FileSegDrop {
  reason: DropReason;
  why: string;
}

/** Function, header length, file ID, section, block number: the fixed part of a FILESEG body. */
const FILESEG_FIXED = 8;

const UNKNOWN_GROUP: FileSegDrop = { reason: 'unknown-group', why: 'for an unknown group' };
const MALFORMED: FileSegDrop = { reason: 'malformed', why: 'whose body is shorter than its header length' };
const NOT_THE_SERVER: FileSegDrop = { reason: 'unexpected', why: 'not from the session\'s server' };
const NO_DOWNSTREAM: FileSegDrop = { reason: 'unexpected', why: 'with no downstream proxy yet (waiting for a heartbeat)' };

/**
 * Where a FILESEG (version and function already checked) goes: an Endpoint, null = taken with nothing to
 * send (a response proxy only listens), or why it is dropped.
 */
export function fileSegVerdict(
  b: Uint8Array,
  session: Session | undefined,
  mode: ProxyMode,
  downstream: Endpoint | undefined,
  now: number,
): Endpoint | null | FileSegDrop {
  if (session === undefined) return UNKNOWN_GROUP;
  session.lastSeen = now;
  const hlen = b.length >= HEADER_LEN + FILESEG_FIXED ? b[HEADER_LEN + 1] << 2 : 0;
  if (hlen < FILESEG_FIXED || HEADER_LEN + hlen > b.length || b[HEADER_LEN] !== MessageType.FILESEG) return MALFORMED;
  if (u32(b, 4) !== session.serverId) return NOT_THE_SERVER;
  session.grtt = b[13];
  if (mode === 'response') return null;
  const to = mode === 'server' ? downstream : session.privateTarget;
  return to ?? NO_DOWNSTREAM;
}

export function isFileSegDrop(v: Endpoint | null | FileSegDrop): v is FileSegDrop {
  return v !== null && (v as FileSegDrop).reason !== undefined;
}
