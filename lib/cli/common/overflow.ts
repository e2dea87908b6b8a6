// Datagrams lost to a full receive buffer, said in the log: the real programs lose them silently and pay in
// extra NAK rounds. The kernel's per-socket drop count (UdpSocket.receiveDrops) is polled once a second; a
// line goes out at most once per REPORT_MS per socket, with the count since the last line, the buffer the
// kernel granted, the -B that would help, and whether SO_RCVBUFFORCE (CAP_NET_ADMIN) was there to pass
// net.core.rmem_max. At stop whatever is left unreported is logged.
import { readFileSync } from 'node:fs';
import type { BufferGrant, Family } from '../../net';
import { grantedBytes } from './buffers';
import { RANGES } from './numbers';

export const POLL_MS = 1000;
export const REPORT_MS = 10_000;

export interface WatchedSocket {
  family: Family;
  receiveDrops(): number | undefined;
}

/** What -B asked for and what the kernel made of it, for the advice in the line. */
export interface ReceiveBuffer {
  /** -B */
  requested: number;
  /** The grant as setRecvBufferSize reported it (getsockopt's figure: doubled on Linux). */
  grant: BufferGrant;
  /** net.core.rmem_max, where known: the cap of a request without FORCE. */
  rmemMax?: number;
}

export interface OverflowReport {
  family: Family;
  /** Lost since the last line. */
  lost: number;
  total: number;
  seconds: number;
}

/** The -B worth trying next: twice the request, up to -B's maximum; undefined when -B is at it. */
export function suggestedBufferSize(requested: number): number | undefined {
  if (requested >= RANGES.bufferSize.max) return undefined;
  return Math.min(requested * 2, RANGES.bufferSize.max);
}

export function overflowLine(report: OverflowReport, buffer: ReceiveBuffer, platform: NodeJS.Platform = process.platform): string {
  const granted = grantedBytes(buffer.grant.granted, platform);
  const head = `Warning: ${report.lost} datagram(s) lost to a full UDP receive buffer (IPv${report.family} socket) in the last ${report.seconds} s, ${report.total} in all; the kernel granted ${granted} bytes for -B ${buffer.requested}`;
  const max = buffer.rmemMax === undefined ? 'net.core.rmem_max' : `net.core.rmem_max (${buffer.rmemMax} bytes)`;
  if (!buffer.grant.forced && granted < buffer.requested) {
    return `${head}; a larger -B cannot help: without SO_RCVBUFFORCE (needs CAP_NET_ADMIN, not available) the kernel stops at ${max}: grant CAP_NET_ADMIN or raise the sysctl`;
  }
  const next = suggestedBufferSize(buffer.requested);
  const advice = next === undefined ? `-B is at its maximum (${RANGES.bufferSize.max})` : `try -B ${next}`;
  const force = buffer.grant.forced
    ? 'SO_RCVBUFFORCE (CAP_NET_ADMIN) available'
    : `SO_RCVBUFFORCE not available (no CAP_NET_ADMIN): a -B beyond ${max} will not be granted`;
  return `${head}; ${advice}; ${force}`;
}

/** net.core.rmem_max on Linux; undefined elsewhere or when unreadable. */
export function readRmemMax(): number | undefined {
  try {
    const value = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Watch {
  socket: WatchedSocket;
  buffer: ReceiveBuffer;
  reported: number;
  reportedAt: number;
  nextLineAt: number;
}

export class OverflowWatch {
  private readonly watches: Watch[];
  private readonly timer: NodeJS.Timeout;
  private unavailableSaid = false;

  constructor(
    sockets: Array<{ socket: WatchedSocket; buffer: ReceiveBuffer }>,
    private readonly log: (level: number, message: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    const start = now();
    this.watches = sockets.map(({ socket, buffer }) => ({ socket, buffer, reported: 0, reportedAt: start, nextLineAt: start }));
    // Said at start, where it belongs in the log (a stop within the first poll would put it after "Exiting").
    for (const w of this.watches) if (w.socket.receiveDrops() === undefined) this.sayUnavailable(w.socket.family);
    this.timer = setInterval(() => this.check(false), POLL_MS);
    this.timer.unref();
  }

  /** One poll; `final` logs what is left regardless of the rate limit. */
  check(final: boolean): void {
    const now = this.now();
    for (const w of this.watches) {
      const total = w.socket.receiveDrops();
      if (total === undefined) {
        this.sayUnavailable(w.socket.family);
        continue;
      }
      if (total <= w.reported || (!final && now < w.nextLineAt)) continue;
      const seconds = Math.max(1, Math.round((now - w.reportedAt) / 1000));
      this.log(1, overflowLine({ family: w.socket.family, lost: total - w.reported, total, seconds }, w.buffer));
      w.reported = total;
      w.reportedAt = now;
      w.nextLineAt = now + REPORT_MS;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.check(true);
  }

  private sayUnavailable(family: Family): void {
    if (this.unavailableSaid) return;
    this.unavailableSaid = true;
    this.log(3, `The kernel does not report datagrams lost to a full receive buffer here (IPv${family} socket): no overflow warnings`);
  }
}

/** Starts the watch on a daemon's receiving sockets (all with the same -B) and stops it with the daemon. */
export function watchOverflow(
  sockets: Array<{ socket: WatchedSocket; grant: BufferGrant }>,
  requested: number,
  log: (level: number, message: string) => void,
  cleanups: Array<() => void>,
): void {
  const rmemMax = readRmemMax();
  const watch = new OverflowWatch(sockets.map(({ socket, grant }) => ({ socket, buffer: { requested, grant, rmemMax } })), log);
  cleanups.push(() => watch.stop());
}
