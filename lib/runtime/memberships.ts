// Group memberships of a daemon's socket(s), counted: machines ask to join and leave per session, and a
// group shared by several sessions (or a session's private group that is also a public one) is joined on
// the kernel once and left when the last one leaves. Joins go on each listening interface.
import { isIP } from 'node:net';
import type { NetInterface, UdpSocket } from '../net';

export interface MembershipLog {
  count(name: string): void;
  error(message: string): void;
}

export class Memberships {
  /** By group|source|ifindex. */
  private readonly refs = new Map<string, number>();

  /** `socketFor` picks the socket of the group's family (undefined: none open for it). */
  constructor(
    private readonly socketFor: (group: string) => UdpSocket | undefined,
    private readonly interfaces: NetInterface[],
    private readonly log: MembershipLog,
  ) {}

  change(join: boolean, group: string, sources?: string[]): void {
    const socket = this.socketFor(group);
    if (!socket) {
      this.log.count(join ? 'join_error' : 'leave_error');
      this.log.error(`Error ${join ? 'joining' : 'leaving'} ${group}: no socket of its address family`);
      return;
    }
    const family = isIP(group); // a dual-stack socket joins IPv4 groups on the interfaces with IPv4
    const ifaces: Array<NetInterface | undefined> = this.interfaces.filter((i) => i.addresses.some((a) => a.family === family));
    if (ifaces.length === 0) ifaces.push(undefined);
    const sourceList: Array<string | undefined> = sources && sources.length > 0 ? sources : [undefined];
    for (const iface of ifaces) {
      for (const source of sourceList) {
        const key = `${group}|${source ?? '*'}|${iface?.index ?? 0}`;
        const refs = this.refs.get(key) ?? 0;
        if (join ? refs > 0 : refs > 1) {
          this.refs.set(key, refs + (join ? 1 : -1));
          continue;
        }
        if (!join && refs === 0) continue;
        try {
          apply(socket, join, group, source, iface?.index);
          if (join) this.refs.set(key, 1);
          else this.refs.delete(key);
        } catch (err) {
          this.log.count(join ? 'join_error' : 'leave_error');
          const where = `${source === undefined ? '' : ` from ${source}`}${iface === undefined ? '' : ` on ${iface.name}`}`;
          this.log.error(`Error ${join ? 'joining' : 'leaving'} ${group}${where}: ${(err as Error).message}`);
        }
      }
    }
  }
}

function apply(socket: UdpSocket, join: boolean, group: string, source: string | undefined, index: number | undefined): void {
  if (source === undefined) {
    if (join) socket.joinGroup(group, index);
    else socket.leaveGroup(group, index);
  } else if (join) socket.joinSourceGroup(group, source, index);
  else socket.leaveSourceGroup(group, source, index);
}
