// The HTTP side of --metrics: GET /metrics answers the registry in the Prometheus text format; anything
// else gets 404 (405 for another method). A port that cannot be bound is a start-up error (exit 2).
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { NetworkError } from '../socket';
import { METRICS_OPTION, type MetricsAddress } from './option';

export interface MetricsServer {
  /** Where it listens (the port the kernel chose when given 0). */
  address: MetricsAddress;
  close(): Promise<void>;
}

function formatAddress({ host, port }: MetricsAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function serveMetrics(address: MetricsAddress, registry: Registry): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new NetworkError(`${METRICS_OPTION} ${formatAddress(address)}: ${err.message}`)));
    server.listen({ host: address.host, port: address.port, ipv6Only: address.host.includes(':') }, () => {
      const bound = server.address();
      const port = bound !== null && typeof bound === 'object' ? bound.port : address.port;
      resolve({
        address: { host: address.host, port },
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export { formatAddress as formatMetricsAddress };
