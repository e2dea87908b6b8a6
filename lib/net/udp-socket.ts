// A UDP socket over the native addon: argument checks, interface lookup,
// batch decoding and flush/close promises. The syscalls happen in native/.
import { isIP } from 'node:net';
import { TransientDecoder, decodeBatch } from './datagram-batch';
import { resolveInterface } from './interfaces';
import { loadAddon, type NativeSocket, type NativeSocketCtor } from './native';
import type {
  BufferGrant,
  Datagram,
  DscpMarking,
  Family,
  InterfaceSpec,
  OutgoingDatagram,
  ReceiveOptions,
  SendQueueDepth,
  SocketOptions,
  SyscallError,
} from './types';
import {
  MAX_BUFFER_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_QUEUE_BYTES,
  checkAddress,
  checkBoolean,
  checkData,
  checkFamily,
  checkGroup,
  checkInteger,
} from './validate';

type Waiter = { resolve: () => void; reject: (err: Error) => void };

const EMPTY = new Uint8Array(0);

function closedError(): Error {
  return Object.assign(new Error('socket closed before its queue was sent'), { code: 'ERR_SOCKET_CLOSED' });
}

export class UdpSocket {
  readonly family: Family;
  /** IPv6 socket that carries IPv4 too (SocketOptions.dualStack). */
  readonly dualStack: boolean;
  /** The family of peers and groups: the socket's, or either for a dual-stack one. */
  private readonly peers: Family | 'any';
  private readonly native: NativeSocket;
  private messages?: (batch: Datagram[]) => void;
  private errors: (err: SyscallError) => void = (err) => process.emitWarning(err);
  /** What the native side receives with now: undefined until onMessages. */
  private receiving?: { transient: boolean; slotSize: number; below: number; waitMs: number; coalesce: boolean; coalescing: boolean };
  private transient?: TransientDecoder;
  private flushWaiters: Waiter[] = [];
  private readonly outgoing = { datas: [] as Uint8Array[], addresses: [] as string[], ports: [] as number[] };
  private closed?: Promise<void>;

  /** A socket on the real addon. */
  static open(options: SocketOptions): UdpSocket {
    return new UdpSocket(loadAddon().Socket, options);
  }

  /** `native` is the addon's socket class, or a fake of it in tests. */
  constructor(native: NativeSocketCtor, options: SocketOptions) {
    this.family = checkFamily(options?.family);
    const reuseAddr = options.reuseAddr === undefined ? true : checkBoolean('reuseAddr', options.reuseAddr);
    this.dualStack = options.dualStack === undefined ? false : checkBoolean('dualStack', options.dualStack);
    if (this.dualStack && this.family !== 6) throw new TypeError('dualStack needs family 6');
    this.peers = this.dualStack ? 'any' : this.family;
    this.native = new native(this.family, reuseAddr, {
      onBatch: (slab, count, addresses) =>
        this.messages?.(this.transient ? this.transient.decode(slab, count, addresses) : decodeBatch(slab, count, addresses)),
      onError: (err) => {
        // The native side closed the socket itself (its polls kept failing): settle as close() does.
        if ((err as { closed?: unknown }).closed === true) void this.close();
        this.errors(err as SyscallError);
      },
      onDrain: () => this.settleFlushes(),
    });
    if (this.dualStack) this.native.setV6Only(false);
  }

  /** '0.0.0.0' / '::' bind to any address; port 0 picks an ephemeral port. */
  bind(address: string, port: number): void {
    this.native.bind(checkAddress('address', address, this.family), checkInteger('port', port, 0, 65535));
  }

  address(): { address: string; port: number } {
    return this.native.address();
  }

  setRecvBufferSize(bytes: number, opts?: { force?: boolean }): BufferGrant {
    return this.setBuffer(true, bytes, opts);
  }

  setSendBufferSize(bytes: number, opts?: { force?: boolean }): BufferGrant {
    return this.setBuffer(false, bytes, opts);
  }

  getRecvBufferSize(): number {
    return this.native.getBuffer(true);
  }

  getSendBufferSize(): number {
    return this.native.getBuffer(false);
  }

  /** Marks everything sent with this DSCP (the TOS byte / traffic class is dscp << 2). */
  setDscp(dscp: number): void {
    this.native.setTos(checkInteger('dscp', dscp, 0, 63) << 2);
  }

  getTos(): number {
    return this.native.getTos();
  }

  /** Which mechanism carries the DSCP to the wire; getTos alone can read back a mark nobody applies. */
  dscpMarking(): DscpMarking {
    return this.native.dscpMarking();
  }

  setMulticastTtl(ttl: number): void {
    this.native.setMulticastTtl(checkInteger('ttl', ttl, 0, 255));
  }

  getMulticastTtl(): number {
    return this.native.getMulticastTtl();
  }

  setMulticastLoopback(on: boolean): void {
    this.native.setMulticastLoopback(checkBoolean('on', on));
  }

  /**
   * The don't-fragment bit of what this socket sends. Off, a datagram larger than the path's MTU is
   * fragmented by the stack instead of dropped (Linux's default for UDP is path MTU discovery, DF on).
   */
  setDontFragment(on: boolean): void {
    this.native.setDontFragment(checkBoolean('on', on));
  }

  setMulticastInterface(iface: InterfaceSpec): void {
    this.native.setMulticastInterface(resolveInterface(iface, this.family).index);
  }

  getMulticastInterface(): number {
    return this.native.getMulticastInterface();
  }

  joinGroup(group: string, iface?: InterfaceSpec): void {
    this.membership(true, group, null, iface);
  }

  leaveGroup(group: string, iface?: InterfaceSpec): void {
    this.membership(false, group, null, iface);
  }

  joinSourceGroup(group: string, source: string, iface?: InterfaceSpec): void {
    this.membership(true, group, checkAddress('source', source, this.peers), iface);
  }

  leaveSourceGroup(group: string, source: string, iface?: InterfaceSpec): void {
    this.membership(false, group, checkAddress('source', source, this.peers), iface);
  }

  /**
   * Starts receiving; each batch holds what one poll of the socket found. Calling it again replaces
   * the callback (and the options). With { transient: true } the batch is valid only until cb returns.
   */
  onMessages(cb: (batch: Datagram[]) => void, options?: ReceiveOptions): void {
    if (typeof cb !== 'function') throw new TypeError('onMessages needs a function');
    const transient = options?.transient === undefined ? false : checkBoolean('transient', options.transient);
    const slotSize =
      options?.maxDatagramSize === undefined ? MAX_DATAGRAM_BYTES : checkInteger('maxDatagramSize', options.maxDatagramSize, 1, MAX_DATAGRAM_BYTES);
    const below = options?.gather === undefined ? 0 : checkInteger('gather.below', options.gather.below, 1, 1_000_000);
    const waitMs = options?.gather === undefined ? 0 : checkInteger('gather.waitMs', options.gather.waitMs, 1, 100);
    const coalesce = options?.coalesce === undefined ? false : checkBoolean('coalesce', options.coalesce);
    if (coalesce && slotSize !== MAX_DATAGRAM_BYTES) throw new RangeError(`coalesce needs maxDatagramSize ${MAX_DATAGRAM_BYTES}: a run fills a slot`);
    const now = this.receiving;
    if (!now || now.transient !== transient || now.slotSize !== slotSize || now.below !== below || now.waitMs !== waitMs || now.coalesce !== coalesce) {
      const coalescing = this.native.startReceiving(transient, slotSize, below, waitMs, coalesce) === true;
      this.receiving = { transient, slotSize, below, waitMs, coalesce, coalescing };
      this.transient = transient ? new TransientDecoder() : undefined;
    }
    this.messages = cb;
  }

  /**
   * Holds receiving while on: nothing is read, the kernel's receive buffer takes what comes (and then drops,
   * as for any slow reader); sends and the send queue go on. For a consumer that lags behind (a disk).
   */
  holdReceiving(on: boolean): void {
    this.native.holdReceiving(checkBoolean('on', on));
  }

  /** Errors that surface later, from receiving or from sending the queue. */
  onError(cb: (err: SyscallError) => void): void {
    if (typeof cb !== 'function') throw new TypeError('onError needs a function');
    this.errors = cb;
  }

  /** True if the kernel took it now, false if it waits in the queue (or was dropped: see sendQueue()). */
  send(data: Uint8Array, address: string, port: number): boolean {
    checkData('data', data);
    checkAddress('address', address, this.peers);
    checkInteger('port', port, 1, 65535);
    return this.native.send(data, address, port) === 1;
  }

  /** How many the kernel took now; the rest wait in the queue, in order, as far as its limit lets them. */
  sendBatch(datagrams: OutgoingDatagram[]): number {
    if (!Array.isArray(datagrams)) throw new TypeError('datagrams must be an array');
    // The argument arrays are reused (the addon reads them before it returns): a forwarder calling
    // this per received batch allocates nothing here. Argument names are built only for an error.
    const { datas, addresses, ports } = this.outgoing;
    const n = datagrams.length;
    datas.length = addresses.length = ports.length = n;
    let lastAddress: string | undefined;
    for (let i = 0; i < n; i++) {
      const d = datagrams[i];
      const data = d?.data;
      if (!(data instanceof Uint8Array)) checkData(`datagrams[${i}].data`, data);
      if (d.address !== lastAddress) lastAddress = checkAddress(`datagrams[${i}].address`, d.address, this.peers);
      const port = d.port;
      if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) checkInteger(`datagrams[${i}].port`, port, 1, 65535);
      datas[i] = data;
      addresses[i] = d.address;
      ports[i] = port;
    }
    try {
      return this.native.sendBatch(datas, addresses, ports);
    } finally {
      datas.fill(EMPTY); // no reference kept to what was sent
    }
  }

  /**
   * sendBatch hands runs of same-sized datagrams to one destination (the last may be shorter) to the kernel
   * as one UDP GSO send, split into the same datagrams late (Linux >= 4.18; a no-op elsewhere). On by default:
   * receivers see exactly what they would without it. Returns the largest datagram coalesced now, 0 = off.
   */
  setSegmentOffload(on: boolean): number {
    return this.native.setSegmentOffload(checkBoolean('on', on));
  }

  /** The largest datagram sendBatch coalesces now; 0 when off, unsupported, or refused by the kernel. */
  segmentLimit(): number {
    return this.native.segmentLimit();
  }

  /**
   * How many datagrams the kernel has dropped on this socket since it was opened, nearly always for a full
   * receive buffer (Linux SO_RXQ_OVFL, read from the datagrams received: a count goes up with the first
   * datagram received after the loss). Undefined where the platform does not report it (Windows), or before
   * onMessages: never a made-up 0. Stays readable after close().
   */
  receiveDrops(): number | undefined {
    return this.native.receiveDrops() ?? undefined;
  }

  /** Whether received runs come coalesced (ReceiveOptions.coalesce asked, and the platform has it). */
  coalescing(): boolean {
    return this.receiving?.coalescing ?? false;
  }

  /** The send queue's depth, its limit and what it dropped (see SendQueueDepth). */
  sendQueue(): SendQueueDepth {
    return this.native.sendQueue();
  }

  /** The most bytes the send queue holds before it drops the newest (default 32 MiB); returns it. */
  setSendQueueLimit(bytes: number): number {
    return this.native.setSendQueueLimit(checkInteger('bytes', bytes, 0, MAX_QUEUE_BYTES));
  }

  /** Resolves once the queue is empty (at once if it is). */
  flush(): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    if (this.native.queued() === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.flushWaiters.push({ resolve, reject }));
  }

  /** Releases the socket; safe to call again. No callback runs after it. */
  close(): Promise<void> {
    if (!this.closed) {
      this.native.close();
      const waiters = this.flushWaiters;
      this.flushWaiters = [];
      for (const w of waiters) w.reject(closedError());
      this.closed = Promise.resolve();
    }
    return this.closed;
  }

  private setBuffer(receive: boolean, bytes: number, opts?: { force?: boolean }): BufferGrant {
    checkInteger('bytes', bytes, 1, MAX_BUFFER_BYTES);
    const force = opts?.force === undefined ? true : checkBoolean('force', opts.force);
    return this.native.setBuffer(receive, bytes, force);
  }

  private membership(join: boolean, group: string, source: string | null, iface?: InterfaceSpec): void {
    checkGroup(group, this.peers);
    const ifindex = iface === undefined ? 0 : resolveInterface(iface, isIP(group) as Family).index;
    this.native.membership(join, group, source, ifindex);
  }

  private settleFlushes(): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w.resolve();
  }
}
