// What systemd tells a Type=notify service through its environment: where to send notifications
// ($NOTIFY_SOCKET) and how often to ping the watchdog ($WATCHDOG_USEC, meant for $WATCHDOG_PID only).
// Read once and taken out of the environment, so that children (uftpd's -s script) neither notify in our
// name nor think a watchdog waits for them.
export const NOTIFY_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID'] as const;

export interface NotifyEnv {
  /** $NOTIFY_SOCKET: an absolute path or '@' and an abstract name. */
  socket: string;
  /** $WATCHDOG_USEC when it is meant for this process. */
  watchdogUsec?: number;
  /** Why a watchdog setting was ignored (logged once). */
  ignored?: string;
}

/** Takes the variables out of `env`; undefined when there is no NOTIFY_SOCKET (not run by systemd's notify). */
export function takeNotifyEnv(env: NodeJS.ProcessEnv, pid: number): NotifyEnv | undefined {
  const [socket, usec, watchdogPid] = NOTIFY_VARIABLES.map((name) => env[name]);
  for (const name of NOTIFY_VARIABLES) delete env[name];
  if (socket === undefined || socket === '') return undefined;
  if (usec === undefined || usec === '') return { socket };
  if (watchdogPid !== undefined && watchdogPid !== String(pid)) return { socket }; // another process's watchdog
  const value = /^\d{1,16}$/.test(usec) ? Number(usec) : 0;
  if (value <= 0) return { socket, ignored: `WATCHDOG_USEC=${usec} is not a positive number of microseconds` };
  return { socket, watchdogUsec: value };
}
