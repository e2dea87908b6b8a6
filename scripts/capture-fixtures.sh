#!/usr/bin/env bash
# Regenerates test/fixtures/packets/*.json: real packets of the real UFTP 4.10.2 programs
# (Debian's uftp package), captured on a veth between two network namespaces.
# Needs root, uftp, uftpd, uftp_keymgt, tcpdump, tshark, nft, node. KEEP_WORK=1 keeps logs and pcaps.
# Usage: scripts/capture-fixtures.sh [session...]   (default: every session)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/test/fixtures/packets"
WORK=$(mktemp -d /tmp/uftp-fixtures.XXXXXX)
TAG="uftpfx$$"
NS_S="$TAG-srv"     # server namespace, 198.18.250.1 / fd18:250::1
NS_C="$TAG-cli"     # client namespace, 198.18.250.2 / fd18:250::2
SERVER_ID=0x0A0B0C01
CLIENT_ID=0x0A0B0C02
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS_S" 2>/dev/null || true
  ip netns del "$NS_C" 2>/dev/null || true
  if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }

# Server and client joined by one veth pair: vs <-> vc.
make_lab() {
  ip netns add "$NS_S"; ip netns add "$NS_C"
  ip link add vs netns "$NS_S" type veth peer name vc netns "$NS_C"
  local ns dev addr addr6
  while read -r ns dev addr addr6; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" ip link set "$dev" up
    ip netns exec "$ns" ip addr add "$addr" dev "$dev"
    ip netns exec "$ns" ip -6 addr add "$addr6" dev "$dev" nodad
  done <<EOF
$NS_S vs 198.18.250.1/24 fd18:250::1/64
$NS_C vc 198.18.250.2/24 fd18:250::2/64
EOF
  in_s ip route add 224.0.0.0/4 dev vs
  in_c ip route add 224.0.0.0/4 dev vc
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
  uftp_keymgt -g rsa:1024 "$WORK/server_rsa.pem" >/dev/null 2>&1
  uftp_keymgt -g rsa:1024 "$WORK/client_rsa.pem" >/dev/null 2>&1
  uftp_keymgt -g ec:prime256v1 "$WORK/server_ec.pem" >/dev/null 2>&1
  uftp_keymgt -g ec:prime256v1 "$WORK/client_ec.pem" >/dev/null 2>&1
}

# session NAME "client options" "server options"
# Daemons start through `ip netns exec` directly (it execs), so $! is their own pid.
# The client daemon runs with -d (foreground), the capture covers both directions on the server's veth,
# the server sends and exits; then everything of the session is stopped by pid.
session() {
  local name=$1 copts=$2 sopts=$3
  local dir="$WORK/$name" pid_c pid_t
  mkdir -p "$dir/dest"
  echo "== $name"
  # shellcheck disable=SC2086
  ip netns exec "$NS_C" uftpd -d -U "$CLIENT_ID" -D "$dir/dest" $copts >"$dir/client.log" 2>&1 &
  pid_c=$!; PIDS+=("$pid_c")
  ip netns exec "$NS_S" tcpdump -i vs -U -w "$dir/cap.pcap" udp >"$dir/tcpdump.log" 2>&1 &
  pid_t=$!; PIDS+=("$pid_t")
  sleep 1.5
  # shellcheck disable=SC2086
  (cd "$WORK/data" && in_s timeout 120 uftp -U "$SERVER_ID" ${SERVER_IF:--I vs} -R 2000 -x 2 $sopts) \
    >"$dir/server.log" 2>&1 || { echo "server failed ($name):"; tail -20 "$dir/server.log"; }
  sleep 1
  kill "$pid_t" "$pid_c" 2>/dev/null || true
  wait "$pid_t" "$pid_c" 2>/dev/null || true
  tshark -r "$dir/cap.pcap" -Y udp -T fields -e ip.src -e ipv6.src -e udp.payload >"$dir/packets.tsv" 2>/dev/null
  node -e "$TSV_TO_JSON" "$dir/packets.tsv" >"$OUT/$name.json"
  echo "   $(grep -c hex "$OUT/$name.json") packets kept of $(wc -l <"$dir/packets.tsv")"
}

# packets.tsv (ip.src, ipv6.src, udp.payload) -> [{dir, hex}, ...]. dir is the sender's role.
# Runs of one kind of packet (same sender, function and length: the FILESEG stream) keep 3 packets.
TSV_TO_JSON='
const fs = require("fs");
const roles = { "198.18.250.1": "server", "fd18:250::1": "server", "198.18.250.2": "client", "fd18:250::2": "client" };
const kept = [];
let runKey = "", runLen = 0;
for (const line of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
  const [src4, src6, hex] = line.split("\t");
  if (!hex) continue;
  const dir = roles[src4 || src6] || "other:" + (src4 || src6);
  const key = dir + "/" + hex.slice(2, 4) + "/" + hex.length;
  runLen = key === runKey ? runLen + 1 : 1;
  runKey = key;
  if (runLen <= 3) kept.push({ dir, hex });
}
process.stdout.write("[\n" + kept.map((p) => "  " + JSON.stringify(p)).join(",\n") + "\n]\n");
'

run() {
  local want=$1; shift
  if [ ${#SELECTED[@]} -eq 0 ] || [[ " ${SELECTED[*]} " == *" $want "* ]]; then session "$want" "$@"; fi
}

SELECTED=("$@")
mkdir -p "$OUT"
make_lab
make_data

run plain "" "-i list"
run tfmcc "" "-C tfmcc regular.bin"
run closed-sync "" "-H $CLIENT_ID -z regular.bin empty"
run aes256gcm-rsa "-k $WORK/client_rsa.pem" "-Y aes256-gcm -h sha256 -k $WORK/server_rsa.pem -c regular.bin tree"
run aes128cbc-hmac "-k $WORK/client_rsa.pem" "-Y aes128-cbc -h sha256 -w hmac -k $WORK/server_rsa.pem regular.bin"
run ecdh-ecdsa "-k $WORK/client_ec.pem" "-Y aes128-gcm -h sha256 -e ecdh_ecdsa -k $WORK/server_ec.pem -c regular.bin"
SERVER_IF="-I fd18:250::1" run ipv6 "-M ff15::1:1 -I fd18:250::2" "-M ff15::1:1 -P ff15::2:1 regular.bin empty"
# The client refuses a server that wants client auth by RSA when it holds only an EC key: an ABORT.
run abort "-k $WORK/client_ec.pem" "-Y aes128-gcm -h sha256 -k $WORK/server_rsa.pem -c -s 10 regular.bin"
# One datagram in 6 to the client dropped: STATUS messages with NAK bitmaps (plain, then under TFMCC).
in_c nft -f - <<NFT
table inet lossy { chain input { type filter hook input priority 0; udp dport 1044 numgen random mod 6 == 0 drop; }; }
NFT
run lossy "" "regular.bin"
run lossy-tfmcc "" "-C tfmcc regular.bin"
in_c nft delete table inet lossy
