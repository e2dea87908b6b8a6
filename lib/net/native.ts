// The shape of the C++ addon (native/binding_*.cc) and its loader. UdpSocket
// takes a NativeSocketCtor, so tests can hand it a fake instead.
import bindings from 'bindings';
import type { BufferGrant, CaptureCounts, DscpMarking, Family, NetInterface, SendQueueDepth } from './types';

/** Callbacks the native socket calls; they live as a property of the native object. */
export interface NativeHandlers {
  /**
   * One received batch: `slab` opens with a table of `count` rows of 7 uint32
   * (offset, length, from, fromPort, to, ifindex, tos) where from/to
   * index `addresses`; the payloads follow (back to back, or in transient mode in the slots of
   * the socket's receive area, the same ArrayBuffer every time until JS detaches it).
   */
  onBatch(slab: ArrayBuffer, count: number, addresses: string[]): void;
  /**
   * A receive or send error. After a poll error the socket goes on (the error says what the kernel
   * reported); one with `closed: true` means its polls kept failing and the socket closed itself.
   */
  onError(err: Error): void;
  /** The native send queue became empty. */
  onDrain(): void;
}

export interface NativeSocket {
  bind(address: string, port: number): void;
  address(): { address: string; port: number };
  setBuffer(receive: boolean, bytes: number, force: boolean): BufferGrant;
  getBuffer(receive: boolean): number;
  setTos(tos: number): void;
  getTos(): number;
  /** How the DSCP set by setTos reaches the wire (see DscpMarking). */
  dscpMarking(): DscpMarking;
  setMulticastTtl(ttl: number): void;
  getMulticastTtl(): number;
  setMulticastLoopback(on: boolean): void;
  setDontFragment(on: boolean): void;
  setV6Only(on: boolean): void;
  setMulticastInterface(ifindex: number): void;
  getMulticastInterface(): number;
  membership(join: boolean, group: string, source: string | null, ifindex: number): void;
  /**
   * Starts (or reconfigures) receiving. transient: batches are the receive area itself, valid until
   * onBatch returns; slotSize: bytes per receive slot (1..65536, default 65536), longer datagrams are
   * dropped and reported through onError; gatherMs > 0: after a wake-up that found fewer than gatherBelow
   * datagrams, the receive side rests for gatherMs; coalesce: ask for runs of datagrams in one piece
   * (slotSize must be 65536). Returns whether coalescing is on.
   */
  startReceiving(transient?: boolean, slotSize?: number, gatherBelow?: number, gatherMs?: number, coalesce?: boolean): boolean;
  /** While on, nothing is read (the kernel's buffer takes what comes); sends go on. */
  holdReceiving(on: boolean): void;
  /** 1 if handed to the kernel now, 0 if queued (or dropped at the queue's limit). */
  send(data: Uint8Array, address: string, port: number): number;
  /** How many were handed to the kernel now; the rest are queued. */
  sendBatch(datas: Uint8Array[], addresses: string[], ports: number[]): number;
  queued(): number;
  sendQueue(): SendQueueDepth;
  /** Returns the limit now. */
  setSendQueueLimit(bytes: number): number;
  /** Coalescing of equal-sized runs in sendBatch (UDP GSO); returns the largest datagram coalesced now, 0 = off. */
  setSegmentOffload(on: boolean): number;
  segmentLimit(): number;
  /** The kernel's cumulative count of datagrams dropped on this socket (SO_RXQ_OVFL); null where not reported. */
  receiveDrops(): number | null;
  close(): void;
}

export type NativeSocketCtor = new (family: Family, reuseAddr: boolean, handlers: NativeHandlers) => NativeSocket;

/** Callbacks of the native capture, as NativeHandlers (rows of 9 words: + toPort, outgoing). */
export type NativeCaptureHandlers = Pick<NativeHandlers, 'onBatch' | 'onError'>;

export interface NativeCapture {
  setRecvBuffer(bytes: number): BufferGrant;
  /** Batches begin to arrive through onBatch. */
  start(): void;
  counts(): CaptureCounts;
  close(): void;
}

/** Throws ERR_NOT_SUPPORTED off Linux, EPERM without CAP_NET_RAW. ifindex 0: every interface. */
export type NativeCaptureCtor = new (port: number, ifindex: number, handlers: NativeCaptureHandlers) => NativeCapture;

export interface NativeAddon {
  Socket: NativeSocketCtor;
  Capture: NativeCaptureCtor;
  interfaces(): NetInterface[];
}

let addon: NativeAddon | undefined;

/** Loads build/Release/uftp_native.node (built by `npm run build`) on first use. */
export function loadAddon(): NativeAddon {
  addon ??= bindings('uftp_native') as NativeAddon;
  return addon;
}
