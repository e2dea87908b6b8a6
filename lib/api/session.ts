// One server session on its own socket: what send() and the uftp command share once they have a
// ServerConfig. Opens the socket (bound to the source port, -B on both buffers, DSCP, TTL, the multicast
// egress interface), runs the machine over it, and closes it whatever happens.
import type { NetInterface, UdpSocket } from '../net';
import { UdpSocket as Socket, type Family } from '../net';
import { createServer } from '../server';
import type { Progress, SendItem, ServerConfig, SessionOutcome } from '../server/types';
import type { LogSink } from '../runtime/log-sink';
import { ServerRunner } from './runner';

export interface SessionParams {
  config: ServerConfig;
  family: Family;
  sourcePort: number;
  bufferSize: number;
  dscp: number;
  ttl: number;
  /** Multicast goes out of this interface; default the system's choice. */
  egress?: NetInterface;
  items: AsyncIterator<SendItem>;
  log: LogSink;
  onStatus?: (line: string) => void;
  onProgress?: (progress: Progress) => void;
  /** Aborting stops the session: the clients are told, the outcome has exit status 6. */
  signal?: AbortSignal;
  /** Called with the socket once it is set up, before anything is sent (to report granted buffer sizes). */
  onSocket?: (socket: UdpSocket) => void;
}

/** Opens and configures the session's socket; errors name the step that failed. */
export function openSessionSocket(p: Pick<SessionParams, 'family' | 'sourcePort' | 'bufferSize' | 'dscp' | 'ttl' | 'egress'>): UdpSocket {
  const socket = Socket.open({ family: p.family, reuseAddr: false });
  let step = `bind to port ${p.sourcePort}`;
  try {
    socket.bind(p.family === 6 ? '::' : '0.0.0.0', p.sourcePort);
    step = `buffer size ${p.bufferSize}`;
    socket.setRecvBufferSize(p.bufferSize);
    socket.setSendBufferSize(p.bufferSize);
    step = `DSCP ${p.dscp}`;
    socket.setDscp(p.dscp);
    step = `TTL ${p.ttl}`;
    socket.setMulticastTtl(p.ttl);
    if (p.egress) {
      step = `multicast interface ${p.egress.name}`;
      socket.setMulticastInterface(p.egress.index);
    }
  } catch (err) {
    void socket.close();
    throw new SessionSocketError(`socket: ${step}: ${(err as Error).message}`);
  }
  return socket;
}

export class SessionSocketError extends Error {
  override readonly name = 'SessionSocketError';
}

export async function runSession(p: SessionParams): Promise<SessionOutcome> {
  const socket = openSessionSocket(p);
  try {
    p.onSocket?.(socket);
    const runner = new ServerRunner({
      machine: createServer(p.config), socket, logger: p.log, items: p.items, status: p.onStatus, progress: p.onProgress,
    });
    const onAbort = (): void => runner.interrupt();
    if (p.signal?.aborted) queueMicrotask(onAbort);
    p.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await runner.run();
    } finally {
      p.signal?.removeEventListener('abort', onAbort);
    }
  } finally {
    await socket.close();
  }
}
