# Sourced by scripts/capture-fixtures.sh (after lib/netns.sh and lib/pcap-fixture.sh): sessions of the real
# uftp through the real uftpproxyd, captured on each leg into test/fixtures/packets/<session>.<leg>.json.
# scripts/capture-proxy.sh uses only the lab (proxy_net) and key_fingerprint, on networks of its own.
#
# Lab (made once by proxy_net; proxy_lab adds the hosts' RSA keys): network A 198.18.30.0/24 (server .1,
# server proxy .2, clients near .3 and near2 .4), a router (.254 on both) that forwards unicast only,
# network B 198.18.31.0/24 (client proxy .2, clients client1 .3 and client2 .4). Every program runs with
# a fixed -U ID so the fixtures read easily.
# Uses from the caller: OUT (fixture dir), WORK, $WORK/data/regular.bin.

# A caller may set PX_A and PX_B (the first three bytes of each network) before sourcing.
PX_A=${PX_A:-198.18.30}
PX_B=${PX_B:-198.18.31}
PX_ROLES="$PX_A.1=server $PX_A.2=sproxy $PX_A.3=near $PX_A.4=near2 $PX_A.254=router \
$PX_B.254=router $PX_B.2=cproxy $PX_B.3=client1 $PX_B.4=client2"
declare -A PX_ID=([srv]=0x5E000001 [sp]=0x5E000002 [near]=0x5E000003 [near2]=0x5E000004
  [cp]=0x5E000012 [c1]=0x5E000013 [c2]=0x5E000014)

proxy_net() {
  netns_segment a
  netns_segment b
  netns_host srv a "$PX_A.1/24" "$PX_A.254"
  netns_host sp a "$PX_A.2/24" "$PX_A.254"
  netns_host near a "$PX_A.3/24" "$PX_A.254"
  netns_host near2 a "$PX_A.4/24" "$PX_A.254"
  netns_host rt a "$PX_A.254/24"
  netns_host rt b "$PX_B.254/24"
  netns_host cp b "$PX_B.2/24" "$PX_B.254"
  netns_host c1 b "$PX_B.3/24" "$PX_B.254"
  netns_host c2 b "$PX_B.4/24" "$PX_B.254"
  netns_router rt
}

proxy_lab() {
  proxy_net
  local h
  for h in srv sp near near2 cp c1 c2; do /usr/bin/uftp_keymgt -g rsa:1024 "$WORK/$h-rsa.pem" >/dev/null 2>&1; done
}

# The SHA-1 fingerprint uftp_keymgt prints for a key file.
key_fingerprint() {
  /usr/bin/uftp_keymgt "$1" 2>&1 | sed -n 's/.*[Ff]ingerprint: *//p' | head -1
}

# px_clients DIR "options" HOST...: uftpd on each host; "%k" in the options becomes the host's key file.
px_clients() {
  local dir=$1 opts=$2 h
  shift 2
  for h in "$@"; do
    mkdir -p "$dir/dest-$h"
    # shellcheck disable=SC2086 # the options are a word list on purpose
    netns_bg "$dir/uftpd-$h.log" ip netns exec "$NETNS_TAG-$h" \
      /usr/bin/uftpd -d -x 4 -U "${PX_ID[$h]}" -D "$dir/dest-$h" -I eth0 ${opts//%k/$WORK/$h-rsa.pem}
  done
}

# px_server DIR "options": the server on network A sends regular.bin and exits.
px_server() {
  # shellcheck disable=SC2086
  (cd "$WORK/data" && in_ns srv timeout 120 /usr/bin/uftp -x 4 -U "${PX_ID[srv]}" -I eth0 -R 2000 $2 regular.bin) \
    >"$1/server.log" 2>&1 || { echo "   server failed:"; tail -20 "$1/server.log"; }
}

# px_finish NAME DIR HOST... : stop everything, check the files arrived, write one fixture per leg.
px_finish() {
  local name=$1 dir=$2 h pcap
  shift 2
  netns_stop_all
  for h in "$@"; do
    cmp -s "$WORK/data/regular.bin" "$dir/dest-$h/regular.bin" || echo "   $h did NOT receive the file"
  done
  for pcap in "$dir"/*.pcap; do
    pcap_to_fixture "$pcap" "$OUT/$name.$(basename "$pcap" .pcap).json" "$PX_ROLES" wide
  done
}

# proxy_chain NAME "server opts" "client opts" "client proxy opts" "server proxy opts" [seconds before the server]
# Legs: server-leg (the server's interface), proxy-leg (server proxy <-> client proxy, on the server
# proxy's interface), client-leg (the client proxy's interface without the server proxy's packets).
proxy_chain() {
  local name=$1 sopts=$2 copts=$3 cpopts=$4 spopts=$5 lead=${6:-2} dir="$WORK/$1"
  mkdir -p "$dir"
  echo "== $name"
  capture_start srv eth0 "$dir/server-leg.pcap"
  capture_start sp eth0 "$dir/proxy-leg.pcap" "udp and host $PX_B.2"
  capture_start cp eth0 "$dir/client-leg.pcap" "udp and not host $PX_A.2"
  # shellcheck disable=SC2086
  netns_bg "$dir/cproxy.log" ip netns exec "$NETNS_TAG-cp" /usr/bin/uftpproxyd -d -x 4 -c -U "${PX_ID[cp]}" -I eth0 $cpopts
  # shellcheck disable=SC2086
  netns_bg "$dir/sproxy.log" ip netns exec "$NETNS_TAG-sp" /usr/bin/uftpproxyd -d -x 4 -U "${PX_ID[sp]}" -I eth0 $spopts
  px_clients "$dir" "$copts" near c1 c2
  sleep "$lead"
  px_server "$dir" "$sopts"
  px_finish "$name" "$dir" near c1 c2
}

# proxy_response NAME "server opts" "client opts" "response proxy opts"
# All on network A: the server multicasts to clients near and near2 directly, they answer the response
# proxy (on the server proxy's host). Legs: server-leg (the server's interface), client-leg (the response
# proxy's interface without the server's packets).
proxy_response() {
  local name=$1 sopts=$2 copts=$3 rpopts=$4 dir="$WORK/$1"
  mkdir -p "$dir"
  echo "== $name"
  capture_start srv eth0 "$dir/server-leg.pcap"
  capture_start sp eth0 "$dir/client-leg.pcap" "udp and not host $PX_A.1"
  # shellcheck disable=SC2086
  netns_bg "$dir/rproxy.log" ip netns exec "$NETNS_TAG-sp" /usr/bin/uftpproxyd -d -x 4 -r -U "${PX_ID[sp]}" -I eth0 $rpopts
  sleep 1
  px_clients "$dir" "-R $PX_A.2 $copts" near near2
  sleep 2
  px_server "$dir" "$sopts"
  px_finish "$name" "$dir" near near2
}

# The client proxy signs an HB_REQ every second to the server proxy, which is told only the client proxy's
# key fingerprint and takes its downstream address from the first heartbeat (so the server waits for it).
proxy_heartbeat() {
  proxy_chain proxy-heartbeat "" "" "-H $PX_A.2 -h 1 -k $WORK/cp-rsa.pem" \
    "-s fp=$(key_fingerprint "$WORK/cp-rsa.pem")" 4
}
