// Runs the server machine (sans-I/O) on a socket: datagrams and timers in, the file list walked on demand,
// file data read ahead, data packets sent in batches whenever the pacer allows and the socket has room.
// Resolves with the session's outcome.
import type { Datagram, UdpSocket } from '../net';
import type { LogSink } from '../runtime/log-sink';
import type { ServerMachine, ServerOutput, SessionOutcome, Progress, SendItem } from '../server/types';
import { sendAll } from '../runtime/send-batch';
import { SendList } from '../runtime/send-list';
import { TimerTable } from '../runtime/timers';
import { Counters } from '../runtime/counters';
import { LogLines } from '../runtime/log-lines';
import { FileReader } from './file-reader';


/** Data packets handed to the socket per turn: enough for GSO to coalesce, small enough to stay fair. */
const ROOM = 128;

export interface RunnerParts {
  machine: ServerMachine;
  socket: UdpSocket;
  logger: LogSink;
  /** The file list, walked as the machine asks. */
  items: AsyncIterator<SendItem>;
  status?: (line: string) => void;
  progress?: (p: Progress) => void;
}

export class ServerRunner {
  private readonly timers: TimerTable;
  private readonly sends = new SendList();
  private readonly reader = new FileReader();
  private readonly counts = new Counters();
  private readonly logLines: LogLines;
  private paceTimer?: NodeJS.Timeout;
  private paceImmediate?: NodeJS.Immediate;
  private finished?: (outcome: SessionOutcome) => void;
  private over = false;
  private readonly reporter = {
    count: (name: string) => this.counts.add(name),
    error: (message: string) => this.parts.logger.log(1, message),
  };

  constructor(private readonly parts: RunnerParts) {
    this.logLines = new LogLines(parts.logger);
    this.timers = new TimerTable((id) => this.feed(() => parts.machine.handle({ type: 'timer', id }, this.clock())));
  }

  run(): Promise<SessionOutcome> {
    const done = new Promise<SessionOutcome>((resolve) => (this.finished = resolve));
    this.parts.socket.onError((err) => this.parts.logger.log(1, `Socket error: ${err.message}`));
    this.parts.socket.onMessages((batch) => this.onBatch(batch));
    this.feed(() => this.parts.machine.start(this.clock()));
    return done;
  }

  /** SIGINT / SIGTERM: the machine aborts everyone and finishes. */
  interrupt(): void {
    this.feed(() => this.parts.machine.handle({ type: 'interrupt' }, this.clock()));
  }

  counters(): Counters {
    return this.counts;
  }

  private clock(): { now: number; wall: number } {
    return { now: performance.now(), wall: Date.now() };
  }

  private onBatch(batch: Datagram[]): void {
    if (this.over) return;
    const clock = this.clock();
    for (const d of batch) {
      try {
        this.apply(this.parts.machine.receive(d.data, { address: d.from, port: d.fromPort }, clock));
      } catch (err) {
        this.internalError(`packet from ${d.from}:${d.fromPort}`, err);
      }
    }
    this.flush();
  }

  private feed(call: () => ServerOutput[]): void {
    if (this.over) return;
    try {
      this.apply(call());
    } catch (err) {
      this.internalError('an event', err);
    }
    this.flush();
  }

  private internalError(what: string, err: unknown): void {
    this.reporter.count('internal_error');
    this.parts.logger.log(0, `Internal error handling ${what}: ${(err as Error).stack ?? err}`);
  }

  private apply(outputs: ServerOutput[]): void {
    for (const out of outputs) {
      switch (out.type) {
        case 'send': this.sends.add(out.data, out.to.address, out.to.port); break;
        case 'setTimer': this.timers.set(out.id, out.at); break;
        case 'cancelTimer': this.timers.cancel(out.id); break;
        case 'count': this.counts.add(out.name, out.by); break;
        case 'log': this.logLines.write(out); break;
        case 'status': this.parts.status?.(out.line); break;
        case 'progress': this.parts.progress?.(out.progress); break;
        case 'nextItem': void this.nextItem(); break;
        case 'read': void this.read(out.id, out.path, out.offset, out.length); break;
        case 'pace': this.schedulePace(out.at); break;
        case 'recycle': this.reader.recycle(out.data); break;
        case 'join':
        case 'leave':
          break;
        case 'finished': void this.finish(out.outcome); break;
      }
    }
  }

  private flush(): void {
    if (this.sends.length === 0) return;
    sendAll(this.parts.socket, this.sends.datagrams(), this.reporter);
    this.sends.clear();
  }

  private async nextItem(): Promise<void> {
    let item: SendItem | undefined;
    try {
      const next = await this.parts.items.next();
      item = next.done ? undefined : next.value;
    } catch (err) {
      this.parts.logger.log(0, `Error reading the file list: ${(err as Error).message}`);
    }
    this.feed(() => this.parts.machine.handle({ type: 'item', item }, this.clock()));
  }

  private async read(id: number, path: string, offset: number, length: number): Promise<void> {
    let data: Buffer | undefined;
    let error: string | undefined;
    try {
      data = await this.reader.read(path, offset, length);
    } catch (err) {
      error = (err as Error).message;
    }
    this.feed(() => this.parts.machine.handle({ type: 'data', id, data, error }, this.clock()));
  }

  /** Data is wanted at `at`: then, once the socket's queue has drained, the machine gets room. */
  private schedulePace(at: number): void {
    if (this.paceTimer || this.paceImmediate) return;
    const go = (): void => {
      this.paceTimer = undefined;
      this.paceImmediate = undefined;
      this.parts.socket.flush().then(
        () => this.feed(() => this.parts.machine.handle({ type: 'writable', room: ROOM }, this.clock())),
        () => undefined,
      );
    };
    const wait = at - performance.now();
    if (wait > 1) this.paceTimer = setTimeout(go, wait);
    else this.paceImmediate = setImmediate(go);
  }

  private async finish(outcome: SessionOutcome): Promise<void> {
    this.over = true;
    this.flush();
    this.timers.clear();
    if (this.paceTimer) clearTimeout(this.paceTimer);
    if (this.paceImmediate) clearImmediate(this.paceImmediate);
    await this.parts.socket.flush().catch(() => undefined);
    await this.reader.close();
    this.logLines.flush();
    this.finished?.(outcome);
  }
}
