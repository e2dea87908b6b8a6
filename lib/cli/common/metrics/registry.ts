// The daemons' Prometheus metrics (prom-client). Nothing is counted twice: every value is read, at scrape
// time, from what the daemon already keeps in plain numbers (its Counters, its Traffic arrays, the
// machine's session count, the sockets' kernel drop counts), so the hot path pays nothing for a registry.
import { Counter, Gauge, Registry } from 'prom-client';
import { MessageType } from '../../../protocol/constants';
import type { Counters } from '../../../runtime/counters';
import type { Traffic } from '../../../runtime/traffic';
import { DROP_REASONS } from '../../../session/drop';

/** What a daemon offers the metrics: ClientDaemon and ProxyDaemon both do. */
export interface MetricsSource {
  sessionCount(): number;
  counters(): Counters;
  traffic(): Traffic;
  receiveDrops(): Array<{ family: 4 | 6; drops: number | undefined }>;
}

/** Counter names of the machines and daemons that have a metric of their own (the rest go to uftp_events_total). */
const DROP = 'drop.';
const NAK = 'nak.';
const KEY_EXCHANGE = 'key_exchange.';
const NAK_KINDS = ['sent', 'received', 'forwarded', 'aggregated'] as const;
const KEY_PEERS = ['server', 'client'] as const;
const KEY_RESULTS = ['ok', 'failed'] as const;

/** Message types 1..21 by name; any other byte is 'unknown'. */
const TYPE_NAMES: string[] = [];
for (let t = 0; t < 256; t++) TYPE_NAMES.push(MessageType[t] ?? 'unknown');
const NAMED_TYPES = [...new Set(TYPE_NAMES)];

export const METRIC_NAMES = {
  sessions: 'uftp_sessions_active',
  datagrams: 'uftp_datagrams_total',
  bytes: 'uftp_bytes_total',
  drops: 'uftp_drops_total',
  naks: 'uftp_naks_total',
  keyExchanges: 'uftp_key_exchanges_total',
  overflow: 'uftp_socket_overflow_drops_total',
  overflowReported: 'uftp_socket_overflow_reported',
  events: 'uftp_events_total',
} as const;

/** Sums a per-byte array into per-name values (the unknown bytes together). */
function byTypeName(values: Float64Array): Map<string, number> {
  const sums = new Map<string, number>(NAMED_TYPES.map((n) => [n, 0]));
  for (let t = 0; t < values.length; t++) if (values[t] !== 0) sums.set(TYPE_NAMES[t], sums.get(TYPE_NAMES[t])! + values[t]);
  return sums;
}

function familyLabel(family: 4 | 6): string {
  return family === 4 ? 'ipv4' : 'ipv6';
}

export function createMetricsRegistry(source: MetricsSource, program: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ program });
  const registers = [registry];
  new Gauge({
    name: METRIC_NAMES.sessions, help: 'Sessions (groups) this daemon takes part in now', registers,
    collect() { this.set(source.sessionCount()); },
  });
  const byType = (name: string, help: string, inOf: (t: Traffic) => Float64Array, outOf: (t: Traffic) => Float64Array): void => {
    new Counter({
      name, help, labelNames: ['direction', 'type'], registers,
      collect() {
        this.reset();
        const t = source.traffic();
        for (const [type, n] of byTypeName(inOf(t))) this.inc({ direction: 'in', type }, n);
        for (const [type, n] of byTypeName(outOf(t))) this.inc({ direction: 'out', type }, n);
      },
    });
  };
  byType(METRIC_NAMES.datagrams, 'UDP datagrams received (in) and handed to the kernel (out), by UFTP message type (outer: ENCRYPTED hides the inner type)', (t) => t.datagramsIn, (t) => t.datagramsOut);
  byType(METRIC_NAMES.bytes, 'UDP payload bytes received (in) and handed to the kernel (out), by UFTP message type', (t) => t.bytesIn, (t) => t.bytesOut);
  // The counters named PREFIX<label>, one series per label, those known shown at 0 before they happen.
  const byPrefix = (name: string, help: string, label: string, prefix: string, known: readonly string[]): void => {
    new Counter({
      name, help, labelNames: [label], registers,
      collect() {
        this.reset();
        for (const value of known) this.inc({ [label]: value }, 0);
        for (const [counter, n] of source.counters().entries()) if (counter.startsWith(prefix)) this.inc({ [label]: counter.slice(prefix.length) }, n);
      },
    });
  };
  byPrefix(METRIC_NAMES.drops, 'Datagrams dropped after receipt, by reason (each also logged at debug level)', 'reason', DROP, DROP_REASONS);
  byPrefix(METRIC_NAMES.naks, 'Blocks NAKed: sent by this client; received from clients, forwarded (server proxy, unencrypted) or sent on aggregated by a proxy', 'kind', NAK, NAK_KINDS);
  new Counter({
    name: METRIC_NAMES.keyExchanges, help: 'Key exchanges completed (ok) or refused (failed), with the server or with a client (proxies)',
    labelNames: ['peer', 'result'], registers,
    collect() {
      this.reset();
      for (const peer of KEY_PEERS) for (const result of KEY_RESULTS) this.inc({ peer, result }, 0);
      for (const [name, n] of source.counters().entries()) {
        if (!name.startsWith(KEY_EXCHANGE)) continue;
        const [peer, result] = name.slice(KEY_EXCHANGE.length).split('.');
        this.inc({ peer, result }, n);
      }
    },
  });
  new Counter({
    name: METRIC_NAMES.overflow, help: "Datagrams the kernel dropped on the socket, nearly always for a full receive buffer (-B); absent where the platform does not report it",
    labelNames: ['family'], registers,
    collect() {
      this.reset();
      for (const { family, drops } of source.receiveDrops()) if (drops !== undefined) this.inc({ family: familyLabel(family) }, drops);
    },
  });
  new Gauge({
    name: METRIC_NAMES.overflowReported, help: 'Whether the kernel reports the socket drop count here (1) or not (0: Windows)',
    labelNames: ['family'], registers,
    collect() {
      this.reset();
      for (const { family, drops } of source.receiveDrops()) this.set({ family: familyLabel(family) }, drops === undefined ? 0 : 1);
    },
  });
  new Counter({
    name: METRIC_NAMES.events, help: "The daemon's other counters (the 'Counters:' line logged at exit), by name",
    labelNames: ['event'], registers,
    collect() {
      this.reset();
      for (const [name, n] of source.counters().entries()) {
        if (!name.startsWith(DROP) && !name.startsWith(NAK) && !name.startsWith(KEY_EXCHANGE)) this.inc({ event: name }, n);
      }
    },
  });
  return registry;
}
