// `uftp_diag listen`: bind, join a group (SSM with --source, ASM without) and print every datagram
// with what the kernel told about it (source, destination, interface, TOS, length).
import type { Datagram, Family, InterfaceSpec } from '../../net/types';
import { ExitCode, UsageError } from '../exit';
import { loadNet, resolveInterfaceOption, Subcommand } from './command';
import {
  addressListOption,
  addressOption,
  anyAddress,
  BUFFER_RANGE,
  checkMulticast,
  familyOption,
  flag,
  interfaceOption,
  intOption,
  optionalString,
  OptionValues,
  requiredPort,
  secondsOption,
  sizeOption,
} from './options';
import { readPayload } from './payload';
import { announceReady, Memberships, receiveUntilDone } from './receive';

export interface ListenOptions {
  family: Family;
  port: number;
  bind: string;
  group?: string;
  sources: string[];
  iface?: InterfaceSpec;
  count?: number;
  timeoutMs?: number;
  rcvbuf?: number;
  readyFile?: string;
  leaveAfter?: number;
  reuseAddr: boolean;
}

export function toListenOptions(values: OptionValues): ListenOptions {
  const group = addressOption(values, 'group');
  const sources = addressListOption(values, 'source');
  const bind = addressOption(values, 'bind');
  const family = familyOption(values, [
    ['group', group],
    ['bind', bind],
    ...sources.map((s): [string, string] => ['source', s]),
  ]);
  const opts: ListenOptions = {
    family,
    port: requiredPort(values, 'port'),
    bind: bind ?? anyAddress(family),
    group,
    sources,
    iface: interfaceOption(values),
    count: intOption(values, 'count', { min: 1, max: Number.MAX_SAFE_INTEGER }),
    timeoutMs: secondsOption(values, 'timeout'),
    rcvbuf: sizeOption(values, 'rcvbuf', BUFFER_RANGE),
    readyFile: optionalString(values, 'ready-file'),
    leaveAfter: intOption(values, 'leave-after', { min: 1, max: Number.MAX_SAFE_INTEGER }),
    reuseAddr: !flag(values, 'no-reuse'),
  };
  if (group !== undefined) checkMulticast('group', group);
  if (group === undefined && sources.length > 0) throw new UsageError('--source needs --group');
  if (group === undefined && opts.leaveAfter !== undefined) throw new UsageError('--leave-after needs --group');
  return opts;
}

/** What `listen --json` prints per datagram: exactly these keys. */
export interface DatagramRecord {
  from: string;
  fromPort: number;
  to: string;
  ifindex: number;
  tos: number;
  dscp: number;
  length: number;
}

/** The last line of `listen --json`. */
export interface ListenSummary {
  summary: true;
  received: number;
}

function datagramRecord(d: Datagram): DatagramRecord {
  return { from: d.from, fromPort: d.fromPort, to: d.to, ifindex: d.ifindex, tos: d.tos, dscp: d.tos >> 2, length: d.data.length };
}

function describeDatagram(d: Datagram, seq: number | null): string {
  const tos = `0x${d.tos.toString(16).padStart(2, '0')}`;
  const tail = seq === null ? '' : ` seq ${seq}`;
  return `from ${d.from}:${d.fromPort} to ${d.to} if ${d.ifindex} tos ${tos} dscp ${d.tos >> 2} len ${d.data.length}${tail}`;
}

/** Intact `uftp_diag send` payloads, and how many came with a lower sequence than the one before. */
interface PayloadStats {
  payloads: number;
  outOfOrder: number;
}

function summaryText(received: number, stats: PayloadStats): string {
  const payloads = stats.payloads > 0 ? `; ${stats.payloads} test payloads, ${stats.outOfOrder} out of order` : '';
  return `received ${received} datagrams${payloads}`;
}

export const listenCommand: Subcommand = {
  name: 'listen',
  summary: 'bind, join a group (SSM with --source) and print each datagram received',
  usage:
    '--port P [--group G] [--source S[,S...]] [--if IFACE] [--family 4|6] [--bind ADDR] [--count N]\n' +
    '        [--timeout SEC] [--rcvbuf N] [--ready-file PATH] [--leave-after N] [--no-reuse] [--json]',
  options: {
    port: { type: 'string' },
    group: { type: 'string' },
    source: { type: 'string', multiple: true },
    if: { type: 'string' },
    family: { type: 'string' },
    bind: { type: 'string' },
    count: { type: 'string' },
    timeout: { type: 'string' },
    rcvbuf: { type: 'string' },
    'ready-file': { type: 'string' },
    'leave-after': { type: 'string' },
    'no-reuse': { type: 'boolean' },
  },
  async run(values, out, io) {
    const opts = toListenOptions(values);
    const net = await loadNet();
    const ifindex = opts.iface === undefined ? undefined : resolveInterfaceOption(net, opts.iface, opts.family).index;
    const socket = net.UdpSocket.open({ family: opts.family, reuseAddr: opts.reuseAddr });
    try {
      if (opts.rcvbuf !== undefined) socket.setRecvBufferSize(opts.rcvbuf);
      socket.bind(opts.bind, opts.port);
      const local = socket.address();
      const member = new Memberships(socket, opts.sources, ifindex);
      if (opts.group !== undefined) member.join(opts.group);
      const stats: PayloadStats = { payloads: 0, outOfOrder: 0 };
      let lastSeq = -1;
      const done = receiveUntilDone(socket, opts, out, io, 'listen', (d, received) => {
        // The payload is checked only for the human view; JSON stays cheap for huge counts.
        out.record(datagramRecord(d), () => {
          const seq = readPayload(d.data);
          if (seq !== null) {
            stats.payloads++;
            if (seq < lastSeq) stats.outOfOrder++;
            lastSeq = seq;
          }
          return describeDatagram(d, seq);
        });
        if (received === opts.leaveAfter) {
          member.leaveAll();
          out.note(`left ${opts.group} after ${received} datagrams`);
        }
      });
      const from = opts.sources.length ? `from ${opts.sources.join(', ')}` : '(any source)';
      const joined = opts.group === undefined ? '' : `, group ${opts.group} ${from}`;
      announceReady(out, `listening on ${local.address} port ${local.port}${joined}`, opts.readyFile, local.port);
      const received = await done;
      const summary: ListenSummary = { summary: true, received };
      out.record(summary, () => summaryText(received, stats));
      out.flush();
    } finally {
      await socket.close();
    }
    return ExitCode.OK;
  },
};
