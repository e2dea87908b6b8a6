// `uftp_diag socket`: open a socket with the given settings and report what the kernel applied.
// Buffer sizes are read back as the kernel reports them (Linux: double the usable size).
import type { BufferGrant, DscpMarking, Family } from '../../net/types';
import { ExitCode } from '../exit';
import { loadNet, resolveInterfaceOption, Subcommand } from './command';
import {
  BUFFER_RANGE,
  DSCP_RANGE,
  familyOption,
  flag,
  interfaceOption,
  intOption,
  OptionValues,
  sizeOption,
  TTL_RANGE,
} from './options';
import { readSysctl } from './sysctl';

export interface SocketReport {
  family: Family;
  rcvbuf: number;
  rcvbufRequested: number | null;
  rcvbufForced: boolean | null;
  sndbuf: number;
  sndbufRequested: number | null;
  sndbufForced: boolean | null;
  /** True when a FORCE variant was used for any buffer. */
  forced: boolean;
  /** null when the system will not say (Wine 8 has no IPV6_TCLASS); tosError then names why. */
  tos: number | null;
  dscp: number | null;
  tosError?: string;
  /** How the DSCP reaches the wire: a read-back TOS alone can claim a mark Windows never applies. */
  dscpMechanism: DscpMarking['mechanism'];
  dscpDetail: string;
  ttl: number;
  ifindex: number;
  /** net.core.rmem_max / wmem_max: the clamp of requests made without FORCE. */
  rmemMax: number | null;
  wmemMax: number | null;
}

export interface SocketOptionsParsed {
  family: Family;
  rcvbuf?: number;
  sndbuf?: number;
  dscp?: number;
  ttl?: number;
  iface?: string | number;
  force: boolean;
}

export function toSocketOptions(values: OptionValues): SocketOptionsParsed {
  return {
    family: familyOption(values, []),
    rcvbuf: sizeOption(values, 'rcvbuf', BUFFER_RANGE),
    sndbuf: sizeOption(values, 'sndbuf', BUFFER_RANGE),
    dscp: intOption(values, 'dscp', DSCP_RANGE),
    ttl: intOption(values, 'ttl', TTL_RANGE),
    iface: interfaceOption(values),
    force: !flag(values, 'no-force'),
  };
}

function bufferLine(name: string, size: number, grant: BufferGrant | undefined, forceName: string): string {
  if (!grant) return `  ${name}  ${size} bytes (default)`;
  const how = grant.forced ? forceName : 'plain request';
  return `  ${name}  ${size} bytes (asked ${grant.requested}, ${how})`;
}

function describe(r: SocketReport, rcv?: BufferGrant, snd?: BufferGrant): string {
  return [
    `IPv${r.family} UDP socket`,
    bufferLine('rcvbuf', r.rcvbuf, rcv, 'SO_RCVBUFFORCE'),
    bufferLine('sndbuf', r.sndbuf, snd, 'SO_SNDBUFFORCE'),
    r.tos === null ? `  tos     unreadable (${r.tosError})` : `  tos     0x${r.tos.toString(16).padStart(2, '0')} (dscp ${r.dscp})`,
    `  marking ${r.dscpMechanism}: ${r.dscpDetail}`,
    `  ttl     ${r.ttl}`,
    `  ifindex ${r.ifindex}${r.ifindex === 0 ? " (kernel's choice)" : ''}`,
    `  limits  net.core.rmem_max ${r.rmemMax ?? '?'}, net.core.wmem_max ${r.wmemMax ?? '?'} (Linux reports buffers doubled)`,
  ].join('\n');
}

/** The TOS byte as read back, or why it cannot be read: a report that says so beats one that fails. */
function readTos(socket: { getTos(): number }): Pick<SocketReport, 'tos' | 'dscp' | 'tosError'> {
  try {
    const tos = socket.getTos();
    return { tos, dscp: tos >> 2 };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string') throw err;
    return { tos: null, dscp: null, tosError: code };
  }
}

export const socketCommand: Subcommand = {
  name: 'socket',
  summary: 'open a socket with these settings and report what the kernel applied',
  usage: '[--family 4|6] [--rcvbuf N] [--sndbuf N] [--dscp D] [--ttl T] [--if IFACE] [--no-force] [--json]',
  options: {
    family: { type: 'string' },
    rcvbuf: { type: 'string' },
    sndbuf: { type: 'string' },
    dscp: { type: 'string' },
    ttl: { type: 'string' },
    if: { type: 'string' },
    'no-force': { type: 'boolean' },
  },
  async run(values, out) {
    const opts = toSocketOptions(values);
    const net = await loadNet();
    const iface = opts.iface === undefined ? undefined : resolveInterfaceOption(net, opts.iface, opts.family);
    const socket = net.UdpSocket.open({ family: opts.family });
    try {
      const force = { force: opts.force };
      const rcv = opts.rcvbuf === undefined ? undefined : socket.setRecvBufferSize(opts.rcvbuf, force);
      const snd = opts.sndbuf === undefined ? undefined : socket.setSendBufferSize(opts.sndbuf, force);
      if (opts.dscp !== undefined) socket.setDscp(opts.dscp);
      if (opts.ttl !== undefined) socket.setMulticastTtl(opts.ttl);
      if (iface) socket.setMulticastInterface(iface.index);
      const tos = readTos(socket);
      const report: SocketReport = {
        family: opts.family,
        rcvbuf: socket.getRecvBufferSize(),
        rcvbufRequested: rcv?.requested ?? null,
        rcvbufForced: rcv?.forced ?? null,
        sndbuf: socket.getSendBufferSize(),
        sndbufRequested: snd?.requested ?? null,
        sndbufForced: snd?.forced ?? null,
        forced: Boolean(rcv?.forced || snd?.forced),
        ...tos,
        dscpMechanism: socket.dscpMarking().mechanism,
        dscpDetail: socket.dscpMarking().detail,
        ttl: socket.getMulticastTtl(),
        ifindex: socket.getMulticastInterface(),
        rmemMax: readSysctl('net.core.rmem_max'),
        wmemMax: readSysctl('net.core.wmem_max'),
      };
      out.record(report, () => describe(report, rcv, snd));
      out.flush();
    } finally {
      await socket.close();
    }
    return ExitCode.OK;
  },
};
