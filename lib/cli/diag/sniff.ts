// `uftp_diag sniff`: print one dissected line per UFTP packet on a port. By default a packet capture
// (Linux AF_PACKET, CAP_NET_RAW): both directions, the unicast side too (REGISTER, STATUS, COMPLETE,
// KEYINFO_ACK ...), beside a uftpd or proxy that holds the port, joining nothing. Where capture is
// refused, or with --socket, a bound socket joins the groups and sees only what is multicast to them.
import type { CapturedDatagram, Family, InterfaceSpec, NetInterface, UdpCapture } from '../../net';
import { DEFAULT_PORT } from '../../protocol';
import { isMulticast } from '../common/addresses';
import { ExitCode, UsageError } from '../exit';
import { loadNet, NetModule, resolveInterfaceOption, Subcommand } from './command';
import type { Dissection } from './dissect';
import {
  addressListOption, anyAddress, checkMulticast, familyOption, flag, interfaceOption, intOption, optionalString,
  OptionValues, portOption, secondsOption,
} from './options';
import { describeError, DiagIo, LineWriter } from './output';
import { announceReady, Memberships, receiveUntilDone } from './receive';
import { CaptureView, openCapture } from './sniff-capture';
import { printPacket, SniffSummary, summaryText } from './sniff-print';

export type { SniffOther, SniffPacket, SniffSummary } from './sniff-print';

export interface SniffOptions {
  family: Family;
  /** False when neither --family nor an address decided it: a capture then shows both families. */
  familyGiven: boolean;
  port: number;
  groups: string[];
  sources: string[];
  iface?: InterfaceSpec;
  count?: number;
  timeoutMs?: number;
  /** Also show (capture) or join (socket) the private group each ANNOUNCE names. */
  follow: boolean;
  /** A bound socket even where capture is possible. */
  socket: boolean;
  readyFile?: string;
}

export function toSniffOptions(values: OptionValues): SniffOptions {
  const groups = addressListOption(values, 'group');
  const sources = addressListOption(values, 'source');
  const socket = flag(values, 'socket');
  if (groups.length === 0 && (socket || sources.length > 0)) {
    throw new UsageError(`--group is required${socket ? ' with --socket' : ' with --source'}`);
  }
  for (const g of groups) checkMulticast('group', g);
  const family = familyOption(values, [
    ...groups.map((g): [string, string] => ['group', g]),
    ...sources.map((s): [string, string] => ['source', s]),
  ]);
  return {
    family,
    familyGiven: values.family !== undefined || groups.length > 0,
    port: portOption(values, 'port', 1) ?? DEFAULT_PORT,
    groups,
    sources,
    iface: interfaceOption(values),
    count: intOption(values, 'count', { min: 1, max: Number.MAX_SAFE_INTEGER }),
    timeoutMs: secondsOption(values, 'timeout'),
    follow: flag(values, 'follow'),
    socket,
    readyFile: optionalString(values, 'ready-file'),
  };
}

/** The private group an ANNOUNCE sends the files to, if --follow should take it in. */
function announcedGroup(d: Dissection | undefined, family: Family | undefined): string | undefined {
  if (d?.type !== 'ANNOUNCE') return undefined;
  const addr = d.message.privateAddr;
  if (typeof addr !== 'string' || !isMulticast(addr)) return undefined;
  return family === undefined || addr.includes(':') === (family === 6) ? addr : undefined;
}

function newSummary(via: SniffSummary['via']): SniffSummary {
  return { summary: true, via, received: 0, uftp: 0, other: 0, byType: {} };
}

function finish(summary: SniffSummary, out: LineWriter): number {
  out.record(summary, () => summaryText(summary));
  out.flush();
  return ExitCode.OK;
}

async function sniffCapture(capture: UdpCapture, opts: SniffOptions, iface: NetInterface | undefined, out: LineWriter, io: DiagIo): Promise<number> {
  try {
    const view = new CaptureView(opts.groups, opts.sources, opts.familyGiven ? opts.family : undefined);
    const summary = newSummary('capture');
    const done = receiveUntilDone<CapturedDatagram>(capture, opts, out, io, 'sniff', (d) => {
      const dis = printPacket(d, summary, out);
      const group = opts.follow ? announcedGroup(dis, view.family) : undefined;
      if (group !== undefined && view.follow(group)) out.note(`showing ${group} too, the private group announced`);
    }, (d) => view.shows(d));
    const where = iface === undefined ? 'every interface' : iface.name;
    const groups = opts.groups.length ? `multicast to ${opts.groups.join(', ')}${opts.follow ? ' (following ANNOUNCEs)' : ''}` : 'all multicast';
    announceReady(out, `capturing UDP port ${opts.port} on ${where}, both directions: unicast and ${groups}; joining nothing`, opts.readyFile, opts.port);
    await done;
    return finish({ ...summary, ...capture.counts() }, out);
  } finally {
    await capture.close();
  }
}

async function sniffSocket(net: NetModule, opts: SniffOptions, ifindex: number | undefined, out: LineWriter, io: DiagIo): Promise<number> {
  if (opts.groups.length === 0) throw new UsageError('--group is required where packet capture is not possible');
  const socket = net.UdpSocket.open({ family: opts.family, reuseAddr: true });
  try {
    socket.bind(anyAddress(opts.family), opts.port);
    const member = new Memberships(socket, opts.sources, ifindex);
    for (const g of opts.groups) member.join(g);
    const summary = newSummary('socket');
    const done = receiveUntilDone(socket, opts, out, io, 'sniff', (d) => {
      const dis = printPacket(d, summary, out);
      const group = opts.follow ? announcedGroup(dis, opts.family) : undefined;
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
    return finish(summary, out);
  } finally {
    await socket.close();
  }
}

export const sniffCommand: Subcommand = {
  name: 'sniff',
  summary: 'print each UFTP packet on a port, dissected: packet capture (both directions), else a socket joined to groups',
  usage:
    '[--group G[,G...]] [--port P (1044)] [--if IFACE] [--source S[,S...]] [--family 4|6] [--follow]\n' +
    '        [--socket] [--count N] [--timeout SEC] [--ready-file PATH] [--json]',
  options: {
    group: { type: 'string', multiple: true },
    port: { type: 'string' },
    if: { type: 'string' },
    source: { type: 'string', multiple: true },
    family: { type: 'string' },
    follow: { type: 'boolean' },
    socket: { type: 'boolean' },
    count: { type: 'string' },
    timeout: { type: 'string' },
    'ready-file': { type: 'string' },
  },
  async run(values, out, io) {
    const opts = toSniffOptions(values);
    const net = await loadNet();
    const iface = opts.iface === undefined ? undefined : resolveInterfaceOption(net, opts.iface, opts.family);
    if (!opts.socket) {
      const capture = openCapture(net, opts.port, iface?.index);
      if (!('refused' in capture)) return sniffCapture(capture, opts, iface, out, io);
      io.stderr.write(
        `uftp_diag sniff: packet capture refused (${capture.refused}); falling back to a socket bound to port ${opts.port}: ` +
          'it sees only what is multicast to the groups, and cannot bind where a UFTP program holds the port\n',
      );
    }
    return sniffSocket(net, opts, iface?.index, out, io);
  },
};
