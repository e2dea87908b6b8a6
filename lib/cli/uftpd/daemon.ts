// The glue between the client machine (sans-I/O) and the world: datagrams from the socket(s) and timer
// expiries go in, file results come back from the file executor; outputs become sends (one sendBatch per
// received batch), group joins, timers, file operations, log and status lines and post-receive runs.
// A packet can never take the daemon down: a machine that throws is logged and counted.
// Hot path: batches arrive transient (views into the socket's receive area); the machine decrypts in place
// and copies each block once, into its write cache.
import type { Datagram, NetInterface, UdpSocket } from '../../net';
import type { ClientMachine, ClientOutput, ClientReconfig, Clock, FileResult } from '../../client/types';
import type { Logger } from '../common/log';
import { Memberships } from '../../runtime/memberships';
import { sendAll } from '../../runtime/send-batch';
import { SendList } from '../../runtime/send-list';
import { TimerTable } from '../../runtime/timers';
import { Counters } from '../../runtime/counters';
import { LogLines } from '../../runtime/log-lines';
import { Traffic } from '../../runtime/traffic';
import type { FileExecutor } from './file-executor';
import { postReceiveLine, runPostReceive } from './post-receive';
import type { StatusSink } from '../common/status-file';
import { clientStatusLine, type FileOutcome } from './status-summary';

/**
 * A file arrives as a steady stream of datagrams: woken for each few of them, the daemon spent more CPU per
 * GiB than the real uftpd (bench:client, 2.5-3.5 datagrams a wake-up). Resting 1 ms after a thin wake-up
 * gathers them into full batches; 1 ms of a fast stream (about 130 KB at 1 Gbit/s) fits any -B.
 */
const GATHER = { below: 32, waitMs: 1 };

export interface ClientDaemonParts {
  machine: ClientMachine;
  /** One socket per address family listened on. */
  sockets: UdpSocket[];
  logger: Logger;
  interfaces: NetInterface[];
  files: FileExecutor;
  status?: StatusSink;
  postReceive?: string;
}

const FLUSH_AT_STOP_MS = 500;

export class ClientDaemon {
  private readonly timers: TimerTable;
  private readonly counts = new Counters();
  private readonly trafficCounts = new Traffic();
  private readonly logLines: LogLines;
  private readonly memberships: Memberships;
  private readonly sends = new Map<UdpSocket, SendList>();
  private stopped = false;
  private filesDone = 0;
  private lastFile?: FileOutcome;
  private readonly reporter = {
    count: (name: string) => this.count(name),
    error: (message: string) => this.parts.logger.log(1, message),
  };

  constructor(private readonly parts: ClientDaemonParts) {
    this.logLines = new LogLines(parts.logger);
    this.timers = new TimerTable((id) => this.feed(() => parts.machine.handle({ type: 'timer', id }, this.clock()), `timer ${id}`));
    this.memberships = new Memberships((group) => this.socketFor(group), parts.interfaces, this.reporter);
    for (const socket of parts.sockets) this.sends.set(socket, new SendList());
  }

  start(): void {
    this.feed(() => this.parts.machine.start(this.clock()), 'start');
    for (const socket of this.parts.sockets) {
      socket.onError((err) => {
        this.count('socket_error');
        this.parts.logger.log(1, `Socket error: ${err.message}`);
      });
      // Coalesced: our uftp's GSO runs of data arrive in one piece each, split by the addon. (The write cache
      // reuses its windows, window-pool.ts: else the finished ones pile up between the now rarer collections.)
      socket.onMessages((batch) => this.onBatch(batch), { transient: true, gather: GATHER, coalesce: true });
    }
  }

  /** Called by the file executor with each result. */
  fileResult(result: FileResult): void {
    this.feed(() => this.parts.machine.handle({ type: 'fileResult', result }, this.clock()), 'file result');
  }

  /** A reload (SIGHUP): the machine takes the new -S list and keys for the sessions announced from now on. */
  reconfigure(change: ClientReconfig): void {
    this.feed(() => this.parts.machine.handle({ type: 'reconfigure', change }, this.clock()), 'reload');
  }

  counters(): Counters {
    return this.counts;
  }

  sessionCount(): number {
    return this.parts.machine.sessionCount();
  }

  /** Datagrams and bytes in and out by message type (the metrics). */
  traffic(): Traffic {
    return this.trafficCounts;
  }

  /** The kernel's drop count of each socket (undefined where not reported). */
  receiveDrops(): Array<{ family: 4 | 6; drops: number | undefined }> {
    return this.parts.sockets.map((s) => ({ family: s.family, drops: s.receiveDrops() }));
  }

  /** Sessions and the last file, in one line (systemd's STATUS=). */
  statusLine(): string {
    return clientStatusLine({ sessions: this.sessionCount(), files: this.filesDone, last: this.lastFile });
  }

  /** ABORTs every session (as the real client does on shutdown), lets the sends go, closes everything. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.feed(() => this.parts.machine.stop(this.clock()), 'stop');
    this.stopped = true;
    this.timers.clear();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise((resolve) => (timer = setTimeout(resolve, FLUSH_AT_STOP_MS)));
    await Promise.race([Promise.all(this.parts.sockets.map((s) => s.flush().catch(() => undefined))), giveUp]);
    clearTimeout(timer);
    await this.parts.files.closeAll();
    await Promise.all(this.parts.sockets.map((s) => s.close()));
    this.parts.status?.close();
    this.logLines.flush();
    this.parts.logger.log(2, this.counts.line());
  }

  private clock(): Clock {
    return { now: performance.now(), wall: Date.now() };
  }

  private socketFor(address: string): UdpSocket | undefined {
    const family = address.includes(':') ? 6 : 4;
    return this.parts.sockets.find((s) => s.family === family);
  }

  /** `batch` and its views are transient: valid only until this returns. */
  private onBatch(batch: Datagram[]): void {
    if (this.stopped) return;
    const clock = this.clock();
    const machine = this.parts.machine;
    const traffic = this.trafficCounts;
    for (let i = 0; i < batch.length; i++) {
      const d = batch[i];
      traffic.received(d.data); // before the machine decrypts it in place
      let outputs: ClientOutput[];
      try {
        outputs = machine.receive(d.data, { address: d.from, port: d.fromPort }, clock);
      } catch (err) {
        this.internalError(`packet from ${d.from}:${d.fromPort}`, err);
        continue;
      }
      if (outputs.length > 0) this.apply(outputs);
    }
    this.flushSends();
  }

  private feed(call: () => ClientOutput[], what: string): void {
    if (this.stopped) return;
    try {
      this.apply(call());
    } catch (err) {
      this.internalError(what, err);
    }
    this.flushSends();
  }

  private internalError(what: string, err: unknown): void {
    this.count('internal_error');
    this.parts.logger.log(0, `Internal error handling ${what}: ${(err as Error).stack ?? err}`);
  }

  private apply(outputs: ClientOutput[]): void {
    for (const out of outputs) {
      switch (out.type) {
        case 'send': {
          const socket = this.socketFor(out.to.address);
          if (socket) this.sends.get(socket)!.add(out.data, out.to.address, out.to.port);
          else this.reporter.error(`Error sending to ${out.to.address}: no socket of its address family`);
          break;
        }
        case 'join': this.memberships.change(true, out.group, out.sources); break;
        case 'leave': this.memberships.change(false, out.group, out.sources); break;
        case 'setTimer': this.timers.set(out.id, out.at); break;
        case 'cancelTimer': this.timers.cancel(out.id); break;
        case 'count': this.count(out.name, out.by); break;
        case 'log': this.logLines.write(out); break;
        case 'file': this.parts.files.run(out.request); break;
        case 'status': this.parts.status?.write(out.line); break;
        case 'postReceive': this.postReceive(out.groupId, out.paths); break;
        case 'fileDone': this.fileDone(out); break;
      }
    }
  }

  private fileDone(out: Extract<ClientOutput, { type: 'fileDone' }>): void {
    this.filesDone++;
    this.lastFile = { name: out.name, size: out.size, status: out.status, serverId: out.serverId, wallMs: Date.now() };
  }

  private postReceive(groupId: number, paths: string[]): void {
    const script = this.parts.postReceive;
    if (!script) return;
    this.parts.logger.log(2, postReceiveLine(script, groupId, paths), { groupId });
    runPostReceive(script, groupId, paths, (message) => this.parts.logger.log(0, message, { groupId }));
  }

  private flushSends(): void {
    for (const [socket, list] of this.sends) {
      if (list.length === 0) continue;
      const datagrams = list.datagrams();
      for (let i = 0; i < datagrams.length; i++) this.trafficCounts.sent(datagrams[i].data);
      sendAll(socket, datagrams, this.reporter);
      list.clear();
    }
  }

  private count(name: string, by?: number): void {
    this.counts.add(name, by);
  }
}
