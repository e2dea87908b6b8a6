// `uftp_diag --help`: the diagnostics tool's manual page. The subcommands and their synopses come from
// the subcommands themselves; the option texts are here, one per long option name.
import type { Manual, ManualItem } from '../common/manual';
import type { Subcommand } from './command';
import { COMMON_OPTIONS } from './options';

/** What each long option means, whichever subcommand takes it. */
const OPTION_TEXT: Record<string, { arg?: string; text: string }> = {
  family: { arg: '4|6', text: 'IPv4 (the default) or IPv6; a capturing sniff shows both unless an option says which.' },
  if: { arg: 'IFACE', text: 'The interface, by name, index or address: the one to join on, to send multicast from, or to capture on (sniff: by default every interface).' },
  port: { arg: 'P', text: 'The UDP port to listen on or send to (sniff: default 1044).' },
  group: {
    arg: 'G',
    text: 'The multicast group to join (sniff: several, comma-separated or repeated; when capturing, the groups whose datagrams are shown, unicast always; without it, every group).',
  },
  source: { arg: 'S[,S...]', text: 'Join source-specifically (SSM): only datagrams from these sources.' },
  bind: { arg: 'ADDR', text: 'The local address to bind to. Default: any.' },
  to: { arg: 'ADDR', text: 'Where to send: a unicast or multicast address.' },
  rcvbuf: { arg: 'N', text: 'Ask for a receive buffer of N bytes; as root (CAP_NET_ADMIN) beyond net.core.rmem_max.' },
  sndbuf: { arg: 'N', text: 'Ask for a send buffer of N bytes; as root (CAP_NET_ADMIN) beyond net.core.wmem_max.' },
  'no-force': { text: 'Ask for the buffer sizes without forcing them, as an unprivileged program would.' },
  dscp: { arg: 'D', text: 'Mark the packets sent with this DSCP, 0 to 63.' },
  ttl: { arg: 'T', text: 'The multicast time-to-live.' },
  count: { arg: 'N', text: 'Stop after N datagrams (send: how many to send).' },
  size: { arg: 'BYTES', text: 'The size of each datagram sent.' },
  rate: { arg: 'PPS', text: 'Send at most this many datagrams per second. Default: as fast as possible.' },
  'source-port': { arg: 'P', text: 'The UDP port to send from. Default: any.' },
  timeout: { arg: 'SEC', text: 'Stop after this many seconds.' },
  'ready-file': { arg: 'PATH', text: 'Once listening, write the bound port to this file (for scripts that wait on it).' },
  'leave-after': { arg: 'N', text: 'Leave the group after N datagrams and keep listening (to watch the leave take effect). Needs --group.' },
  'no-reuse': { text: 'Bind without SO_REUSEADDR.' },
  follow: { text: 'Also show (capturing) or join (--socket) the private group each announcement names, to see the session\'s data.' },
  socket: {
    text:
      'Sniff through a socket bound to the port and joined to the groups, not a packet capture: it sees only what is multicast to ' +
      'the groups, and cannot bind where a UFTP program holds the port. Used anyway where capture is refused (no CAP_NET_RAW, not Linux), which sniff says.',
  },
  json: { text: 'One JSON object per line instead of text.' },
  help: { text: 'The subcommand\'s synopsis (-h too).' },
};

function optionItems(commands: readonly Subcommand[]): ManualItem[] {
  const names = new Set<string>();
  for (const c of commands) for (const name of Object.keys(c.options)) names.add(name);
  for (const name of Object.keys(COMMON_OPTIONS)) names.add(name);
  return [...names].map((name) => {
    const entry = OPTION_TEXT[name];
    if (entry === undefined) throw new Error(`uftp_diag manual: no text for --${name}`);
    const users = commands.filter((c) => name in c.options).map((c) => c.name);
    const where = users.length > 0 && users.length < commands.length ? ` (${users.join(', ')})` : '';
    return { term: `--${name}${entry.arg ? ` ${entry.arg}` : ''}`, text: `${entry.text}${where}` };
  });
}

export function diagManual(commands: readonly Subcommand[]): Manual {
  return {
    name: 'uftp_diag',
    summary: 'socket, multicast and UFTP protocol diagnostics',
    synopsis: ['uftp_diag SUBCOMMAND [ options ]', ...commands.map((c) => `uftp_diag ${c.name} ${c.usage.replace(/\n\s*/g, ' ')}`)].join('\n'),
    description: [
      'uftp_diag asks the kernel, through the same addon the UFTP programs use, what it really does with ' +
        'a UDP socket: which interfaces can multicast, what buffer sizes and markings it grants, whether ' +
        'a multicast group (any-source or source-specific) reaches this host, and what UFTP traffic is on ' +
        'the wire. It sends and receives only when told to.',
    ],
    options: optionItems(commands),
    more: [{ title: 'SUBCOMMANDS', items: commands.map((c) => ({ term: c.name, text: c.summary })) }],
    exitStatus: [
      { term: '0', text: 'Done.' },
      { term: '1', text: 'An invalid subcommand, option or value.' },
      { term: '2', text: 'A system call failed (socket, bind, join, send).' },
      { term: '5', text: 'Any other error.' },
    ],
    seeAlso: 'uftp(1), uftpd(1), uftpproxyd(1), ip(8), ss(8)',
  };
}
