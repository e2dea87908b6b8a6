#!/usr/bin/env bash
# Captures what the real UFTP 4.10.2 proxies (Debian's uftpproxyd) send, for docs/proxy-notes.md.
# Lab: the proxy lab of scripts/lib/proxy-sessions.sh on 198.18.20.0/24 (net A: server, server proxy, near
# client) and 198.18.21.0/24 (net B: client proxy, two clients), a router between them that forwards unicast
# only; no -U, so IDs are the hosts' addresses. Captures run on the server proxy's and client proxy's
# interfaces and on one far client; each becomes a TSV (time, src, dst, dscp, sport, dport, payload hex) that
# scripts/decode-proxy-capture.js summarises. Needs root, uftp, uftpd, uftpproxyd, uftp_keymgt, tcpdump, tshark.
# Usage: scripts/capture-proxy.sh [scenario...]   (default: all). Output in $OUT (default /tmp/uftp-proxy-capture).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/uftp-proxy-capture}
PX_A=198.18.20
PX_B=198.18.21
# shellcheck source=lib/netns.sh
. "$ROOT/scripts/lib/netns.sh"
# shellcheck source=lib/proxy-sessions.sh
. "$ROOT/scripts/lib/proxy-sessions.sh"
netns_init "upc$$"
mkdir -p "$OUT"

# Kept in $OUT between runs, beside the captures they encrypted.
make_keys() {
  mkdir -p "$OUT/keys"
  for k in server_rsa cp_rsa cp2_rsa near_rsa c1_rsa c2_rsa rp_rsa; do
    [ -f "$OUT/keys/$k.pem" ] || /usr/bin/uftp_keymgt -g rsa:1024 "$OUT/keys/$k.pem" >/dev/null 2>&1
  done
  for k in server_ec cp_ec near_ec c1_ec c2_ec; do
    [ -f "$OUT/keys/$k.pem" ] || /usr/bin/uftp_keymgt -g ec:prime256v1 "$OUT/keys/$k.pem" >/dev/null 2>&1
  done
  head -c 300000 /dev/urandom >"$OUT/payload.bin"
}

to_tsv() {
  local f
  for f in "$1"/*.pcap; do
    tshark -r "$f" -Y udp -T fields -e frame.time_relative -e ip.src -e ip.dst -e ip.dsfield.dscp \
      -e udp.srcport -e udp.dstport -e udp.payload >"${f%.pcap}.tsv" 2>/dev/null || true
  done
}

# start DIR NAME HOST...: a fresh DIR for scenario NAME with a udp capture on each HOST's eth0.
start() {
  local dir=$1 h
  rm -rf "$dir"; mkdir -p "$dir"
  echo "== $2"
  shift 2
  for h in "$@"; do capture_start "$h" eth0 "$dir/$h.pcap"; done
}

# clients DIR "options" HOST...: uftpd on each host; "HOST" in the options becomes the host's name.
clients() {
  local dir=$1 opts=$2 h
  shift 2
  for h in "$@"; do
    mkdir -p "$dir/dest-$h"
    # shellcheck disable=SC2086 # the options are a word list on purpose
    netns_bg "$dir/uftpd-$h.log" ip netns exec "$NETNS_TAG-$h" /usr/bin/uftpd -d -x 5 -D "$dir/dest-$h" -I eth0 ${opts//HOST/$h}
  done
}

# serve DIR HOST IFACE "options": the server sends payload.bin and exits.
serve() {
  # shellcheck disable=SC2086
  in_ns "$2" timeout 120 /usr/bin/uftp -x 5 -I "$3" -R 20000 $4 "$OUT/payload.bin" >"$1/server.log" 2>&1 || echo "  server failed"
}

# finish DIR HOST...: stop everything, write the TSVs, check the file reached each HOST.
finish() {
  local dir=$1 h
  shift
  netns_stop_all
  to_tsv "$dir"
  for h in "$@"; do cmp -s "$OUT/payload.bin" "$dir/dest-$h/payload.bin" && echo "  $h ok" || echo "  $h MISSING"; done
}

# chain NAME "server opts" "client opts" "client proxy opts" "server proxy opts"
chain() {
  local name=$1 dir="$OUT/$1"
  start "$dir" "$name" sp cp c1
  clients "$dir" "$3" near c1 c2
  # shellcheck disable=SC2086
  netns_bg "$dir/cproxy.log" ip netns exec "$NETNS_TAG-cp" /usr/bin/uftpproxyd -d -x 5 -c -I eth0 $4
  # shellcheck disable=SC2086
  netns_bg "$dir/sproxy.log" ip netns exec "$NETNS_TAG-sp" /usr/bin/uftpproxyd -d -x 5 -I eth0 $5
  sleep 2
  serve "$dir" srv eth0 "$2"
  finish "$dir" near c1 c2
}

# response NAME "server opts" "client opts" "response proxy opts": everything on net B.
response() {
  local name=$1 dir="$OUT/$1"
  start "$dir" "$name" cp c1
  clients "$dir" "-R $PX_B.2 $3" c1 c2
  # shellcheck disable=SC2086
  netns_bg "$dir/rproxy.log" ip netns exec "$NETNS_TAG-cp" /usr/bin/uftpproxyd -d -x 5 -I eth0 $4
  sleep 7
  # The server sits on the router's net B side: in a client's namespace it would confuse the roles.
  serve "$dir" rt eth1 "$2"
  finish "$dir" c1 c2
}

run() {
  local want=$1; shift
  if [ ${#SELECTED[@]} -eq 0 ] || [[ " ${SELECTED[*]} " == *" $want "* ]]; then "$@"; fi
}

SELECTED=("$@")
proxy_net
make_keys
K="$OUT/keys"
run plain chain plain "" "" "" "-s $PX_B.2"
run gcm chain gcm "-Y aes256-gcm -h sha256 -k $K/server_rsa.pem" "-k $K/HOST_rsa.pem" "-k $K/cp_rsa.pem" "-s $PX_B.2"
run ecdh chain ecdh "-Y aes128-gcm -h sha256 -e ecdh_ecdsa -k $K/server_ec.pem" "-k $K/HOST_ec.pem" "-k $K/cp_ec.pem" "-s $PX_B.2"
run hb chain hb "" "" "-H $PX_A.2 -h 1 -k $K/cp_rsa.pem" "-s fp=$(key_fingerprint "$K/cp_rsa.pem")"
run resp-plain response resp-plain "" "" "-r"
run resp-gcm response resp-gcm "-Y aes256-gcm -h sha256 -k $K/server_rsa.pem" "-k $K/HOST_rsa.pem" "-r -k $K/rp_rsa.pem"
echo "captures in $OUT"
