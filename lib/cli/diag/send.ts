// `uftp_diag send`: send numbered test datagrams (see payload.ts) to a unicast or multicast address,
// with the marking, TTL and egress interface asked for; paced in bursts when --rate is given.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Family, InterfaceSpec, OutgoingDatagram } from '../../net/types';
import { ExitCode, UsageError } from '../exit';
import { loadNet, NetModule, resolveInterfaceOption, Subcommand } from './command';
import {
  addressOption,
  anyAddress,
  BUFFER_RANGE,
  DSCP_RANGE,
  familyOption,
  interfaceOption,
  intOption,
  OptionValues,
  portOption,
  requiredPort,
  sizeOption,
  TTL_RANGE,
} from './options';
import { PAYLOAD_MIN, writePayload } from './payload';

/** Largest UDP payload over IPv4 (65535 - 20 - 8). */
const MAX_SIZE = 65507;
/** Datagrams per sendBatch call: one slab each, small enough to keep memory flat. */
const BATCH = 256;

export interface SendOptions {
  family: Family;
  to: string;
  port: number;
  iface?: InterfaceSpec;
  dscp?: number;
  ttl?: number;
  count: number;
  size: number;
  /** Datagrams per second; 0 = as fast as the socket takes them. */
  rate: number;
  sndbuf?: number;
  sourcePort: number;
}

export function toSendOptions(values: OptionValues): SendOptions {
  const to = addressOption(values, 'to');
  if (to === undefined) throw new UsageError('--to is required');
  return {
    family: familyOption(values, [['to', to]]),
    to,
    port: requiredPort(values, 'port', 1),
    iface: interfaceOption(values),
    dscp: intOption(values, 'dscp', DSCP_RANGE),
    ttl: intOption(values, 'ttl', TTL_RANGE),
    count: intOption(values, 'count', { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? 1,
    size: sizeOption(values, 'size', { min: PAYLOAD_MIN, max: MAX_SIZE }) ?? 1400,
    rate: intOption(values, 'rate', { min: 0, max: 100_000_000 }) ?? 0,
    sndbuf: sizeOption(values, 'sndbuf', BUFFER_RANGE),
    sourcePort: portOption(values, 'source-port') ?? 0,
  };
}

function makeBatch(firstSeq: number, n: number, opts: SendOptions): OutgoingDatagram[] {
  const slab = Buffer.allocUnsafe(n * opts.size);
  const batch: OutgoingDatagram[] = [];
  for (let i = 0; i < n; i++) {
    const data = slab.subarray(i * opts.size, (i + 1) * opts.size);
    writePayload(data, firstSeq + i);
    batch.push({ data, address: opts.to, port: opts.port });
  }
  return batch;
}

/** Sends opts.count datagrams (fewer if aborted); resolves with how many went out. */
async function sendAll(socket: InstanceType<NetModule['UdpSocket']>, opts: SendOptions, signal: AbortSignal): Promise<number> {
  const start = performance.now();
  let sent = 0;
  while (sent < opts.count && !signal.aborted) {
    let due = opts.count;
    if (opts.rate > 0) {
      // Everything due by now goes in one burst; then sleep until the next one is due.
      const elapsed = (performance.now() - start) / 1000;
      due = Math.min(opts.count, Math.floor(elapsed * opts.rate) + 1);
      if (due <= sent) {
        await sleep(Math.max(1, (sent / opts.rate - elapsed) * 1000));
        continue;
      }
    }
    const n = Math.min(due - sent, BATCH);
    const accepted = socket.sendBatch(makeBatch(sent, n, opts));
    sent += n;
    // A full socket buffer: wait for the queue to drain rather than queue without bound.
    if (accepted < n) await socket.flush();
    else await new Promise(setImmediate); // let signals and I/O in between bursts
  }
  await socket.flush();
  return sent;
}

export const sendCommand: Subcommand = {
  name: 'send',
  summary: 'send numbered test datagrams, marked and paced as asked',
  usage:
    '--to ADDR --port P [--if IFACE] [--dscp D] [--ttl T] [--count N] [--size BYTES] [--rate PPS]\n' +
    '        [--family 4|6] [--sndbuf N] [--source-port P] [--json]',
  options: {
    to: { type: 'string' },
    port: { type: 'string' },
    if: { type: 'string' },
    dscp: { type: 'string' },
    ttl: { type: 'string' },
    count: { type: 'string' },
    size: { type: 'string' },
    rate: { type: 'string' },
    family: { type: 'string' },
    sndbuf: { type: 'string' },
    'source-port': { type: 'string' },
  },
  async run(values, out, io) {
    const opts = toSendOptions(values);
    const net = await loadNet();
    const iface = opts.iface === undefined ? undefined : resolveInterfaceOption(net, opts.iface, opts.family);
    const socket = net.UdpSocket.open({ family: opts.family });
    try {
      if (opts.sndbuf !== undefined) socket.setSendBufferSize(opts.sndbuf);
      if (opts.dscp !== undefined) socket.setDscp(opts.dscp);
      if (opts.ttl !== undefined) socket.setMulticastTtl(opts.ttl);
      if (iface) socket.setMulticastInterface(iface.index);
      socket.bind(anyAddress(opts.family), opts.sourcePort);
      const local = socket.address();
      const start = performance.now();
      const sent = await sendAll(socket, opts, io.signal);
      const seconds = (performance.now() - start) / 1000;
      out.record({ summary: true, sent }, () => {
        const rate = seconds > 0 ? Math.round(sent / seconds) : sent;
        return (
          `sent ${sent} datagrams of ${opts.size} bytes to ${opts.to} port ${opts.port} ` +
          `from port ${local.port} in ${seconds.toFixed(3)} s (${rate}/s)`
        );
      });
      out.flush();
    } finally {
      await socket.close();
    }
    return ExitCode.OK;
  },
};
