#!/usr/bin/env bash
# Captures what the real UFTP 4.10.2 proxies (Debian's uftpproxyd) send, for docs/proxy-notes.md.
# Lab: net A (server, server proxy, near client), net B (client proxy, two clients), a router between them
# that forwards unicast only. Captures run on the server proxy's and client proxy's interfaces and on one
# far client; each becomes a TSV (time, src, dst, dscp, sport, dport, payload hex) that
# scripts/decode-proxy-capture.js summarises. Needs root, uftp, uftpd, uftpproxyd, uftp_keymgt, tcpdump, tshark.
# Usage: scripts/capture-proxy.sh [scenario...]   (default: all). Output in $OUT (default /tmp/uftp-proxy-capture).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/uftp-proxy-capture}
TAG="upc$$"
HUB="$TAG-hub"
PIDS=()
mkdir -p "$OUT"

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for h in srv sp near rt cp c1 c2; do ip netns del "$TAG-$h" 2>/dev/null || true; done
  ip netns del "$HUB" 2>/dev/null || true
}
trap cleanup EXIT

in_ns() { local h=$1; shift; ip netns exec "$TAG-$h" "$@"; }

# host NAME BRIDGE ADDR/24 [GATEWAY]
host() {
  local h=$1 br=$2 addr=$3 gw=${4:-} ns="$TAG-$1" ifn=${5:-eth0}
  ip netns list | grep -q "^$ns\b" || { ip netns add "$ns"; ip -n "$ns" link set lo up; }
  ip link add "$h-$br" netns "$HUB" type veth peer name "$ifn" netns "$ns"
  ip -n "$HUB" link set "$h-$br" master "$br" up
  ip -n "$ns" link set "$ifn" up
  ip -n "$ns" addr add "$addr" dev "$ifn"
  if [ -n "$gw" ]; then ip -n "$ns" route add default via "$gw"; fi
  ip -n "$ns" route add 224.0.0.0/4 dev "$ifn" 2>/dev/null || true
}

make_lab() {
  ip netns add "$HUB"
  for br in bra brb; do
    ip -n "$HUB" link add "$br" type bridge mcast_snooping 0
    ip -n "$HUB" link set "$br" up
  done
  host srv bra 198.18.20.1/24 198.18.20.254
  host sp bra 198.18.20.2/24 198.18.20.254
  host near bra 198.18.20.3/24 198.18.20.254
  host rt bra 198.18.20.254/24 "" eth0
  host rt brb 198.18.21.254/24 "" eth1
  host cp brb 198.18.21.2/24 198.18.21.254
  host c1 brb 198.18.21.3/24 198.18.21.254
  host c2 brb 198.18.21.4/24 198.18.21.254
  in_ns rt sysctl -qw net.ipv4.ip_forward=1
}

make_keys() {
  mkdir -p "$OUT/keys"
  for k in server_rsa cp_rsa cp2_rsa near_rsa c1_rsa c2_rsa rp_rsa; do
    [ -f "$OUT/keys/$k.pem" ] || uftp_keymgt -g rsa:1024 "$OUT/keys/$k.pem" >/dev/null 2>&1
  done
  for k in server_ec cp_ec near_ec c1_ec c2_ec; do
    [ -f "$OUT/keys/$k.pem" ] || uftp_keymgt -g ec:prime256v1 "$OUT/keys/$k.pem" >/dev/null 2>&1
  done
  head -c 300000 /dev/urandom >"$OUT/payload.bin"
}

fingerprint() { uftp_keymgt "$1" 2>&1 | sed -n 's/.*fingerprint: *//p' | head -1; }

bg() { local log=$1; shift; "$@" >"$log" 2>&1 & PIDS+=("$!"); }

capture() { # capture DIR HOST IFACE
  bg "$1/tcpdump-$2.log" ip netns exec "$TAG-$2" tcpdump -i "${3:-eth0}" -U --immediate-mode -w "$1/$2.pcap" udp
}

stop_all() {
  local pid
  sleep 1
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

to_tsv() {
  local f
  for f in "$1"/*.pcap; do
    tshark -r "$f" -Y udp -T fields -e frame.time_relative -e ip.src -e ip.dst -e ip.dsfield.dscp \
      -e udp.srcport -e udp.dstport -e udp.payload >"${f%.pcap}.tsv" 2>/dev/null || true
  done
}

# chain NAME "server opts" "client opts" "client proxy opts" "server proxy opts"
chain() {
  local name=$1 sopts=$2 copts=$3 cpopts=$4 spopts=$5 dir="$OUT/$1" h
  rm -rf "$dir"; mkdir -p "$dir"
  echo "== $name"
  capture "$dir" sp; capture "$dir" cp; capture "$dir" c1
  for h in near c1 c2; do
    mkdir -p "$dir/dest-$h"
    # shellcheck disable=SC2086
    bg "$dir/uftpd-$h.log" ip netns exec "$TAG-$h" uftpd -d -x 5 -D "$dir/dest-$h" -I eth0 ${copts//HOST/$h}
  done
  # shellcheck disable=SC2086
  bg "$dir/cproxy.log" ip netns exec "$TAG-cp" uftpproxyd -d -x 5 -c -I eth0 $cpopts
  # shellcheck disable=SC2086
  bg "$dir/sproxy.log" ip netns exec "$TAG-sp" uftpproxyd -d -x 5 -I eth0 $spopts
  sleep 2
  # shellcheck disable=SC2086
  in_ns srv timeout 120 uftp -x 5 -I eth0 -R 20000 $sopts "$OUT/payload.bin" >"$dir/server.log" 2>&1 || echo "  server failed"
  stop_all
  to_tsv "$dir"
  for h in near c1 c2; do cmp -s "$OUT/payload.bin" "$dir/dest-$h/payload.bin" && echo "  $h ok" || echo "  $h MISSING"; done
}

# response NAME "server opts" "client opts" "response proxy opts": everything on net B.
response() {
  local name=$1 sopts=$2 copts=$3 rpopts=$4 dir="$OUT/$1" h
  rm -rf "$dir"; mkdir -p "$dir"
  echo "== $name"
  capture "$dir" cp; capture "$dir" c1
  for h in c1 c2; do
    mkdir -p "$dir/dest-$h"
    # shellcheck disable=SC2086
    bg "$dir/uftpd-$h.log" ip netns exec "$TAG-$h" uftpd -d -x 5 -D "$dir/dest-$h" -I eth0 -R 198.18.21.2 ${copts//HOST/$h}
  done
  # shellcheck disable=SC2086
  bg "$dir/rproxy.log" ip netns exec "$TAG-cp" uftpproxyd -d -x 5 -I eth0 $rpopts
  sleep 7
  # server on net B too, through c2's namespace would confuse roles: use a fourth address on the router's B side
  # shellcheck disable=SC2086
  in_ns rt timeout 120 uftp -x 5 -I eth1 -R 20000 $sopts "$OUT/payload.bin" >"$dir/server.log" 2>&1 || echo "  server failed"
  stop_all
  to_tsv "$dir"
  for h in c1 c2; do cmp -s "$OUT/payload.bin" "$dir/dest-$h/payload.bin" && echo "  $h ok" || echo "  $h MISSING"; done
}

run() {
  local want=$1; shift
  if [ ${#SELECTED[@]} -eq 0 ] || [[ " ${SELECTED[*]} " == *" $want "* ]]; then "$@"; fi
}

SELECTED=("$@")
make_lab
make_keys
K="$OUT/keys"
run plain chain plain "" "" "" "-s 198.18.21.2"
run gcm chain gcm "-Y aes256-gcm -h sha256 -k $K/server_rsa.pem" "-k $K/HOST_rsa.pem" "-k $K/cp_rsa.pem" "-s 198.18.21.2"
run ecdh chain ecdh "-Y aes128-gcm -h sha256 -e ecdh_ecdsa -k $K/server_ec.pem" "-k $K/HOST_ec.pem" "-k $K/cp_ec.pem" "-s 198.18.21.2"
run hb chain hb "" "" "-H 198.18.20.2 -h 1 -k $K/cp_rsa.pem" "-s fp=$(fingerprint "$K/cp_rsa.pem")"
run resp-plain response resp-plain "" "" "-r"
run resp-gcm response resp-gcm "-Y aes256-gcm -h sha256 -k $K/server_rsa.pem" "-k $K/HOST_rsa.pem" "-r -k $K/rp_rsa.pem"
echo "captures in $OUT"
