// The datagrams of the systemd notify protocol: newline-separated VARIABLE=value assignments (see
// sd_notify(3)). A value must not carry a newline, or it would become an assignment of its own: STATUS text
// comes partly from the wire (file names a server chose), so control characters are replaced.

/** STATUS= text longer than this is cut (systemctl shows one line). */
export const MAX_STATUS_CHARS = 400;

/** One line of at most MAX_STATUS_CHARS, control characters shown as '?'. */
export function statusValue(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return clean.length > MAX_STATUS_CHARS ? `${clean.slice(0, MAX_STATUS_CHARS - 3)}...` : clean;
}

function message(lines: Array<string | undefined>): string {
  return lines.filter((l) => l !== undefined).join('\n');
}

const status = (text?: string): string | undefined => (text === undefined ? undefined : `STATUS=${statusValue(text)}`);

/** Started: sockets bound, groups joined, keys loaded. MAINPID says which process is the service. */
export function readyMessage(pid: number, text?: string): string {
  return message(['READY=1', `MAINPID=${pid}`, status(text)]);
}

export function statusMessage(text: string): string {
  return message([status(text)]);
}

export function stoppingMessage(text?: string): string {
  return message(['STOPPING=1', status(text)]);
}

/** A reload begins (SIGHUP); READY=1 ends it. MONOTONIC_USEC is CLOCK_MONOTONIC, as systemd wants it. */
export function reloadingMessage(monotonicUsec: bigint): string {
  return message(['RELOADING=1', `MONOTONIC_USEC=${monotonicUsec}`]);
}

export const RELOADED_MESSAGE = 'READY=1';

export const WATCHDOG_MESSAGE = 'WATCHDOG=1';

/** Node's timers take at most this (about 24.8 days); longer ones would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The watchdog is pinged at half its timeout, as sd_watchdog_enabled(3) advises; 1 ms ... MAX_TIMER_MS. */
export function watchdogIntervalMs(usec: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(usec / 2000)));
}
