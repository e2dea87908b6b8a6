// A capture of the UDP datagrams from or to one port, over the native addon (Linux AF_PACKET with a
// kernel filter): both directions, unicast and multicast, whatever socket sends or receives them.
// It binds no port and joins no group, so it works beside a program that holds the port.
import { isIP } from 'node:net';
import { decodeCaptureBatch } from './datagram-batch';
import { resolveInterface } from './interfaces';
import { loadAddon, type NativeCapture, type NativeCaptureCtor } from './native';
import type { BufferGrant, CaptureCounts, CaptureOptions, CapturedDatagram, SyscallError } from './types';
import { MAX_BUFFER_BYTES, checkInteger } from './validate';

const DEFAULT_BUFFER = 8 << 20;

export class UdpCapture {
  readonly port: number;
  /** What the receive buffer request got. */
  readonly buffer: BufferGrant;
  private readonly native: NativeCapture;
  private messages?: (batch: CapturedDatagram[]) => void;
  private errors: (err: SyscallError) => void = (err) => process.emitWarning(err);
  private started = false;
  private closed?: Promise<void>;

  /**
   * A capture on the real addon. Throws an Error with code 'EPERM' without CAP_NET_RAW, and
   * 'ERR_NOT_SUPPORTED' where there is no packet capture (Windows).
   */
  static open(options: CaptureOptions): UdpCapture {
    return new UdpCapture(loadAddon().Capture, options);
  }

  /** `native` is the addon's capture class, or a fake of it in tests. */
  constructor(native: NativeCaptureCtor, options: CaptureOptions) {
    this.port = checkInteger('port', options?.port, 1, 65535);
    const bytes = checkInteger('recvBufferSize', options.recvBufferSize ?? DEFAULT_BUFFER, 1, MAX_BUFFER_BYTES);
    // Either family's address names the interface.
    const spec = options.iface;
    const ifindex = spec === undefined ? 0 : resolveInterface(spec, typeof spec === 'string' && isIP(spec) === 6 ? 6 : 4).index;
    this.native = new native(this.port, ifindex, {
      onBatch: (slab, count, addresses) => this.messages?.(decodeCaptureBatch(slab, count, addresses)),
      onError: (err) => {
        if ((err as { closed?: unknown }).closed === true) void this.close();
        this.errors(err as SyscallError);
      },
    });
    try {
      this.buffer = this.native.setRecvBuffer(bytes);
    } catch (err) {
      this.native.close();
      throw err;
    }
  }

  /** Starts delivering; each batch is what one poll found. Calling it again replaces the callback. */
  onMessages(cb: (batch: CapturedDatagram[]) => void): void {
    if (typeof cb !== 'function') throw new TypeError('onMessages needs a function');
    this.messages = cb;
    if (!this.started) this.native.start();
    this.started = true;
  }

  /** Errors that surface later, from receiving. */
  onError(cb: (err: SyscallError) => void): void {
    if (typeof cb !== 'function') throw new TypeError('onError needs a function');
    this.errors = cb;
  }

  /** What was lost so far (readable after close()). */
  counts(): CaptureCounts {
    return this.native.counts();
  }

  /** Releases the capture; safe to call again. No callback runs after it. */
  close(): Promise<void> {
    if (!this.closed) {
      this.native.close();
      this.closed = Promise.resolve();
    }
    return this.closed;
  }
}
