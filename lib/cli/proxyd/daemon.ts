// The glue between a proxy machine (sans-I/O) and the world: datagrams from the socket and timer
// expiries go in, the outputs come out as sends (one sendBatch per received batch), group joins on
// the listening interfaces, timers, log lines and counters. A packet can never take the daemon down:
// a machine that throws is logged and counted, and the next packet is served.
// Hot path: batches are received transient (views into the socket's receive area, no allocation);
// what the machine's forward() passes on is sent from those views before the batch callback returns
// (sendBatch copies only what it must queue); anything else goes to handle() as a copy it may keep.
import type { Datagram, NetInterface, UdpSocket } from '../../net';
import type { Clock, Endpoint, ProxyInput, ProxyMachine, ProxyMode, ProxyOutput, ProxyReconfig } from '../../proxy/types';
import type { Logger } from '../common/log';
import { TimerTable } from '../../runtime/timers';
import { Counters } from '../../runtime/counters';
import { LogLines } from '../../runtime/log-lines';
import { Traffic } from '../../runtime/traffic';
import { Memberships } from '../../runtime/memberships';
import { sendAll } from '../../runtime/send-batch';
import { SendList } from '../../runtime/send-list';
import { proxyStatusLine } from './status-summary';

export interface ProxyDaemonParts {
  machine: ProxyMachine;
  socket: UdpSocket;
  logger: Logger;
  /** Joins happen on each of these; none = the kernel's choice of interface. */
  interfaces: NetInterface[];
  /** Named in the status line. */
  mode?: ProxyMode;
}

const FLUSH_AT_STOP_MS = 500;

export class ProxyDaemon {
  private readonly machine: ProxyMachine;
  private readonly socket: UdpSocket;
  private readonly logger: Logger;
  private readonly interfaces: NetInterface[];
  private readonly timers: TimerTable;
  private readonly counts = new Counters();
  private readonly trafficCounts = new Traffic();
  private readonly logLines: LogLines;
  private readonly memberships: Memberships;
  /** Reused by every batch, timer and start: each use is synchronous and starts with clear(). */
  private readonly sends = new SendList();
  private stopped = false;
  private readonly mode?: ProxyMode;

  constructor(parts: ProxyDaemonParts) {
    this.mode = parts.mode;
    ({ machine: this.machine, socket: this.socket, logger: this.logger, interfaces: this.interfaces } = parts);
    this.logLines = new LogLines(this.logger);
    this.timers = new TimerTable((id) => this.feed({ type: 'timer', id }, `timer ${id}`));
    this.memberships = new Memberships(() => this.socket, this.interfaces, this.reporter);
  }

  /** Where the helpers report their failures: a counter and a log line. */
  private readonly reporter = {
    count: (name: string) => this.count(name),
    error: (message: string) => this.logger.log(1, message),
  };

  start(): void {
    const sends = this.sends;
    sends.clear();
    this.apply(() => this.machine.start(this.clock()), sends, () => 'start');
    this.send(sends);
    this.socket.onError((err) => {
      this.count('socket_error');
      this.logger.log(1, `Socket error: ${err.message}`);
    });
    // Coalesced: an upstream proxy's (or our uftp's) GSO runs arrive in one piece each, split by the addon.
    this.socket.onMessages((batch) => this.onBatch(batch), { transient: true, coalesce: true });
  }

  /** A reload (SIGHUP): the machine takes the new lists and keys for the sessions announced from now on. */
  reconfigure(change: ProxyReconfig): void {
    this.feed({ type: 'reconfigure', change }, 'reload');
  }

  counters(): Counters {
    return this.counts;
  }

  sessionCount(): number {
    return this.machine.sessionCount();
  }

  /** Datagrams and bytes in and out by message type (the metrics). */
  traffic(): Traffic {
    return this.trafficCounts;
  }

  /** The kernel's drop count of the socket (undefined where not reported). */
  receiveDrops(): Array<{ family: 4 | 6; drops: number | undefined }> {
    return [{ family: this.socket.family, drops: this.socket.receiveDrops() }];
  }

  /** Mode, sessions and traffic, in one line (systemd's STATUS=). */
  statusLine(): string {
    return proxyStatusLine({ mode: this.mode, sessions: this.sessionCount(), datagramsIn: this.trafficCounts.totalIn(), datagramsOut: this.trafficCounts.totalOut() });
  }

  /** Cancels timers, lets queued sends go (briefly), closes the socket, logs the counters. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.clear();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise((resolve) => (timer = setTimeout(resolve, FLUSH_AT_STOP_MS)));
    await Promise.race([this.socket.flush().catch(() => undefined), giveUp]);
    clearTimeout(timer);
    // Datagrams the kernel could not take and the full send queue refused (see UdpSocket.sendQueue).
    const { dropped } = this.socket.sendQueue();
    if (dropped > 0) this.counts.add('send_queue_dropped', dropped);
    await this.socket.close();
    this.logLines.flush();
    this.logger.log(2, this.counts.line());
  }

  private clock(): Clock {
    return { now: performance.now(), wall: Date.now() };
  }

  /** `batch` and its views are transient: valid only until this returns. */
  private onBatch(batch: Datagram[]): void {
    if (this.stopped) return;
    const clock = this.clock();
    const sends = this.sends;
    const traffic = this.trafficCounts;
    sends.clear();
    for (let i = 0; i < batch.length; i++) {
      const d = batch[i];
      traffic.received(d.data);
      const to = this.forward(d, clock);
      if (to) sends.add(d.data, to.address, to.port);
      else if (to === undefined) this.handleDatagram(d, clock, sends);
    }
    this.send(sends);
  }

  /** The machine's allocation-free path; undefined = not taken there, handle() decides. */
  private forward(d: Datagram, clock: Clock): Endpoint | null | undefined {
    if (this.machine.forward === undefined) return undefined;
    try {
      return this.machine.forward(d.data, clock);
    } catch (err) {
      this.internalError(() => `packet from ${d.from}:${d.fromPort}`, err);
      return null;
    }
  }

  private handleDatagram(d: Datagram, clock: Clock, sends: SendList): void {
    const input: ProxyInput = {
      type: 'datagram',
      data: Buffer.from(d.data), // a copy: the machine may keep it past this batch
      from: { address: d.from, port: d.fromPort },
      to: d.to,
      ifindex: d.ifindex,
    };
    this.apply(() => this.machine.handle(input, clock), sends, () => `packet from ${d.from}:${d.fromPort}`);
  }

  private feed(input: ProxyInput, what: string): void {
    if (this.stopped) return;
    const sends = this.sends;
    sends.clear();
    this.apply(() => this.machine.handle(input, this.clock()), sends, () => what);
    this.send(sends);
  }

  private internalError(what: () => string, err: unknown): void {
    this.count('internal_error');
    this.logger.log(0, `Internal error handling ${what()}: ${(err as Error).stack ?? err}`);
  }

  /** Runs one machine call and carries out its outputs; sends are collected for one batch. */
  private apply(call: () => ProxyOutput[], sends: SendList, what: () => string): void {
    let outputs: ProxyOutput[];
    try {
      outputs = call();
    } catch (err) {
      this.internalError(what, err);
      return;
    }
    for (const out of outputs) {
      switch (out.type) {
        case 'send': sends.add(out.data, out.to.address, out.to.port); break;
        case 'join': this.memberships.change(true, out.group, out.sources); break;
        case 'leave': this.memberships.change(false, out.group, out.sources); break;
        case 'setTimer': this.timers.set(out.id, out.at); break;
        case 'cancelTimer': this.timers.cancel(out.id); break;
        case 'count': this.count(out.name, out.by); break;
        case 'log': this.logLines.write(out); break;
      }
    }
  }

  private send(list: SendList): void {
    if (list.length === 0 || this.stopped) return;
    const datagrams = list.datagrams();
    for (let i = 0; i < datagrams.length; i++) this.trafficCounts.sent(datagrams[i].data);
    sendAll(this.socket, datagrams, this.reporter);
  }

  private count(name: string, by?: number): void {
    this.counts.add(name, by);
  }
}
