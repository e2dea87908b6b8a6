// Talks to systemd while a daemon runs under a Type=notify unit: READY=1 once started, STATUS= whenever
// the daemon's summary changes (looked at once a second, so never more often), WATCHDOG=1 at half of
// WatchdogSec= (a ping comes only while the event loop turns), STOPPING=1 when a stop begins. Without
// $NOTIFY_SOCKET it does nothing. A failed send is logged once and never stops the daemon.
import { sendNotify } from '../../net';
import { takeNotifyEnv, type NotifyEnv } from './notify-env';
import { RELOADED_MESSAGE, WATCHDOG_MESSAGE, readyMessage, reloadingMessage, statusMessage, stoppingMessage, watchdogIntervalMs } from './notify-messages';

/** Runs `tick` every `ms` until the function returned is called. */
export type Every = (ms: number, tick: () => void) => () => void;

export interface NotifierParts {
  env: NotifyEnv;
  pid: number;
  /** Where a failed send is reported (once). */
  warn: (message: string) => void;
  send?: (address: string, message: string) => void;
  every?: Every;
}

export const STATUS_CHECK_MS = 1000;

const realEvery: Every = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref(); // the daemon's sockets keep it running, not this
  return () => clearInterval(timer);
};

export class SystemdNotifier {
  private readonly send: (address: string, message: string) => void;
  private readonly every: Every;
  private readonly stops: Array<() => void> = [];
  private lastStatus?: string;
  private failed = false;

  constructor(private readonly parts: NotifierParts) {
    this.send = parts.send ?? sendNotify;
    this.every = parts.every ?? realEvery;
    if (parts.env.ignored !== undefined) parts.warn(`Warning: ${parts.env.ignored}; no watchdog pings`);
    const usec = parts.env.watchdogUsec;
    if (usec !== undefined) this.stops.push(this.every(watchdogIntervalMs(usec), () => this.notify(WATCHDOG_MESSAGE)));
  }

  /** From the environment (taking the variables out of it); undefined when systemd did not ask. */
  static fromEnv(env: NodeJS.ProcessEnv, warn: (message: string) => void): SystemdNotifier | undefined {
    const found = takeNotifyEnv(env, process.pid);
    return found && new SystemdNotifier({ env: found, pid: process.pid, warn });
  }

  /** READY=1 with MAINPID and the first STATUS=; `status` is then asked once a second for changes. */
  ready(status?: () => string): void {
    this.lastStatus = status?.();
    this.notify(readyMessage(this.parts.pid, this.lastStatus));
    if (status) this.stops.push(this.every(STATUS_CHECK_MS, () => this.status(status())));
  }

  /** STATUS=text, unless it is what was sent last. */
  status(text: string): void {
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.notify(statusMessage(text));
  }

  /** RELOADING=1 while a SIGHUP is handled, then READY=1 again (systemd shows "reloading" meanwhile). */
  async reloading(reload: () => Promise<unknown>): Promise<void> {
    // process.hrtime is CLOCK_MONOTONIC on Linux, the clock MONOTONIC_USEC is read against.
    this.notify(reloadingMessage(process.hrtime.bigint() / 1000n));
    try {
      await reload();
    } finally {
      this.notify(RELOADED_MESSAGE);
    }
  }

  /** STOPPING=1 (with why, as STATUS=); no more status updates or watchdog pings. */
  stopping(why?: string): void {
    this.close();
    this.notify(stoppingMessage(why));
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private notify(message: string): void {
    try {
      this.send(this.parts.env.socket, message);
    } catch (err) {
      if (this.failed) return;
      this.failed = true;
      this.parts.warn(`Warning: cannot notify systemd at ${this.parts.env.socket}: ${(err as Error).message} (not repeated)`);
    }
  }
}
