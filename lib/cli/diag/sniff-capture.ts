// How `uftp_diag sniff` watches: a packet capture where the system allows it (both directions, unicast
// and multicast, beside a daemon that holds the port), else a bound socket joined to the groups.
import type { NetModule } from './command';
import type { CapturedDatagram, Family, SyscallError, UdpCapture } from '../../net';
import { isMulticast } from '../common/addresses';
import { describeError } from './output';

/** Errors that mean "no packet capture here": no CAP_NET_RAW, no AF_PACKET (Windows, a sandbox). */
const REFUSALS = new Set(['EPERM', 'EACCES', 'ERR_NOT_SUPPORTED', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT']);

/** The capture, or why there is none (a refusal the caller falls back on); other errors are thrown. */
export function openCapture(net: NetModule, port: number, ifindex: number | undefined): UdpCapture | { refused: string } {
  try {
    return net.UdpCapture.open({ port, iface: ifindex });
  } catch (err) {
    const code = (err as Partial<SyscallError>).code;
    if (code === undefined || !REFUSALS.has(code)) throw err;
    return { refused: describeError(err) };
  }
}

/** Which captured datagrams sniff shows: what --group, --source, --family and --follow ask for. */
export class CaptureView {
  private readonly groups: Set<string>;

  constructor(
    groups: readonly string[],
    private readonly sources: readonly string[],
    /** Undefined: both families. */
    readonly family: Family | undefined,
  ) {
    this.groups = new Set(groups);
  }

  /** A private group an ANNOUNCE named (--follow): shown from now on. */
  follow(group: string): boolean {
    if (this.groups.size === 0 || this.groups.has(group)) return false;
    this.groups.add(group);
    return true;
  }

  /**
   * Unicast always (it is the session's other half); multicast to the groups given (all without
   * --group), from the sources given.
   */
  shows(d: CapturedDatagram): boolean {
    if (this.family !== undefined && d.from.includes(':') !== (this.family === 6)) return false;
    if (!isMulticast(d.to)) return true;
    if (this.groups.size > 0 && !this.groups.has(d.to)) return false;
    return this.sources.length === 0 || this.sources.includes(d.from);
  }
}
