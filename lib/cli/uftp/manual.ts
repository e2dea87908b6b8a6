// `uftp --help`: the server's manual page, from the options lib/cli/uftp/options.ts takes.
import type { Manual } from '../common/manual';
import {
  DEFAULT_MAX_CLIENTS, MAX_CLIENTS_RANGE, NEW_IDS_BURST, NEW_IDS_PER_SEC, NEW_REGISTRATIONS_BURST, NEW_REGISTRATIONS_PER_SEC,
  REFUSAL_REPORT_MS,
} from '../../server/admission';
import { MAX_CLIENTS_OPTION } from './options';
import { PROGRAM, USAGE } from './usage';

export const MANUAL: Manual = {
  name: PROGRAM,
  summary: 'UFTP server: sends files to many hosts at once over multicast',
  synopsis: USAGE,
  description: [
    'uftp announces a session on a public multicast address, registers the clients (uftpd) that answer, ' +
      'and multicasts the files and directories given to all of them on a private address, sending again ' +
      'what each one missed until every client has everything or gives up. The rate is fixed (-R) or set ' +
      'by congestion control (-C tfmcc). Sessions may be encrypted, with the clients authenticated by key. ' +
      'Proxies (uftpproxyd) carry sessions across networks that do not route multicast.',
    'It speaks UFTP protocol 4 as UFTP 4.10.2 does and works with the real uftpd and uftpproxyd as with ours. ' +
      'It logs to standard error, or to the -L file.',
  ],
  options: [
    { term: '-R txrate', text: 'The sending rate in kilobits per second; -1 sends as fast as the interface takes. Default 1000. Ignored with -C tfmcc.' },
    { term: '-L logfile', text: 'Log to this file instead of standard error (implies -T).' },
    { term: '-B buf_size', text: 'The size in bytes of the UDP send and receive buffers, 65536 to 104857600. Default 262144; forced above the kernel limits when the program holds CAP_NET_ADMIN.' },
    { term: '-g max_log_size', text: 'Roll the -L file over at this many megabytes, 1 to 1024. Default: never.' },
    { term: '-n max_log_count', text: 'How many rolled-over log files to keep, 1 to 1000. Default 5.' },
    { term: '-Y keytype', text: 'The cipher of the session: none (the default), des, 3des, aes128-cbc, aes256-cbc, aes128-gcm, aes256-gcm, aes128-ccm or aes256-ccm.' },
    { term: '-h hashtype', text: 'The hash of the key derivation and of HMAC signatures: sha1 (the default), sha256, sha384 or sha512.' },
    { term: '-w sigtype', text: 'How encrypted packets are signed when the cipher does not authenticate them itself: hmac (the default) or keyex (with the key exchange key).' },
    { term: '-e keyextype[:curve]', text: 'The key exchange: rsa (the default), ecdh_rsa or ecdh_ecdsa, with the ECDH curve after a colon (default prime256v1).' },
    { term: '-c', text: 'Require each client to authenticate with its own key.' },
    { term: '-m max_nak_count', text: 'How many times a client may ask for more than -N percent of a section before it is dropped, 1 to 10. Default 1.' },
    { term: '-k key_file', text: 'The server\'s private key (RSA or EC); with -K, created there if it does not exist.' },
    { term: '-K key_length | curve', text: 'Generate the server\'s key: RSA of this many bits, or, with -e ecdh_ecdsa, EC on this curve.' },
    { term: '-l', text: 'Send the files that symbolic links point to, not the links.' },
    { term: '-T', text: 'Put a timestamp on each log line.' },
    { term: '-b block_size', text: 'The bytes of file data per packet, 512 to 8800. Default 1300; keep it well under the path MTU.' },
    { term: '-t ttl', text: 'The time-to-live of multicast packets, 1 to 255. Default 1.' },
    { term: '-Q dscp', text: 'The Differentiated Services code point of the packets sent, 0 to 63 (decimal, 0x hex or leading-0 octal). Default 0.' },
    { term: '-z', text: 'Sync mode: a client skips a file it already has, unless its copy is older or differs in size.' },
    { term: '-Z', text: 'Sync preview: as -z, but nothing is sent; the status output says what would be.' },
    { term: '-I interface', text: 'The interface to multicast from, by name, host name or address.' },
    { term: '-p port', text: 'The UDP port the clients listen on. Default 1044.' },
    { term: '-u source_port', text: 'The UDP port to send from. Default 0, any free port.' },
    { term: '-j proxylist_file', text: 'The proxies expected to answer, one per line: ID and optionally the fingerprint of its key. Used with -H.' },
    { term: '-q', text: 'Quit the session as soon as any client fails, instead of going on with the others.' },
    { term: '-f', text: 'If a client fails, write a restart file (_group_ID_restart in the current directory) for -F.' },
    { term: '-y', text: 'Use the system key store for keys. Meaningful on Windows only; accepted and ignored elsewhere.' },
    { term: '-U UID', text: 'The unique ID of the server, 8 hexadecimal digits (0x optional). Default: taken from the address of the -I interface.' },
    { term: '-a max_passes', text: 'How many passes through a file before clients that still lack parts of it are dropped, 1 to 65535. Default 65535.' },
    { term: '-x log_level', text: 'How much to log, 0 to 5. Default 2.' },
    { term: '-W txweight', text: 'Give up on a file after this percentage of the time it should take, 110 to 10000. Default: no limit. Ignored with -C tfmcc.' },
    { term: '-H { host[,host...] | @hostlist_file }', text: 'A closed group: only these clients, by ID, or listed in the file (ID and optionally key fingerprint per line). Default: any client may join.' },
    { term: '-F restart_file', text: 'Resume a failed session from a restart file written with -f: its files and clients replace the file operands and -H.' },
    { term: '-X exclude_file', text: 'Leave out the paths listed in this file, one per line, as they would be named on the client (dir/sub).' },
    { term: '-M pub_multicast_addr', text: 'The public multicast address announcements go to. Default 230.4.4.1.' },
    { term: '-P priv_multicast_addr', text: 'The private multicast address the data goes to; an x in place of a part (not the first) is drawn at random. Default 230.5.5.x. With source-specific clients, both -M and -P must be SSM addresses.' },
    { term: '-N max_nak_pct', text: 'The share of a section, in percent, a client may ask for again before it counts against -m, 0 to 100. Default 100.' },
    { term: '-C cc_type', text: 'Congestion control: none (the fixed -R rate, the default) or tfmcc (RFC 4654), optionally as tfmcc:min=RATE:init=RATE:max=RATE in Kbps.' },
    { term: '-o', text: 'With -D, always treat the name as a directory to put the sent files in, even for a single file.' },
    { term: '-D dest_name', text: 'The name the clients give the one file or directory sent; with several operands (or -o), a directory they are all put in.' },
    { term: '-E base_dir[,base_dir...]', text: 'Base directories: an operand beneath one keeps its path below that base as its name; an operand beneath none is skipped. Without -E, only the last element of each operand is kept.' },
    { term: '-S status_file', text: 'Write one easily parsed line per client and file to this file; @LOG puts them in the log.' },
    { term: '-r init_grtt[:min_grtt:max_grtt]', text: 'The group round-trip time in seconds to start from, and its bounds, 0.001 to 1000. Defaults 0.5, 0.01 and 15.' },
    { term: '-s robust', text: 'How many times a message is sent again while waiting for answers, 10 to 50. Default 20.' },
    { term: '-i list_file', text: 'Send the files listed in this file, one per line, instead of the operands; - reads the list from standard input.' },
    {
      term: `${MAX_CLIENTS_OPTION} count`,
      text: `Ours: the most destinations (clients and proxies) a session takes, ${MAX_CLIENTS_RANGE.min} to ${MAX_CLIENTS_RANGE.max}. ` +
        `Default ${DEFAULT_MAX_CLIENTS}, the real uftp's fixed limit; -H and -j together may list no more. REGISTERs are unauthenticated, ` +
        `so an open group takes new clients within limits: each source address may bring ${NEW_REGISTRATIONS_PER_SEC} registrations a second ` +
        `(bursts of ${NEW_REGISTRATIONS_BURST}) and ${NEW_IDS_PER_SEC} new client IDs a second (bursts of ${NEW_IDS_BURST}), and one REGISTER ` +
        'adds at most the client IDs one block (-b) holds; past them new IDs are refused (a sender refused at the limit gets an ABORT, as ' +
        `from the real uftp). Refusals are counted (drop.limit) and logged once every ${REFUSAL_REPORT_MS / 1000} s.`,
    },
  ],
  exitStatus: [
    { term: '0', text: 'Every file reached every client.' },
    { term: '1', text: 'An invalid command line option or value.' },
    { term: '2', text: 'The network could not be set up.' },
    { term: '3', text: 'Key data could not be read or generated.' },
    { term: '4', text: 'The log file could not be opened or rolled over.' },
    { term: '5', text: 'An internal error.' },
    { term: '6', text: 'Interrupted by a signal while sending a file.' },
    { term: '7', text: 'No client registered.' },
    { term: '8', text: 'No client acknowledged a file.' },
    { term: '9', text: 'Every client was lost or aborted during a file.' },
    { term: '10', text: 'The session ended with nothing delivered to any client.' },
  ],
  seeAlso: 'uftpd(1), uftpproxyd(1), uftp_keymgt(1), uftp_diag(1)',
};
