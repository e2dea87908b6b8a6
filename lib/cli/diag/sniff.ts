// `uftp_diag sniff`: join UFTP groups (the public one, the private ones) and print one dissected line per
// packet multicast to them: announcements, file info, file data, DONE. Unicast replies between server and
// clients never reach a group member, so they are not seen here.
import type { Datagram, Family, InterfaceSpec } from '../../net/types';
import { DEFAULT_PORT } from '../../protocol';
import { isMulticast } from '../common/addresses';
import { ExitCode, UsageError } from '../exit';
import { loadNet, resolveInterfaceOption, Subcommand } from './command';
import { Dissection, dissectPacket, keyFields } from './dissect';
import { headerSummary, pairsText } from './dissect-text';
import type { ViewObject } from './dissect-view';
import {
  addressListOption, anyAddress, checkMulticast, familyOption, flag, interfaceOption, intOption, optionalString,
  OptionValues, portOption, secondsOption,
} from './options';
import { describeError, LineWriter } from './output';
import { announceReady, Memberships, receiveUntilDone } from './receive';

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
  for (const g of groups) checkMulticast('group', g);
  const family = familyOption(values, [
    ...groups.map((g): [string, string] => ['group', g]),
    ...sources.map((s): [string, string] => ['source', s]),
  ]);
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
  if (typeof addr !== 'string' || !isMulticast(addr)) return undefined;
  return addr.includes(':') === (family === 6) ? addr : undefined;
}

/** Counts and prints one datagram; returns its dissection when it is UFTP. */
function printPacket(d: Datagram, summary: SniffSummary, out: LineWriter): Dissection | undefined {
  summary.received++;
  const part = datagramPart(d);
  const result = dissectPacket(d.data);
  if (!result.ok) {
    summary.other++;
    const { kind, message } = result.error;
    const other: SniffOther = { ...part, uftp: false, error: { kind, message } };
    out.record(other, () => packetLine(part, `not UFTP: ${kind}: ${message}`));
    return undefined;
  }
  const dis = result.value;
  summary.uftp++;
  summary.byType[dis.type] = (summary.byType[dis.type] ?? 0) + 1;
  const packet: SniffPacket = { ...part, uftp: true, type: dis.type, header: dis.header, fields: keyFields(dis.message) };
  out.record(packet, () => packetLine(part, `${headerSummary(dis)} | ${pairsText(packet.fields)}`));
  return dis;
}

function summaryText(s: SniffSummary): string {
  const types = Object.entries(s.byType).map(([t, n]) => `${t} ${n}`).join(', ');
  return `received ${s.received} datagrams: ${s.uftp} UFTP${types ? ` (${types})` : ''}, ${s.other} not UFTP`;
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
      const member = new Memberships(socket, opts.sources, ifindex);
      for (const g of opts.groups) member.join(g);
      const summary: SniffSummary = { summary: true, received: 0, uftp: 0, other: 0, byType: {} };
      const done = receiveUntilDone(socket, opts, out, io, 'sniff', (d) => {
        const dis = printPacket(d, summary, out);
        const group = opts.follow && dis ? announcedGroup(dis, opts.family) : undefined;
        if (group === undefined) return;
        try {
          if (member.join(group)) out.note(`joined ${group}, the private group announced`);
        } catch (err) {
          io.stderr.write(`uftp_diag sniff: joining ${group}: ${describeError(err)}\n`);
        }
      });
      const from = opts.sources.length ? ` from ${opts.sources.join(', ')}` : '';
      const note = `sniffing port ${opts.port}, groups ${opts.groups.join(', ')}${from}${opts.follow ? ' (following ANNOUNCEs)' : ''}`;
      announceReady(out, note, opts.readyFile, opts.port);
      await done;
      out.record(summary, () => summaryText(summary));
      out.flush();
    } finally {
      await socket.close();
    }
    return ExitCode.OK;
  },
};
