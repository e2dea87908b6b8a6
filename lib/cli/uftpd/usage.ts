// The usage text of uftpd 4.10.2, as the SYNOPSIS of its page (the real program prints an older
// wording, "-D dest_dir [ dest_dir... ]", for lists that are really comma-separated).
export const PROGRAM = 'uftpd';

export const VERSION_LINE = 'uftp-ts uftpd, UFTP version 4.10.2 compatible';

export const USAGE = [
  'uftpd [ -d ] [ -p port ] [ -B buf_size ]',
  '    [ -E ] [ -Q dscp ] [ -U UID ] [ -x log_level ] [ -t ]',
  '    [ -T temp_dir ] [ -D dest_dir[,dest_dir... ]]',
  '    [ -A backup_dir[,backup_dir... ]] [ -L logfile ]',
  '    [ -F status_file ] [ -q ]',
  '    [ -P pidfile ] [ -S serverlist_file ] [ -R proxy[/fp] ]',
  '    [ -c cache_size ] [ -k keyfile[,keyfile...] ]',
  '    [ -K rsa:key_len | ec:curve[,rsa:key_len | ec:curve...]]',
  '    [ -m ] [ -N priority ] [ -i ] [ -s postreceive_script ]',
  '    [ -g max_log_size ] [ -n max_log_count ]',
  '    [ -H hb_server[:port][,hb_server[:port]...] ]',
  '    [ -h hb_interval ] [ -I interface[,interface...] ]',
  '    [ -M pub_mcast_addr[,pub_mcast_addr...] ]',
  '    [ --metrics [host:]port ]   (ours: Prometheus metrics at /metrics, host default 127.0.0.1)',
  '    [ --max-sessions count ]    (ours: sessions held at once, default 100)',
  'uftpd --install-service NAME [ options ] | --remove-service NAME   (ours: Windows service)',
].join('\n');

/** `--help` / `--version` as the sole argument: lib/cli/common/manual.ts. */
export { infoRequest } from '../common/manual';
