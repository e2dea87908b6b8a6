// The typed face of the socket addon: what every program above lib/net/ may rely on.
// Nothing here knows UFTP.

export type Family = 4 | 6;

/** An interface given by name ("eth0"), index (3) or one of its addresses ("198.18.0.2"). */
export type InterfaceSpec = string | number;

export interface InterfaceAddress {
  family: Family;
  address: string;
  prefixLength: number;
}

export interface NetInterface {
  name: string;
  index: number;
  up: boolean;
  loopback: boolean;
  multicast: boolean;
  addresses: InterfaceAddress[];
}

/** One received datagram with what the kernel told about it. */
export interface Datagram {
  /**
   * A view into the batch's slab: no copy per datagram. Valid after the callback returns,
   * except in transient mode (see ReceiveOptions.transient).
   */
  data: Buffer;
  from: string;
  fromPort: number;
  /** Destination address of the datagram (IP_PKTINFO / IPV6_PKTINFO): a group for multicast. */
  to: string;
  /** Index of the interface the datagram arrived on. */
  ifindex: number;
  /** The TOS byte (IPv4) or traffic class (IPv6) it arrived with; DSCP is tos >> 2. */
  tos: number;
}

/** A datagram a capture saw pass an interface of this host, sent or received by whoever. */
export interface CapturedDatagram extends Datagram {
  /** Destination port (a socket's Datagram has none: it is the socket's own). */
  toPort: number;
  /** 'out': sent by this host; 'in': arrived at it (for it or not). */
  direction: 'in' | 'out';
}

/** What a capture could not deliver. */
export interface CaptureCounts {
  /** Frames the kernel dropped because the capture's receive buffer was full. */
  kernelDrops: number;
  /** Frames cut short, or coalesced ones the kernel could not describe. */
  unreadable: number;
  /** Frames that carried several datagrams (a sender's UDP GSO), delivered as those datagrams. */
  coalesced: number;
}

export interface CaptureOptions {
  /** UDP datagrams whose source or destination port is this one. */
  port: number;
  /** Only on this interface; default every interface. */
  iface?: InterfaceSpec;
  /** Receive buffer in bytes (forced past rmem_max where permitted); default 8 MiB. */
  recvBufferSize?: number;
}

/** How UdpSocket.onMessages receives. */
export interface ReceiveOptions {
  /**
   * Default false: each batch is copied out of the socket's receive area into a fresh buffer, and
   * `data` stays valid for as long as it is referenced.
   * True: no allocation and no copy. `data` views point straight into the socket's persistent
   * receive area, and the batch array, its Datagram objects and their `data` views are reused:
   * all of it is valid ONLY until the callback returns (the next batch overwrites it). Read or
   * send the bytes on inside the callback (send()/sendBatch() copy whatever they must queue), or
   * copy them (Buffer.from(d.data)) to keep them. For forwarders that pass bytes on at once.
   * The area's ArrayBuffer cannot be transferred (structuredClone and postMessage copy it); if it is
   * detached all the same, the socket reports ERR_RECEIVE_AREA_DETACHED through onError and goes on
   * in a new area.
   */
  transient?: boolean;
  /**
   * The longest datagram accepted, in bytes: 1..65536, default 65536 (every UDP payload).
   * A longer datagram is dropped, never delivered cut short, and reported through onError
   * as an Error with code 'EMSGSIZE', syscall 'recvmmsg' and `dropped` (how many in that batch).
   */
  maxDatagramSize?: number;
  /**
   * Fewer, fuller batches for a steady stream: after a wake-up that found fewer than `below` datagrams,
   * the socket rests `waitMs` (1..100) before it looks again, and what came meanwhile arrives as one
   * batch. Costs up to waitMs of latency; the receive buffer must hold waitMs of the stream. Default off.
   */
  gather?: { below: number; waitMs: number };
  /**
   * Linux (5.0+) UDP GRO: the kernel keeps a run of same-sized datagrams from one sender in one piece
   * (a sender using UDP GSO, as sendBatch does, or a NIC that coalesces) and the addon splits it again:
   * the callback sees the same datagrams, in order, with their sender, destination and TOS, for a
   * fraction of the kernel's work per datagram. Needs maxDatagramSize 65536 (the default), since a run
   * fills a whole slot, and 4 MiB of receive area. Where the platform has no such thing it stays off:
   * see UdpSocket.coalescing(). Default false.
   */
  coalesce?: boolean;
}

export interface OutgoingDatagram {
  data: Uint8Array;
  address: string;
  port: number;
}

/**
 * The native send queue (what the kernel could not take yet, EAGAIN). Each datagram counts its
 * payload and 64 bytes of bookkeeping. At `limitBytes` the newest datagrams are dropped, not
 * queued, and counted in `dropped`: a sender that outruns the network loses what it sends last
 * rather than growing without bound.
 */
export interface SendQueueDepth {
  datagrams: number;
  bytes: number;
  /** Datagrams dropped at the limit since the socket opened. */
  dropped: number;
  /** The most bytes queued at once since the socket opened. */
  peakBytes: number;
  limitBytes: number;
}

/** What a buffer-size request asked for and what the kernel reports it granted (getsockopt). */
export interface BufferGrant {
  requested: number;
  granted: number;
  /** True when SO_RCVBUFFORCE / SO_SNDBUFFORCE was used (needs CAP_NET_ADMIN). */
  forced: boolean;
}

export interface SocketOptions {
  family: Family;
  /** SO_REUSEADDR, default true (several multicast receivers on one port). */
  reuseAddr?: boolean;
  /**
   * IPv6 only: also carry IPv4 (IPV6_V6ONLY off). IPv4 peers and groups are then given and reported as
   * plain IPv4 addresses; the socket's TOS, TTL, egress and don't-fragment settings apply to both.
   */
  dualStack?: boolean;
}

/** Errors from a failing syscall carry the errno name, number (negative, libuv's code, as in Node's own errors) and the syscall. */
export interface SyscallError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/**
 * How a socket's DSCP reaches the wire: 'IP_TOS' / 'IPV6_TCLASS' (the kernel applies the option), 'qWAVE'
 * (Windows: a flow per destination), or 'none' (asked, but nothing will mark: Windows ignores IP_TOS since
 * Vista). `detail` is a sentence saying why. A qWAVE flow refused at the first send turns it into 'none'.
 */
export interface DscpMarking {
  mechanism: 'IP_TOS' | 'IPV6_TCLASS' | 'qWAVE' | 'none';
  detail: string;
}
