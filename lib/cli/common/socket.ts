// The one UDP socket a UFTP program listens and sends on, set up from its options: bound to the
// wildcard address, -B on both buffers (buffers.ts says what the kernel granted), -Q DSCP, -t TTL and
// an optional egress interface for multicast. A failing syscall becomes a NetworkError (exit 2).
import { UdpSocket, type BufferGrant, type DscpMarking, type Family, type NetInterface } from '../../net';

export interface SocketSetup {
  family: Family;
  port: number;
  bufferSize: number;
  dscp: number;
  ttl: number;
  egress?: NetInterface;
  /** SO_REUSEADDR (default on); off, a second daemon on a busy port fails with EADDRINUSE as the real uftpd. */
  reuseAddr?: boolean;
  /** IPv6 socket that carries IPv4 too (the real proxy's IPV6_V6ONLY = 0). */
  dualStack?: boolean;
}

export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export function openUdpSocket(setup: SocketSetup, open = UdpSocket.open): UdpSocket {
  return openUdpSocketWithGrant(setup, open).socket;
}

/** The same, with what the kernel made of the receive buffer request (for the overflow warnings). */
export function openUdpSocketWithGrant(setup: SocketSetup, open = UdpSocket.open): { socket: UdpSocket; receiveGrant: BufferGrant } {
  const socket = open({ family: setup.family, reuseAddr: setup.reuseAddr ?? true, ...(setup.dualStack ? { dualStack: true } : {}) });
  let step = 'bind';
  let receiveGrant: BufferGrant;
  try {
    socket.bind(setup.family === 6 ? '::' : '0.0.0.0', setup.port);
    step = 'buffer sizes';
    receiveGrant = socket.setRecvBufferSize(setup.bufferSize);
    socket.setSendBufferSize(setup.bufferSize);
    step = 'DSCP';
    socket.setDscp(setup.dscp);
    step = 'TTL';
    socket.setMulticastTtl(setup.ttl);
    if (setup.egress !== undefined) {
      step = `multicast interface ${setup.egress.name}`;
      socket.setMulticastInterface(setup.egress.index);
    }
  } catch (err) {
    void socket.close();
    throw new NetworkError(`socket ${step} (port ${setup.port}): ${(err as Error).message}`);
  }
  return { socket, receiveGrant };
}

/**
 * The start-up log line for -Q: which mechanism marks the datagrams, or (level 0, always shown) that none
 * will, as on Windows without qWAVE. Nothing for DSCP 0.
 */
export function dscpLogLine(dscp: number, marking: DscpMarking): { level: number; message: string } | undefined {
  if (dscp === 0) return undefined;
  if (marking.mechanism === 'none') return { level: 0, message: `DSCP ${dscp} will not be applied: ${marking.detail}` };
  return { level: 2, message: `DSCP ${dscp} marked through ${marking.mechanism}: ${marking.detail}` };
}
