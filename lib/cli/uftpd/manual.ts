// `uftpd --help`: the client daemon's manual page, from the options lib/cli/uftpd/options.ts takes.
import { DAEMON_EXIT_STATUS, DAEMON_SIGNALS, SERVICE_NOTE, sharedOptions } from '../common/daemon-manual';
import { maxSessionsManual } from '../common/max-sessions';
import type { Manual } from '../common/manual';
import { PROGRAM, USAGE } from './usage';

export const MANUAL: Manual = {
  name: PROGRAM,
  summary: 'UFTP client daemon: receives files multicast by uftp',
  synopsis: USAGE,
  description: [
    'uftpd waits for UFTP servers (uftp) to announce sessions on its public multicast addresses, joins ' +
      'the sessions it is allowed to, and writes the files it receives beneath its destination directories, ' +
      'never outside them. Sessions may be plain or encrypted; several can run at once. It speaks UFTP ' +
      'protocol 4 as UFTP 4.10.2 does and works with the real uftp and uftpproxyd as with ours.',
    'Without -d it detaches and logs to /tmp/uftpd.log (see -L). On Windows it runs as a service (--install-service) and logs to C:\\uftpd_log.txt.',
    SERVICE_NOTE,
  ],
  options: [
    ...sharedOptions('d', 'p', 'B'),
    { term: '-E', text: 'Take part only in encrypted sessions.' },
    { term: '-Q dscp', text: 'The Differentiated Services code point put on the packets sent, 0 to 63: decimal, hexadecimal with 0x, or octal with a leading 0 (as the real uftpd reads it). Default 0.' },
    ...sharedOptions('U', 'x'),
    { term: '-t', text: 'Receive each file into a temporary name (.~uftp-GROUP-FILE) beside its destination and give it its real name once complete.' },
    { term: '-T temp_dir', text: 'Receive into this directory and move the files into the destination directory when the session ends. It must be on the same file system as the destination. Not with -t, -A or several -D directories.' },
    { term: '-D dest_dir[,dest_dir...]', text: 'The destination directories (absolute paths, at most 10); a server may pick one by its path. Default /tmp (C:\\temp on Windows).' },
    { term: '-A backup_dir[,backup_dir...]', text: 'Backup directories, one for each -D directory: a file about to be overwritten is moved first into the matching one, under a directory named by the time.' },
    sharedOptions('L')[0],
    { term: '-F status_file', text: 'Write one easily parsed line per event (files received, skipped, failed) to this file; @LOG puts the lines in the log instead.' },
    { term: '-q', text: 'Do not look up the host name of a server when it announces a session.' },
    sharedOptions('P')[0],
    { term: '-S serverlist_file', text: 'Accept sessions only from the servers in this file: one per line, its ID, the address its announcements come from, and optionally the fingerprint its key must have.' },
    { term: '-R proxy[/fingerprint]', text: 'Send every response through this response proxy, whose key must have the fingerprint if one is given.' },
    { term: '-c cache_size', text: 'Bytes of received data held in memory before being written to disk, 10240 to 20971520. Default 1048576.' },
    ...sharedOptions('k', 'K', 'm', 'N'),
    { term: '-i', text: 'With -T, move each received file by itself rather than whole directories, so nothing else in the destination directory is removed.' },
    { term: '-s postreceive_script', text: 'Run this program (an absolute path) on received files, with the arguments -I, the session ID in hexadecimal and the full paths: once per file as each one completes, or, with -T and without -i, once when the session ends with the top-level entries received.' },
    ...sharedOptions('g', 'n', 'H', 'h', 'I', 'M'),
    ...sharedOptions('metrics', 'service'),
    maxSessionsManual('100, as the real uftpd', 'whose registration the server has not yet confirmed'),
  ],
  more: [DAEMON_SIGNALS],
  exitStatus: DAEMON_EXIT_STATUS,
  files: [
    { term: '/tmp/uftpd.log', text: 'The default log of a detached daemon (-L).' },
    { term: 'C:\\uftpd_log.txt', text: 'The default log on Windows (-L), of a service too.' },
    { term: '/etc/default/uftpd', text: 'ARGS= of uftpd.service, the command line of the service (Debian package).' },
    { term: '/var/lib/uftpd', text: 'Where the service receives files by default (Debian package).' },
  ],
  seeAlso: 'uftp(1), uftpproxyd(1), uftp_keymgt(1), uftp_diag(1), systemd.exec(5)',
};
