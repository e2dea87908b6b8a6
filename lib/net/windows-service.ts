// The Windows Service Control Manager as the addon reaches it (native/service.h): the control dispatcher of a
// service process, its status reports, and installing or removing a service. Knows nothing of what the
// service does. Off Windows every call throws an Error with code ENOTSUP.
import { loadAddon } from './native';

/** What the SCM asked for: 'started' (START_PENDING reported), a control, or 'ended' (the dispatcher returned; last). */
export type ServiceEventName = 'started' | 'stop' | 'shutdown' | 'interrogate' | 'ended';

interface NativeService {
  serviceDispatch(name: string, onEvent: (event: ServiceEventName, error: number) => void): void;
  serviceReportRunning(): void;
  serviceReportStopped(exitCode: number): void;
  serviceInstall(name: string, displayName: string, commandLine: string, autoStart: boolean): void;
  serviceRemove(name: string): boolean;
}

function addon(): NativeService {
  const native = loadAddon() as unknown as Partial<NativeService>;
  if (typeof native.serviceDispatch !== 'function') {
    throw Object.assign(new Error('the native addon has no serviceDispatch: rebuild it (npm run build)'), { code: 'ENOSYS' });
  }
  return native as NativeService;
}

/**
 * Connects this process to the SCM as service `name` (the dispatcher runs on a native thread). `onEvent` runs
 * on JS's thread; `error` is a Win32 code (0: none): with 'started', RegisterServiceCtrlHandlerEx failed; with
 * 'ended', StartServiceCtrlDispatcher did (1063: the process was not started by the SCM).
 */
export function dispatchService(name: string, onEvent: (event: ServiceEventName, error: number) => void): void {
  addon().serviceDispatch(name, onEvent);
}

/** SERVICE_RUNNING: the service accepts STOP and SHUTDOWN from now on. */
export function reportServiceRunning(): void {
  addon().serviceReportRunning();
}

/** SERVICE_STOPPED; a non-zero exitCode is shown as ERROR_SERVICE_SPECIFIC_ERROR (1066) with that code. */
export function reportServiceStopped(exitCode: number): void {
  addon().serviceReportStopped(exitCode);
}

/** A service of its own process, run by LocalSystem; `commandLine` is its binary path with the arguments. */
export function installService(name: string, displayName: string, commandLine: string, autoStart: boolean): void {
  addon().serviceInstall(name, displayName, commandLine, autoStart);
}

/** Marks the service for deletion; true when it still runs (the SCM removes it once it stops). */
export function removeService(name: string): boolean {
  return addon().serviceRemove(name);
}
