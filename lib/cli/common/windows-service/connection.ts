// This process as a Windows service: connected to the Service Control Manager through the addon's
// dispatcher, it tells the SCM RUNNING when the daemon's life cycle says it runs (sockets bound, keys
// loaded) and STOPPED with the daemon's exit status; STOP and SHUTDOWN stop the daemon as SIGTERM does.
// The addon's module itself, not lib/net's index: the bins connect before loading the rest (early.ts).
import { dispatchService, reportServiceRunning, reportServiceStopped, type ServiceEventName } from '../../../net/windows-service';
import type { Supervisor } from '../lifecycle';
import { RUN_OPTION } from './options';

/** ERROR_FAILED_SERVICE_CONTROLLER_CONNECT: the process was not started by the SCM. */
const NOT_STARTED_BY_SCM = 1063;

export class ServiceStartError extends Error {}

export class ServiceConnection {
  /** The one dispatcher a process may have, once begun. */
  private static begun?: { name: string; connection: Promise<ServiceConnection> };
  private stop?: (why: string) => void;
  private pendingStop?: string;
  private readonly ended: Promise<number>;

  private constructor(ended: Promise<number>) {
    this.ended = ended;
  }

  /** Starts connecting as service `name` (once per process; early.ts calls it first thing). */
  static begin(name: string): void {
    if (ServiceConnection.begun) return;
    const connection = ServiceConnection.dispatch(name);
    connection.catch(() => undefined); // connect() reports it
    ServiceConnection.begun = { name, connection };
  }

  /** Resolves once the SCM has started service `name` (START_PENDING reported); rejects when it cannot. */
  static connect(name: string): Promise<ServiceConnection> {
    ServiceConnection.begin(name);
    const begun = ServiceConnection.begun!;
    if (begun.name !== name) return Promise.reject(new ServiceStartError(`already connected as service ${begun.name}, not ${name}`));
    return begun.connection;
  }

  /** A connection begun early for a command line that then proved bad: SERVICE_STOPPED with `exitCode`. */
  static async abandon(exitCode: number): Promise<void> {
    const connection = await ServiceConnection.begun?.connection.catch(() => undefined);
    await connection?.stopped(exitCode);
  }

  private static dispatch(name: string): Promise<ServiceConnection> {
    return new Promise((resolve, reject) => {
      let connection: ServiceConnection | undefined;
      let ended: (error: number) => void = () => undefined;
      const endedPromise = new Promise<number>((r) => (ended = r));
      const onEvent = (event: ServiceEventName, error: number): void => {
        switch (event) {
          case 'started':
            if (error !== 0) return reject(new ServiceStartError(`the Service Control Manager refused service ${name}'s control handler (Win32 error ${error})`));
            connection = new ServiceConnection(endedPromise);
            return resolve(connection);
          case 'stop':
          case 'shutdown':
            return connection?.requestStop(`service control ${event.toUpperCase()}`);
          case 'ended':
            ended(error);
            if (connection === undefined) reject(new ServiceStartError(notStartedMessage(name, error)));
            return;
          default:
            return; // INTERROGATE: the addon has reported the last status again
        }
      };
      try {
        dispatchService(name, onEvent);
      } catch (err) {
        reject(new ServiceStartError(`cannot connect to the Service Control Manager: ${(err as Error).message}`));
      }
    });
  }

  /** What the daemon's life cycle sees. */
  readonly supervisor: Supervisor = {
    onStop: (stop) => {
      this.stop = stop;
      if (this.pendingStop !== undefined) stop(this.pendingStop);
    },
    ready: () => reportServiceRunning(),
  };

  /** SERVICE_STOPPED with the exit status (0: none; otherwise shown as a service-specific code); resolves once the dispatcher has returned. */
  async stopped(exitCode: number): Promise<void> {
    reportServiceStopped(exitCode);
    await this.ended;
  }

  private requestStop(why: string): void {
    if (this.stop) this.stop(why);
    else this.pendingStop ??= why;
  }
}

function notStartedMessage(name: string, error: number): string {
  if (error === NOT_STARTED_BY_SCM) {
    return `${RUN_OPTION} ${name}: this process was not started by the Service Control Manager (start the service with \`sc start ${name}\`)`;
  }
  return `the service dispatcher for ${name} ended at once (Win32 error ${error})`;
}
