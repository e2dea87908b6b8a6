#!/usr/bin/env bash
# Regenerates test/fixtures/packets/*.json: real packets of the real UFTP 4.10.2 programs
# (Debian's uftp package). Sessions between two programs are captured on a veth between two network
# namespaces; proxy sessions (scripts/lib/proxy-sessions.sh) on each leg of a two-network lab.
# Needs root, uftp, uftpd, uftpproxyd, uftp_keymgt, tcpdump, tshark, nft, node. KEEP_WORK=1 keeps logs and pcaps.
# Usage: scripts/capture-fixtures.sh [session...]   (default: every session)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/test/fixtures/packets"
# shellcheck source=lib/netns.sh
. "$ROOT/scripts/lib/netns.sh"
# shellcheck source=lib/pcap-fixture.sh
. "$ROOT/scripts/lib/pcap-fixture.sh"
# shellcheck source=lib/proxy-sessions.sh
. "$ROOT/scripts/lib/proxy-sessions.sh"
netns_init "uftpfx$$"
SERVER_ID=0x0A0B0C01
CLIENT_ID=0x0A0B0C02
PAIR_ROLES="198.18.250.1=server fd18:250::1=server 198.18.250.2=client fd18:250::2=client"

# Server (namespace srv: 198.18.250.1, fd18:250::1) and client (cli: .2, ::2) joined by one veth: vs <-> vc.
make_lab() {
  netns_add srv cli
  in_ns srv sysctl -qw net.ipv6.conf.all.disable_ipv6=0
  in_ns cli sysctl -qw net.ipv6.conf.all.disable_ipv6=0
  netns_pair srv vs 198.18.250.1/24 cli vc 198.18.250.2/24
  in_ns srv ip -6 addr add fd18:250::1/64 dev vs nodad
  in_ns cli ip -6 addr add fd18:250::2/64 dev vc nodad
}

make_data() {
  mkdir -p "$WORK/data/tree/sub" "$WORK/data/tree/empty-dir"
  head -c 20000 /dev/urandom >"$WORK/data/regular.bin"
  : >"$WORK/data/empty"
  head -c 3000 /dev/urandom >"$WORK/data/tree/sub/inner.bin"
  echo "a small text file" >"$WORK/data/tree/note.txt"
  echo "a name of 8 bytes: is a NUL word added?" >"$WORK/data/exactly8"
  ln -s sub/inner.bin "$WORK/data/tree/link-to-inner"
  printf '%s\n' "$WORK/data/regular.bin" "$WORK/data/empty" "$WORK/data/exactly8" "$WORK/data/tree" \
    '@DELETE:stale.txt' '@FREESPACE' >"$WORK/data/list"
  /usr/bin/uftp_keymgt -g rsa:1024 "$WORK/server_rsa.pem" >/dev/null 2>&1
  /usr/bin/uftp_keymgt -g rsa:1024 "$WORK/client_rsa.pem" >/dev/null 2>&1
  /usr/bin/uftp_keymgt -g ec:prime256v1 "$WORK/server_ec.pem" >/dev/null 2>&1
  /usr/bin/uftp_keymgt -g ec:prime256v1 "$WORK/client_ec.pem" >/dev/null 2>&1
}

# session NAME "client options" "server options"
# The client daemon runs with -d (foreground), the capture covers both directions on the server's veth,
# the server sends and exits; then everything of the session is stopped by pid.
session() {
  local name=$1 copts=$2 sopts=$3 dir="$WORK/$1"
  mkdir -p "$dir/dest"
  echo "== $name"
  # shellcheck disable=SC2086 # the options are a word list on purpose
  netns_bg "$dir/client.log" ip netns exec "$NETNS_TAG-cli" /usr/bin/uftpd -d -U "$CLIENT_ID" -D "$dir/dest" $copts
  capture_start srv vs "$dir/cap.pcap"
  sleep 1.5
  # shellcheck disable=SC2086
  (cd "$WORK/data" && in_ns srv timeout 120 /usr/bin/uftp -U "$SERVER_ID" ${SERVER_IF:--I vs} -R 2000 -x 2 $sopts) \
    >"$dir/server.log" 2>&1 || { echo "server failed ($name):"; tail -20 "$dir/server.log"; }
  netns_stop_all
  pcap_to_fixture "$dir/cap.pcap" "$OUT/$name.json" "$PAIR_ROLES"
}

# run SESSION FUNCTION ARGS...: runs it when selected (no arguments: every session).
run() {
  local want=$1
  shift
  if [ ${#SELECTED[@]} -eq 0 ] || [[ " ${SELECTED[*]} " == *" $want "* ]]; then "$@"; fi
}

# The proxy lab is made only when a proxy session runs.
proxy() {
  [ -e "/run/netns/$NETNS_TAG-hub" ] || proxy_lab
  "$@"
}

SELECTED=("$@")
mkdir -p "$OUT"
make_lab
make_data
K=$WORK

run plain session plain "" "-i list"
run tfmcc session tfmcc "" "-C tfmcc regular.bin"
run closed-sync session closed-sync "" "-H $CLIENT_ID -z regular.bin empty"
run aes256gcm-rsa session aes256gcm-rsa "-k $K/client_rsa.pem" \
  "-Y aes256-gcm -h sha256 -k $K/server_rsa.pem -c regular.bin tree"
run aes128cbc-hmac session aes128cbc-hmac "-k $K/client_rsa.pem" \
  "-Y aes128-cbc -h sha256 -w hmac -k $K/server_rsa.pem regular.bin"
run ecdh-ecdsa session ecdh-ecdsa "-k $K/client_ec.pem" \
  "-Y aes128-gcm -h sha256 -e ecdh_ecdsa -k $K/server_ec.pem -c regular.bin"
SERVER_IF="-I fd18:250::1" run ipv6 session ipv6 "-M ff15::1:1 -I fd18:250::2" "-M ff15::1:1 -P ff15::2:1 regular.bin empty"
# The client refuses a server that wants client auth by RSA when it holds only an EC key: an ABORT.
run abort session abort "-k $K/client_ec.pem" "-Y aes128-gcm -h sha256 -k $K/server_rsa.pem -c -s 10 regular.bin"
# One datagram in 6 to the client dropped: STATUS messages with NAK bitmaps (plain, then under TFMCC).
in_ns cli nft -f - <<NFT
table inet lossy { chain input { type filter hook input priority 0; udp dport 1044 numgen random mod 6 == 0 drop; }; }
NFT
run lossy session lossy "" "regular.bin"
run lossy-tfmcc session lossy-tfmcc "" "-C tfmcc regular.bin"
in_ns cli nft delete table inet lossy

# Through the real uftpproxyd: server proxy -> client proxy, plain and encrypted (clients' keys: %k).
run proxy-plain proxy proxy_chain proxy-plain "" "" "" "-s $PX_B.2"
run proxy-aes256gcm proxy proxy_chain proxy-aes256gcm "-Y aes256-gcm -h sha256 -k $K/srv-rsa.pem" "-k %k" \
  "-k $K/cp-rsa.pem" "-s $PX_B.2"
# The server asks for client authentication (-c): who sends CLIENT_KEY through the chain.
run proxy-aes256gcm-clientauth proxy proxy_chain proxy-aes256gcm-clientauth \
  "-Y aes256-gcm -h sha256 -c -k $K/srv-rsa.pem" "-k %k" "-k $K/cp-rsa.pem" "-s $PX_B.2"
# Heartbeats: the client proxy signs HB_REQ every second; the server proxy learns its address from them.
run proxy-heartbeat proxy proxy_heartbeat
# A response proxy aggregating the answers of clients the server reaches by multicast.
run response-plain proxy proxy_response response-plain "" "" ""
run response-aes256gcm proxy proxy_response response-aes256gcm "-Y aes256-gcm -h sha256 -k $K/srv-rsa.pem" \
  "-k %k" "-k $K/sp-rsa.pem"
