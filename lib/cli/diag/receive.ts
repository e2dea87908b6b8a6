// What `listen` and `sniff` share: joining groups, saying they are ready, and the receive loop that
// ends on --count, --timeout or SIGINT/SIGTERM.
import { writeFileSync } from 'node:fs';
import type { Datagram, SyscallError, UdpSocket } from '../../net';
import { DiagIo, LineWriter, describeError } from './output';

/** Group memberships of one socket, each group joined once: SSM from every source, any-source without. */
export class Memberships {
  private readonly joined = new Set<string>();

  constructor(
    private readonly socket: UdpSocket,
    private readonly sources: readonly string[],
    private readonly ifindex: number | undefined,
  ) {}

  /** Joins `group`; false when it was joined already. */
  join(group: string): boolean {
    if (this.joined.has(group)) return false;
    if (this.sources.length === 0) this.socket.joinGroup(group, this.ifindex);
    else for (const s of this.sources) this.socket.joinSourceGroup(group, s, this.ifindex);
    this.joined.add(group);
    return true;
  }

  leaveAll(): void {
    for (const group of this.joined) {
      if (this.sources.length === 0) this.socket.leaveGroup(group, this.ifindex);
      else for (const s of this.sources) this.socket.leaveSourceGroup(group, s, this.ifindex);
    }
    this.joined.clear();
  }
}

/** Prints what it listens to; then writes --ready-file, which tests and scripts wait for before sending. */
export function announceReady(out: LineWriter, note: string, readyFile: string | undefined, port: number): void {
  out.note(note);
  out.flush();
  if (readyFile !== undefined) writeFileSync(readyFile, `${port}\n`);
}

/** What receiveUntilDone reads from: a UdpSocket or a UdpCapture. */
export interface DatagramSource<D extends Datagram> {
  onMessages(cb: (batch: D[]) => void): void;
  onError(cb: (err: SyscallError) => void): void;
}

/**
 * Hands each datagram to `onDatagram`, with the count so far, until `count` datagrams, `timeoutMs` or the
 * abort signal; output is flushed once per batch. Resolves to the count; an error thrown by onDatagram
 * ends the loop as a rejection. Socket errors are reported on stderr and the loop goes on. With `accept`,
 * only the datagrams it accepts (asked one by one, after the ones before were handled) count.
 */
export function receiveUntilDone<D extends Datagram>(
  socket: DatagramSource<D>,
  limits: { count?: number; timeoutMs?: number },
  out: LineWriter,
  io: DiagIo,
  command: string,
  onDatagram: (d: D, received: number) => void,
  accept?: (d: D) => boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = (err?: unknown) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      io.signal.removeEventListener('abort', onAbort);
      out.flush();
      if (err === undefined) resolve(received);
      else reject(err);
    };
    const onAbort = () => stop();

    socket.onMessages((batch) => {
      if (stopped) return;
      for (const d of batch) {
        if (accept !== undefined && !accept(d)) continue;
        received++;
        try {
          onDatagram(d, received);
        } catch (err) {
          return stop(err);
        }
        if (received === limits.count) return stop();
      }
      out.flush();
    });
    socket.onError((err) => io.stderr.write(`uftp_diag ${command}: ${describeError(err)}\n`));
    if (limits.timeoutMs !== undefined) timer = setTimeout(onAbort, limits.timeoutMs);
    if (io.signal.aborted) stop();
    else io.signal.addEventListener('abort', onAbort, { once: true });
  });
}
