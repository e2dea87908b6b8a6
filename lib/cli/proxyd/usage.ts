// The usage text of uftpproxyd 4.10.2, plus the -T option of the 3.7 page that we also take.
export const PROGRAM = 'uftpproxyd';

export const USAGE = [
  'uftpproxyd { -s { dest | fp=fingerprint } | -c | -r[:curve] } [ -d ] [ -p port ]',
  '    [ -t ttl ] [ -Q dscp ] [ -N priority ] [ -O out_multi_interface ]',
  '    [ -U UID ] [ -q dest_port ] [ -m ] [ -x log_level ]',
  '    [ -H hb_server[:port][,hb_server[:port]...] ] [ -h hb_interval ]',
  '    [ -g max_log_size ] [ -n max_log_count ] [ -T interval_pct ]',
  '    [ -B udp_buf_size ] [ -L logfile ] [ -P pidfile ] [ -C clientlist_file ]',
  '    [ -S serverlist_file ] [ -e ecdh_curve ] [ -k keyfile[,keyfile...] ]',
  '    [ -K rsa:key_length | ec:curve[,rsa:key_length | ec:curve...]]',
  '    [ -I interface[,interface...] ] [ -M pub_mcast_addr[,pub_mcast_addr...] ]',
  '    [ --metrics [host:]port ]   (ours: Prometheus metrics at /metrics, host default 127.0.0.1)',
  '    [ --max-sessions count ]    (ours: sessions held at once, default 1000)',
  'uftpproxyd --install-service NAME [ options ] | --remove-service NAME   (ours: Windows service)',
].join('\n');
