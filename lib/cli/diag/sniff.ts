// `uftp_diag sniff`: join UFTP groups (the public one, the private ones) and print one dissected line per
// packet multicast to them: announcements, file info, file data, DONE. Unicast replies between server and
// clients never reach a group member, so they are not seen here.
import { writeFileSync } from 'node:fs';
import type { Datagram, Family, InterfaceSpec } from '../../net/types';
import { DEFAULT_PORT } from '../../protocol';
import { ExitCode, UsageError } from '../exit';
import { loadNet, NetModule, resolveInterfaceOption, Subcommand } from './command';
import { Dissection, dissectPacket, keyFields } from './dissect';
import { headerSummary, pairsText } from './dissect-text';
import type { ViewObject } from './dissect-view';
import {
  addressListOption, anyAddress, familyOption, flag, interfaceOption, intOption, isMulticastAddress, optionalString,
  OptionValues, portOption, secondsOption,
} from './options';
import { DiagIo, LineWriter, describeError } from './output';

export interface SniffOptions {
  family: Family;
  port: number;
  groups: string[];
  sources: string[];
  iface?: InterfaceSpec;
  count?: number;
  timeoutMs?: number;
  /** Also join the private group each ANNOUNCE names. */
  follow: boolean;
  readyFile?: string;
}

export function toSniffOptions(values: OptionValues): SniffOptions {
  const groups = addressListOption(values, 'group');
  const sources = addressListOption(values, 'source');
  if (groups.length === 0) throw new UsageError('--group is required');
  for (const g of groups) if (!isMulticastAddress(g)) throw new UsageError(`--group: '${g}' is not a multicast address`);
  const family = familyOption(values, [...groups, ...sources].map((a, i): [string, string] => [i < groups.length ? 'group' : 'source', a]));
  return {
    family,
    port: portOption(values, 'port', 1) ?? DEFAULT_PORT,
    groups,
    sources,
    iface: interfaceOption(values),
    count: intOption(values, 'count', { min: 1, max: Number.MAX_SAFE_INTEGER }),
    timeoutMs: secondsOption(values, 'timeout'),
    follow: flag(values, 'follow'),
    readyFile: optionalString(values, 'ready-file'),
  };
}

interface DatagramPart {
  time: string;
  from: string;
  fromPort: number;
  to: string;
  length: number;
}

/** One UFTP packet in `sniff --json`. */
export interface SniffPacket extends DatagramPart {
  uftp: true;
  type: string;
  header: ViewObject;
  fields: ViewObject;
}

/** A datagram that is not UFTP 4, with the codec's reason. */
export interface SniffOther extends DatagramPart {
  uftp: false;
  error: { kind: string; message: string };
}

/** The last line of `sniff --json`. */
export interface SniffSummary {
  summary: true;
  received: number;
  uftp: number;
  other: number;
  byType: Record<string, number>;
}

type Socket = InstanceType<NetModule['UdpSocket']>;

/** Joins groups once each: SSM from every --source, any-source without. */
class Memberships {
  readonly joined = new Set<string>();

  constructor(
    private readonly socket: Socket,
    private readonly opts: SniffOptions,
    private readonly ifindex: number | undefined,
  ) {}

  join(group: string): boolean {
    if (this.joined.has(group)) return false;
    if (this.opts.sources.length === 0) this.socket.joinGroup(group, this.ifindex);
    else for (const s of this.opts.sources) this.socket.joinSourceGroup(group, s, this.ifindex);
    this.joined.add(group);
    return true;
  }
}

function datagramPart(d: Datagram): DatagramPart {
  return { time: new Date().toISOString(), from: d.from, fromPort: d.fromPort, to: d.to, length: d.data.length };
}

function packetLine(p: DatagramPart, rest: string): string {
  return `${p.time.slice(11, 23)} ${p.from}:${p.fromPort} > ${p.to} len ${p.length}  ${rest}`;
}

/** The private group an ANNOUNCE sends the files to, if --follow should join it. */
function announcedGroup(d: Dissection, family: Family): string | undefined {
  if (d.type !== 'ANNOUNCE') return undefined;
  const addr = d.message.privateAddr;
  if (typeof addr !== 'string' || !isMulticastAddress(addr)) return undefined;
  return addr.includes(':') === (family === 6) ? addr : undefined;
}

function summaryText(s: SniffSummary): string {
  const types = Object.entries(s.byType).map(([t, n]) => `${t} ${n}`).join(', ');
  return `received ${s.received} datagrams: ${s.uftp} UFTP${types ? ` (${types})` : ''}, ${s.other} not UFTP`;
}

function sniffUntilDone(socket: Socket, member: Memberships, opts: SniffOptions, out: LineWriter, io: DiagIo): Promise<SniffSummary> {
  return new Promise((resolve) => {
    const summary: SniffSummary = { summary: true, received: 0, uftp: 0, other: 0, byType: {} };
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      io.signal.removeEventListener('abort', stop);
      out.flush();
      resolve(summary);
    };
    const onDatagram = (d: Datagram) => {
      summary.received++;
      const part = datagramPart(d);
      const result = dissectPacket(d.data);
      if (!result.ok) {
        summary.other++;
        const { kind, message } = result.error;
        const other: SniffOther = { ...part, uftp: false, error: { kind, message } };
        out.record(other, () => packetLine(part, `not UFTP: ${kind}: ${message}`));
        return;
      }
      const dis = result.value;
      summary.uftp++;
      summary.byType[dis.type] = (summary.byType[dis.type] ?? 0) + 1;
      const packet: SniffPacket = { ...part, uftp: true, type: dis.type, header: dis.header, fields: keyFields(dis.message) };
      out.record(packet, () => packetLine(part, `${headerSummary(dis)} | ${pairsText(packet.fields)}`));
      const group = opts.follow ? announcedGroup(dis, opts.family) : undefined;
      if (group === undefined) return;
      try {
        if (member.join(group)) out.note(`joined ${group}, the private group announced`);
      } catch (err) {
        io.stderr.write(`uftp_diag sniff: joining ${group}: ${describeError(err)}\n`);
      }
    };
    socket.onMessages((batch) => {
      if (stopped) return;
      for (const d of batch) {
        onDatagram(d);
        if (summary.received === opts.count) return stop();
      }
      out.flush();
    });
    socket.onError((err) => io.stderr.write(`uftp_diag sniff: ${describeError(err)}\n`));
    if (opts.timeoutMs !== undefined) timer = setTimeout(stop, opts.timeoutMs);
    if (io.signal.aborted) stop();
    else io.signal.addEventListener('abort', stop, { once: true });
  });
}

export const sniffCommand: Subcommand = {
  name: 'sniff',
  summary: 'join UFTP groups and print each UFTP packet multicast to them, dissected',
  usage:
    '--group G[,G...] [--port P (1044)] [--if IFACE] [--source S[,S...]] [--family 4|6] [--follow]\n' +
    '        [--count N] [--timeout SEC] [--ready-file PATH] [--json]',
  options: {
    group: { type: 'string', multiple: true },
    port: { type: 'string' },
    if: { type: 'string' },
    source: { type: 'string', multiple: true },
    family: { type: 'string' },
    follow: { type: 'boolean' },
    count: { type: 'string' },
    timeout: { type: 'string' },
    'ready-file': { type: 'string' },
  },
  async run(values, out, io) {
    const opts = toSniffOptions(values);
    const net = await loadNet();
    const ifindex = opts.iface === undefined ? undefined : resolveInterfaceOption(net, opts.iface, opts.family).index;
    const socket = net.UdpSocket.open({ family: opts.family, reuseAddr: true });
    try {
      socket.bind(anyAddress(opts.family), opts.port);
      const member = new Memberships(socket, opts, ifindex);
      for (const g of opts.groups) member.join(g);
      const done = sniffUntilDone(socket, member, opts, out, io);
      const from = opts.sources.length ? ` from ${opts.sources.join(', ')}` : '';
      out.note(`sniffing port ${opts.port}, groups ${opts.groups.join(', ')}${from}${opts.follow ? ' (following ANNOUNCEs)' : ''}`);
      out.flush();
      // Tests and scripts start the server once this file exists: the socket is bound and joined.
      if (opts.readyFile !== undefined) writeFileSync(opts.readyFile, `${opts.port}\n`);
      const summary = await done;
      out.record(summary, () => summaryText(summary));
      out.flush();
    } finally {
      await socket.close();
    }
    return ExitCode.OK;
  },
};
