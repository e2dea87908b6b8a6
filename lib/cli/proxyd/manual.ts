// `uftpproxyd --help`: the proxy daemon's manual page, from the options lib/cli/proxyd/options.ts takes.
import { DAEMON_EXIT_STATUS, DAEMON_SIGNALS, SERVICE_NOTE, sharedOptions } from '../common/daemon-manual';
import { maxSessionsManual } from '../common/max-sessions';
import type { Manual } from '../common/manual';
import { PROGRAM, USAGE } from './usage';

export const MANUAL: Manual = {
  name: PROGRAM,
  summary: 'UFTP proxy daemon: carries UFTP sessions across networks that do not route multicast',
  synopsis: USAGE,
  description: [
    'uftpproxyd runs in one of three modes. A server proxy (-s) hears a server\'s multicast on its ' +
      'network and tunnels it by unicast to a client proxy. A client proxy (-c) multicasts what it is ' +
      'given to the clients of its own network and sends their answers back upstream, merged into one. A ' +
      'response proxy (-r) sits beside the clients and gathers their answers for a server that multicasts ' +
      'to them directly. In encrypted sessions a client proxy takes part in the key exchange for the ' +
      'clients behind it.',
    'It speaks UFTP protocol 4 as UFTP 4.10.2 does and works with the real uftp, uftpd and uftpproxyd as ' +
      'with ours. Without -d it detaches and logs to /tmp/uftpproxyd.log (see -L). On Windows it runs as a ' +
      'service (--install-service) and logs to C:\\uftpproxyd_log.txt.',
    SERVICE_NOTE,
  ],
  options: [
    { term: '-s { dest | fp=fingerprint }', text: 'Be a server proxy, forwarding to the client proxy at dest (a name or address), or to the one whose heartbeats are signed by the key with this fingerprint, at the address they come from. One of -s, -c and -r is required.' },
    { term: '-c', text: 'Be a client proxy.' },
    { term: '-r[:curve]', text: 'Be a response proxy; with a curve, also make an ECDH key on it for the key exchange (as -e).' },
    ...sharedOptions('d', 'p'),
    { term: '-t ttl', text: 'The time-to-live of the multicast packets sent, 1 to 255. Default 1.' },
    ...sharedOptions('Q', 'N'),
    { term: '-O out_multi_interface', text: 'The interface multicast leaves by, by name, host name or address. Default: the first multicast interface of the system\'s list, as the real proxy. An IPv6 address here (or an IPv6 -s dest or -H target) with IPv4 -M groups makes the socket dual-stack, as the real proxy does.' },
    sharedOptions('U')[0],
    { term: '-q dest_port', text: 'The port of the next hop downstream: the client proxy of a server proxy, the clients of a client proxy (and of a response proxy\'s PROXY_KEY). Default 1044, whatever -p is, as the real proxy.' },
    ...sharedOptions('m', 'x', 'H', 'h', 'g', 'n'),
    { term: '-T interval_pct', text: 'How long to gather the clients\' answers before passing them on, as a percentage of the server\'s interval, 10 to 99 (the option of the 3.7 page, still taken).' },
    ...sharedOptions('B', 'L', 'P'),
    { term: '-C clientlist_file', text: 'Client proxies only: the clients allowed to receive through this proxy, one per line, a name or address and the fingerprint its key must have.' },
    { term: '-S serverlist_file', text: 'The servers known, one per line: ID, the address their packets come from, and optionally the fingerprint their key must have. A client proxy accepts only these servers; a server proxy joins their multicast source-specifically, so its -M addresses and the addresses an ANNOUNCE names must then be SSM ones (232/8, ff30::/96). The address may be a host name; one ID may be listed on several addresses (IPv4 and IPv6). May be repeated, as -C, -k, -K, -I, -H and -M: the lists add up.' },
    { term: '-e ecdh_curve', text: 'Response proxies: the curve of the ECDH key used for ECDH key exchanges. Without it (or -r:curve) none is made.' },
    ...sharedOptions('k', 'K'),
    { term: '-I interface[,interface...]', text: 'Server proxies: the interfaces to hear multicast on (default: every active non-loopback one). Client proxies: the interfaces it presents as its own to servers and clients.' },
    { term: '-M pub_mcast_addr[,pub_mcast_addr...]', text: 'Server and response proxies: the public multicast addresses to listen on. Default 230.4.4.1.' },
    ...sharedOptions('metrics', 'service'),
    maxSessionsManual('1000', 'that has seen only its ANNOUNCE'),
  ],
  more: [DAEMON_SIGNALS],
  exitStatus: DAEMON_EXIT_STATUS,
  files: [
    { term: '/tmp/uftpproxyd.log', text: 'The default log of a detached daemon (-L).' },
    { term: 'C:\\uftpproxyd_log.txt', text: 'The default log on Windows (-L), of a service too.' },
    { term: '/etc/default/uftpproxyd-NAME', text: 'ARGS= of uftpproxyd@NAME.service, one proxy\'s command line (Debian package).' },
  ],
  seeAlso: 'uftp(1), uftpd(1), uftp_keymgt(1), uftp_diag(1), systemd.exec(5)',
};
