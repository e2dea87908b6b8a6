// What `uftp_diag sniff` prints: one dissected line (or JSON object) per datagram, and a summary.
import type { CapturedDatagram, Datagram } from '../../net/types';
import { Dissection, dissectPacket, keyFields } from './dissect';
import { headerSummary, pairsText } from './dissect-text';
import type { ViewObject } from './dissect-view';
import type { LineWriter } from './output';

interface DatagramPart {
  time: string;
  from: string;
  fromPort: number;
  to: string;
  /** Captured datagrams only: a bound socket's datagrams all come to its own port. */
  toPort?: number;
  /** Captured datagrams only: 'out' when this host sent it. */
  direction?: 'in' | 'out';
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
  /** 'capture': packet capture, both directions; 'socket': a bound socket joined to the groups. */
  via: 'capture' | 'socket';
  received: number;
  uftp: number;
  other: number;
  byType: Record<string, number>;
  /** Capture only: frames the kernel dropped (full buffer), frames that could not be read, frames split (GSO). */
  kernelDrops?: number;
  unreadable?: number;
  coalesced?: number;
}

function isCaptured(d: Datagram): d is CapturedDatagram {
  return 'direction' in d;
}

function datagramPart(d: Datagram): DatagramPart {
  const part: DatagramPart = { time: new Date().toISOString(), from: d.from, fromPort: d.fromPort, to: d.to, length: d.data.length };
  if (isCaptured(d)) {
    part.toPort = d.toPort;
    part.direction = d.direction;
  }
  return part;
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function packetLine(p: DatagramPart, rest: string): string {
  const to = p.toPort === undefined ? p.to : hostPort(p.to, p.toPort);
  const way = p.direction === undefined ? '' : ` ${p.direction}`;
  return `${p.time.slice(11, 23)} ${hostPort(p.from, p.fromPort)} > ${to}${way} len ${p.length}  ${rest}`;
}

/** Counts and prints one datagram; returns its dissection when it is UFTP. */
export function printPacket(d: Datagram, summary: SniffSummary, out: LineWriter): Dissection | undefined {
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

export function summaryText(s: SniffSummary): string {
  const types = Object.entries(s.byType).map(([t, n]) => `${t} ${n}`).join(', ');
  const lost = s.kernelDrops || s.unreadable ? `; lost: ${s.kernelDrops ?? 0} dropped by the kernel, ${s.unreadable ?? 0} unreadable` : '';
  return `received ${s.received} datagrams: ${s.uftp} UFTP${types ? ` (${types})` : ''}, ${s.other} not UFTP${lost}`;
}
