// The usage text of uftp 4.10.2, as the SYNOPSIS of its page (the real program prints the same options
// in a slightly different order).
export const PROGRAM = 'uftp';

export const VERSION_LINE = 'uftp-ts uftp, UFTP version 4.10.2 compatible';

export const USAGE = [
  'uftp [ -R txrate ] [ -L logfile ] [ -B udp_buf_size ]',
  '    [ -g max_log_size ] [ -n max_log_count ]',
  '    [ -Y keytype ] [ -h hashtype ] [ -w sigtype ]',
  '    [ -e keyextype[:curve] ] [ -c ] [ -m max_nak_count ]',
  '    [ -k key_file ] [ -K key_length | curve ] [ -l ] [ -T ]',
  '    [ -b block_size ] [ -t ttl ] [ -Q dscp ] [ -z | -Z ]',
  '    [ -I interface ] [ -p port ] [ -u source_port ]',
  '    [ -j proxylist_file ] [ -q ] [ -f ] [ -y ] [ -U UID ]',
  '    [ -a max_passes ] [ -x log_level ] [ -W txweight ]',
  '    [ -H host[,host...] | -H @hostlist_file',
  '    | -F restart_file ] [ -X exclude_file ]',
  '    [ -M pub_multicast_addr ] [ -P priv_multicast_addr ]',
  '    [ -N max_nak_pct ] [ -C cc_type ] [ -o ][ -D dest_name ]',
  '    [ -E base_dir[,base_dir... ] ] [ -S status_file ]',
  '    [ -r init_grtt[:min_grtt:max_grtt] ] [ -s robust ]',
  '    [ --max-clients count ]     (ours: destinations at most, default 100000)',
  '    { -i list_file | file [ file... ] }',
].join('\n');

/** `--help` / `--version` as the sole argument: lib/cli/common/manual.ts. */
export { infoRequest } from '../common/manual';
