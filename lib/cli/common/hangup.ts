// SIGHUP, the daemons' reload signal. Its default action ends the process (under -d as well as detached),
// so the handler goes in before anything starts; until the daemon runs a SIGHUP is only noted. A SIGHUP
// during a reload makes one more run after it: the files may have changed again meanwhile.

export class Hangup {
  private action?: () => Promise<void>;
  private running?: Promise<void>;
  private again = false;
  private readonly listener = (): void => void this.fire();

  /** `early`: what to do with a SIGHUP before arm() (the daemon is still starting). */
  constructor(private readonly early: () => void = () => undefined) {
    process.on('SIGHUP', this.listener);
  }

  /** From now on a SIGHUP runs `action`, one run at a time; it must not throw (it logs its own failures). */
  arm(action: () => Promise<void>): void {
    this.action = action;
  }

  /** What a SIGHUP does; resolves when the reloads it caused are done. */
  fire(): Promise<void> {
    if (!this.action) {
      this.early();
      return Promise.resolve();
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop(this.action);
    return this.running;
  }

  /** Stopping: SIGHUPs are only noted again; resolves when a reload under way is done. */
  disarm(): Promise<void> {
    this.action = undefined;
    return this.running ?? Promise.resolve();
  }

  /** The handler out (SIGHUP's default action is back): the very end, or a program run in a test. */
  remove(): void {
    process.off('SIGHUP', this.listener);
  }

  private async loop(action: () => Promise<void>): Promise<void> {
    try {
      do {
        this.again = false;
        await action();
      } while (this.again);
    } finally {
      this.running = undefined;
    }
  }
}
