// A daemon's reload (SIGHUP): the log file reopened, then its list and key files read again. All of the new
// configuration is read and checked before any of it is used: a file that is missing, unparsable or holds
// a duplicate refuses the whole reload with one log line naming it, and the old configuration stays. What
// changed is logged ("Reloaded: 3 servers in -S /etc/uftp/servers (was 2)"); the daemon hands the new
// configuration to its machine, for the sessions announced from then on.
import type { Logger } from './log';

export interface ReloadTarget<C> {
  /** The files read again, for the log ("-S /etc/uftp/servers, -k /etc/uftp/key.pem"); '' = none. */
  sources: string;
  /** Reads and checks everything; throws an Error whose message names the file and the problem. */
  read(): Promise<C>;
  /** Log lines saying what differs from `old` to `next`; none = nothing changed. */
  changes(old: C, next: C): string[];
  /** Puts `next` to use. */
  apply(next: C): void;
}

export type ReloadOutcome = { kind: 'reloaded'; lines: string[] } | { kind: 'unchanged' } | { kind: 'refused'; message: string };

export class Reloader<C> {
  constructor(
    private current: C,
    private readonly target: ReloadTarget<C>,
  ) {}

  /** The configuration in force. */
  get config(): C {
    return this.current;
  }

  async reload(): Promise<ReloadOutcome> {
    let next: C;
    try {
      next = await this.target.read();
    } catch (err) {
      return { kind: 'refused', message: (err as Error).message };
    }
    const lines = this.target.changes(this.current, next);
    if (lines.length === 0) return { kind: 'unchanged' };
    this.target.apply(next);
    this.current = next;
    return { kind: 'reloaded', lines };
  }

  /** reload(), its outcome logged. */
  async reloadAndLog(logger: Logger): Promise<ReloadOutcome> {
    const outcome = await this.reload();
    if (outcome.kind === 'refused') logger.log(0, `Reload refused, keeping the previous configuration: ${outcome.message}`);
    else if (outcome.kind === 'unchanged') logger.log(1, this.target.sources === '' ? 'Reloaded: no list or key files to read again' : `Reloaded: nothing changed in ${this.target.sources}`);
    else for (const line of outcome.lines) logger.log(1, line);
    return outcome;
  }
}

/** SIGHUP's work: the log file reopened (its failure logged, the old file kept), then `reread`. */
export async function reloadDaemon(logger: Logger, reread: () => Promise<unknown> | undefined): Promise<void> {
  try {
    const path = logger.reopen();
    if (path !== undefined) logger.log(1, `Reopened log file ${path}`);
  } catch (err) {
    logger.log(0, `Cannot reopen the log file, still writing to the old one: ${(err as Error).message}`);
  }
  try {
    await reread();
  } catch (err) {
    logger.log(0, `Reload failed, keeping the previous configuration: ${(err as Error).stack ?? err}`);
  }
}
