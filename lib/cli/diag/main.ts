// uftp_diag: socket diagnostics over the addon. This file only dispatches to a subcommand,
// prints usage and turns errors into exit statuses; each subcommand lives in its own file.
import { ExitCode, UsageError } from '../exit';
import type { Subcommand } from './command';
import { decodeCommand } from './decode';
import { interfacesCommand } from './interfaces';
import { listenCommand } from './listen';
import { parseOptions } from './options';
import { diagManual } from './manual';
import { renderManual } from '../common/manual';
import { DiagIo, LineWriter, describeError } from './output';
import { sendCommand } from './send';
import { sniffCommand } from './sniff';
import { socketCommand } from './socket';

export const SUBCOMMANDS: Subcommand[] = [
  interfacesCommand, socketCommand, listenCommand, sendCommand, decodeCommand, sniffCommand,
];

function overallUsage(): string {
  const width = Math.max(...SUBCOMMANDS.map((c) => c.name.length));
  const lines = SUBCOMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: uftp_diag SUBCOMMAND [options]   (uftp_diag SUBCOMMAND --help for its options)', ...lines].join('\n');
}

function commandUsage(c: Subcommand): string {
  return `usage: uftp_diag ${c.name} ${c.usage}`;
}

/** Errors that are the caller's fault, from option checks or argument checks below us. */
function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof RangeError || err instanceof TypeError;
}

/** Runs uftp_diag with `argv` (no program name) and resolves to the exit status. */
export async function main(argv: string[], io: Partial<DiagIo> = {}): Promise<number> {
  const full: DiagIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    signal: io.signal ?? new AbortController().signal,
  };
  const say = (stream: NodeJS.WritableStream, text: string) => stream.write(text + '\n');
  const [name, ...args] = argv;
  if (name === undefined) {
    say(full.stderr, overallUsage());
    return ExitCode.USAGE;
  }
  if (name === '--help' && args.length === 0) {
    full.stdout.write(renderManual(diagManual(SUBCOMMANDS)));
    return ExitCode.OK;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    say(full.stdout, overallUsage());
    return ExitCode.OK;
  }
  const command = SUBCOMMANDS.find((c) => c.name === name);
  if (!command) {
    say(full.stderr, `uftp_diag: unknown subcommand '${name}'\n${overallUsage()}`);
    return ExitCode.USAGE;
  }
  try {
    const values = parseOptions(args, command.options, command.positionals);
    if (values.help === true) {
      say(full.stdout, commandUsage(command));
      return ExitCode.OK;
    }
    return await command.run(values, new LineWriter(full.stdout, values.json === true), full);
  } catch (err) {
    if (isUsageError(err)) {
      say(full.stderr, `uftp_diag ${name}: ${(err as Error).message}\n${commandUsage(command)}`);
      return ExitCode.USAGE;
    }
    say(full.stderr, `uftp_diag ${name}: ${describeError(err)}`);
    const fromSyscall = typeof (err as { syscall?: unknown }).syscall === 'string';
    return fromSyscall ? ExitCode.NETWORK : ExitCode.INTERNAL;
  }
}

/** The entry point of bin/uftp_diag: SIGINT/SIGTERM end long-running subcommands with their summary. */
export function runFromCommandLine(): void {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15)); // second signal: now
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  main(process.argv.slice(2), { signal: controller.signal }).then((code) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.exitCode = code;
  });
}
