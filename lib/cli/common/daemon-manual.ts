// What the manual pages of uftpd and uftpproxyd say alike: the options both daemons take with one
// meaning, their exit statuses, their signals. Each page picks the items it needs by letter.
import type { ManualItem, ManualSection } from './manual';

const SHARED = {
  d: { term: '-d', text: 'Stay in the foreground and log to standard error instead of detaching and logging to the -L file. Use it under a service manager (the systemd units do).' },
  p: { term: '-p port', text: 'The UDP port to listen on. Default 1044.' },
  B: { term: '-B buf_size', text: 'The size in bytes of the UDP send and receive buffers, 65536 to 104857600. Default 262144. Sizes above the kernel limits (net.core.rmem_max, wmem_max) are forced when the program holds CAP_NET_ADMIN; the log says what the kernel granted.' },
  Q: { term: '-Q dscp', text: 'The Differentiated Services code point put on the packets sent, 0 to 63, in decimal or in hexadecimal with 0x. Default 0.' },
  U: { term: '-U UID', text: 'The unique ID of this host, an 8-digit hexadecimal number (0x optional). Default: taken from the address of the first multicast interface (IPv4: the address; IPv6: its last four bytes).' },
  x: { term: '-x log_level', text: 'How much to log, 0 (errors only) to 5 (packet-level detail). Default 2.' },
  L: { term: '-L logfile', text: 'The log file of a detached daemon or a Windows service. Ignored with -d.' },
  P: { term: '-P pidfile', text: 'Write the process ID to this file once running; it is removed on a clean exit.' },
  k: { term: '-k keyfile[,keyfile...]', text: 'Private key files (RSA or EC) to authenticate with. The first one also signs heartbeats. With -K, a file that does not exist is created with a new key of that type.' },
  K: { term: '-K rsa:key_len | ec:curve[,...]', text: 'Key types to generate: RSA of key_len bits, or EC on the named curve. Without -k the keys live in memory for this run only; with -k, one type per key file.' },
  m: { term: '-m', text: 'Use the system key store for keys. Meaningful on Windows only; accepted and ignored elsewhere.' },
  N: { term: '-N priority', text: 'Run at this nice value, -20 to 19. A lower value than the current one needs the privilege to raise priority; without it the daemon warns and keeps running.' },
  g: { term: '-g max_log_size', text: 'Roll the -L log file over when it reaches this many megabytes, 1 to 1024. Default: never.' },
  n: { term: '-n max_log_count', text: 'How many rolled-over log files to keep, 1 to 1000. Default 5.' },
  H: { term: '-H hb_server[:port][,...]', text: 'Send heartbeats to these proxies (port 1044 unless given), so that a proxy in front of this host knows it is alive.' },
  h: { term: '-h hb_interval', text: 'Seconds between heartbeats, 1 to 3600. Default 20. Ignored without -H.' },
  M: { term: '-M pub_mcast_addr[,pub_mcast_addr...]', text: 'The public multicast addresses to listen on for announcements. Default 230.4.4.1.' },
  metrics: { term: '--metrics [host:]port', text: 'Serve counters in the Prometheus text format at http://host:port/metrics (host 127.0.0.1 unless given; [addr]:port for IPv6): sessions, datagrams and bytes by message type, drops by reason, NAKs, key exchanges, socket overflow drops. Off by default. A long option (as the service options below); it may stand anywhere among the others.' },
  service: { term: '--install-service NAME [options] | --remove-service NAME', text: 'Windows: install the daemon as the service NAME of the Service Control Manager, started at boot by LocalSystem, with the other options given kept in the service\'s command line (after --service NAME, which tells the daemon the SCM started it); or remove the service. Once installed: sc start NAME, sc stop NAME, sc query NAME. As a service the daemon stays in front and logs to its -L file; the SCM shows RUNNING once its sockets are bound and keys loaded, and after a stop its exit status as SERVICE_EXIT_CODE (0 after sc stop). Tested under Wine only.' },
  I: { term: '-I interface[,interface...]', text: 'The interfaces to listen on, by name or address. Default: every multicast-capable interface.' },
} satisfies Record<string, ManualItem>;

export type SharedLetter = keyof typeof SHARED;

/** The shared items for these letters, in the order given. */
export function sharedOptions(...letters: SharedLetter[]): ManualItem[] {
  return letters.map((l) => SHARED[l]);
}

export const DAEMON_EXIT_STATUS: ManualItem[] = [
  { term: '0', text: 'Stopped on request; or, without -d, the daemon has detached and is running.' },
  { term: '1', text: 'An invalid command line option or value.' },
  { term: '2', text: 'The network could not be set up (socket, bind, multicast join).' },
  { term: '3', text: 'A key file could not be read, written or generated.' },
  { term: '4', text: 'The log file could not be opened or rolled over.' },
  { term: '6', text: 'Stopped by SIGTERM or SIGINT.' },
];

export const DAEMON_SIGNALS: ManualSection = {
  title: 'SIGNALS',
  items: [
    { term: 'SIGTERM, SIGINT', text: 'Stop cleanly: sockets closed, the -P file removed.' },
    { term: 'SIGHUP', text: 'Reload: read the list and key files again and reopen the log file, keeping the sessions that are running.' },
  ],
};

export const SERVICE_NOTE =
  'Installed from the Debian package, the daemon also runs as a systemd service under the user uftp-ts ' +
  '(uftpd.service, uftpproxyd@NAME.service), in the foreground, logging to the journal; its arguments ' +
  'are ARGS= in its /etc/default file.';
