// The clocks of protocol.txt 3.2 that every party shares: GRTT, how long a proxy gathers client responses,
// when a silent session ends, and the UFTP timestamps (seconds + microseconds) that REGISTER and FILEINFO_ACK echo.
import { unquantizeGrtt } from '../protocol';

/** Sessions never time out faster than this, as the spec's "no less than one second". */
export const MIN_SESSION_TIMEOUT_MS = 1000;

export function grttMs(grttByte: number): number {
  return unquantizeGrtt(grttByte) * 1000;
}

/** 1 x GRTT, or the -T percentage of it. */
export function aggregationWaitMs(grttByte: number, pct: number | undefined): number {
  const grtt = grttMs(grttByte);
  return pct === undefined ? grtt : (grtt * pct) / 100;
}

/** 4 x ROBUST x GRTT of silence ends a session. */
export function sessionTimeoutMs(grttByte: number, robust: number): number {
  return Math.max(MIN_SESSION_TIMEOUT_MS, 4 * Math.max(1, robust) * grttMs(grttByte));
}

export interface Timestamp {
  sec: number;
  usec: number;
}

export function wallToTimestamp(wallMs: number): Timestamp {
  const usecTotal = Math.round(wallMs * 1000);
  return { sec: Math.floor(usecTotal / 1e6) >>> 0, usec: usecTotal % 1e6 };
}

export function timestampToWall(sec: number, usec: number): number {
  return sec * 1000 + usec / 1000;
}

/** A timestamp moved forward by `heldMs`: the time a response waited in the proxy. */
export function addHeld(sec: number, usec: number, heldMs: number): Timestamp {
  return wallToTimestamp(timestampToWall(sec, usec) + Math.max(0, heldMs));
}
