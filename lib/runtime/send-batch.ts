// One sendBatch per received batch or timer; when the kernel refuses one datagram (an address of the wrong
// family, say) the rest still go, one by one, and those it took before are not sent twice.
import type { OutgoingDatagram, UdpSocket } from '../net';

export interface SendLog {
  count(name: string): void;
  error(message: string): void;
}

export function sendAll(socket: UdpSocket, datagrams: OutgoingDatagram[], log: SendLog): void {
  if (datagrams.length === 0) return;
  try {
    socket.sendBatch(datagrams);
  } catch (err) {
    const sent = (err as { sent?: unknown }).sent;
    for (const d of datagrams.slice(typeof sent === 'number' ? sent : 0)) {
      try {
        socket.send(d.data, d.address, d.port);
      } catch (err) {
        log.count('send_error');
        log.error(`Error sending to ${d.address}:${d.port}: ${(err as Error).message}`);
      }
    }
  }
}
