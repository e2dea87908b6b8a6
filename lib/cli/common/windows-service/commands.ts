// A daemon program's Windows service commands: --install-service and --remove-service (through the SCM's
// CreateService/DeleteService, so that the arguments are quoted by us, once, and failures come back as
// Win32 errors with their names), and --service, the daemon run by the SCM. The installed command line
// is node.exe, the program's script, --service NAME and the daemon's options, kept in the service's
// configuration (its binary path).
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { installService, removeService } from '../../../net';
import { UsageError } from '../../exit';
import { isStartupError, failureOf } from '../failure';
import type { Supervisor } from '../lifecycle';
import { windowsCommandLine } from './command-line';
import { ServiceConnection } from './connection';
import { RUN_OPTION, takeServiceOptions, type ServiceRequest } from './options';

export interface ServiceProgram {
  name: string;
  usage: string;
  optstring: string;
  /** The daemon's options checked as at start, touching no file (UsageError): whether -d is given, and its log file. */
  check(argv: readonly string[]): { debug: boolean; logFile: string };
}

export interface ServiceIo {
  stderr: (text: string) => void;
  stdout?: (text: string) => void;
  /** The program's script (the bin); default process.argv[1]. */
  script?: string;
}

/** How the daemon is run as a service: its stderr and the SCM's side of its life cycle. */
export type RunDaemon = (argv: readonly string[], io: { stderr: (text: string) => void; supervisor: Supervisor }) => Promise<number>;

/** Handles the service options; undefined when argv has none (the program runs as usual). */
export async function serviceMain(argv: readonly string[], io: ServiceIo, program: ServiceProgram, runDaemon: RunDaemon): Promise<number | undefined> {
  let rest: string[];
  let request: ServiceRequest | undefined;
  try {
    ({ argv: rest, request } = takeServiceOptions(argv, program.optstring));
  } catch (err) {
    const code = usageFailure(err, io, program);
    await ServiceConnection.abandon(code);
    return code;
  }
  if (request === undefined) return undefined;
  switch (request.action) {
    case 'install':
      return install(request.name, rest, io, program);
    case 'remove':
      return remove(request.name, io, program);
    case 'run':
      return runAsService(request.name, rest, io, program, runDaemon);
  }
}

function usageFailure(err: unknown, io: ServiceIo, program: ServiceProgram): number {
  if (!isStartupError(err)) throw err;
  const failure = failureOf(err);
  io.stderr(`${program.name}: ${failure.message}\n${failure.showUsage ? `${program.usage}\n` : ''}`);
  return failure.code;
}

function install(name: string, daemonArgs: string[], io: ServiceIo, program: ServiceProgram): number {
  try {
    if (program.check(daemonArgs).debug) throw new UsageError('-d: a service has no terminal; it logs to its -L file (leave -d out)');
  } catch (err) {
    return usageFailure(err, io, program);
  }
  const script = resolve(io.script ?? process.argv[1]);
  const commandLine = windowsCommandLine(process.execPath, [...process.execArgv, script, RUN_OPTION, name, ...daemonArgs]);
  try {
    installService(name, `${program.name} (uftp-ts) ${name}`, commandLine, true);
  } catch (err) {
    io.stderr(`${program.name}: cannot install service ${name}: ${(err as Error).message}${adminHint(err)}\n`);
    return 1;
  }
  (io.stdout ?? io.stderr)(`${program.name}: installed service ${name} (starts at boot; now: sc start ${name}): ${commandLine}\n`);
  return 0;
}

function remove(name: string, io: ServiceIo, program: ServiceProgram): number {
  let running: boolean;
  try {
    running = removeService(name);
  } catch (err) {
    io.stderr(`${program.name}: cannot remove service ${name}: ${(err as Error).message}${adminHint(err)}\n`);
    return 1;
  }
  (io.stdout ?? io.stderr)(`${program.name}: removed service ${name}${running ? ' (it still runs: the system removes it once it stops, sc stop ' + name + ')' : ''}\n`);
  return 0;
}

/**
 * The daemon as service `name`: connected to the SCM first (it waits only so long for a new service process),
 * then run in front, its stderr appended to its log file (a service has no console), until the SCM stops it.
 */
async function runAsService(name: string, daemonArgs: string[], io: ServiceIo, program: ServiceProgram, runDaemon: RunDaemon): Promise<number> {
  let connection: ServiceConnection;
  try {
    connection = await ServiceConnection.connect(name);
  } catch (err) {
    io.stderr(`${program.name}: ${(err as Error).message}\n`);
    return 1;
  }
  let code = 1;
  try {
    let logFile: string | undefined;
    try {
      logFile = program.check(daemonArgs).logFile;
    } catch (err) {
      code = usageFailure(err, io, program);
      return code;
    }
    const stderr = (text: string): void => appendQuietly(logFile!, text);
    code = await runDaemon(daemonArgs, { stderr, supervisor: connection.supervisor });
    return code;
  } finally {
    await connection.stopped(code);
  }
}

function adminHint(err: unknown): string {
  return (err as NodeJS.ErrnoException).code === 'EACCES' ? ' (run it from an administrator\'s prompt)' : '';
}

/** A service's stderr: into its log file; nowhere else to go when that fails. */
function appendQuietly(file: string, text: string): void {
  try {
    appendFileSync(file, text);
  } catch {
    // the daemon reports its log file's failures itself (exit status 4)
  }
}
