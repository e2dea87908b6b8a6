#!/usr/bin/env bash
# Observes the real uftp (server) of Debian's uftp 4.10.2 where a user or a script can see it: its output
# at each log level, exit codes, -S status files, -f restart files and -F restarts, the file list rules
# (names, types, -E/-D/-o/-X/-l, @DELETE/@FREESPACE), timing and options on the wire, option errors, TFMCC.
# Facts drawn from the results are written up in docs/server-notes.md.
#
# Lab: one segment "lan" (a bridge) with a server host srv (198.18.71.1, fd18:71::1) and client hosts
# c1 (.2), c2 (.3), each on its eth0. The real uftp runs in srv (from the data directory, in the
# foreground), the real uftpd (-d, foreground) in c1/c2. Every scenario keeps its outputs under
# $OUT/<scenario>/: the server's stdout (*.out) and stderr (*.err) apart, its exit code (*.exit), the
# transcript with -T timestamps stripped (*.txt), client logs, status files, restart files as hex,
# pcaps taken in srv and their decoded form (*.pcap.txt).
#
# Needs root, uftp, uftpd, uftp_keymgt, tcpdump, tshark, nft, node (dist/ built: npm run build:ts).
# Usage: scripts/observe-uftp.sh [scenario...]     (default: every scenario; list: -l)
#        scripts/observe-uftp.sh --export          (results -> test/fixtures/server/, see export_fixtures)
#        scripts/observe-uftp.sh --decode          (decode the kept pcaps again)
#        OUT=/some/dir keeps the results there (default /tmp/uftp-observe); KEEP_WORK=1 keeps the lab dir.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/uftp-observe}
# shellcheck source=lib/netns.sh
. "$ROOT/scripts/lib/netns.sh"

SRV_ID=0x0A0B4701
C1_ID=0x0A0B4702
C2_ID=0x0A0B4703
MISSING_ID=0x0A0B47FF
SRV_IP=198.18.71.1
C1_IP=198.18.71.2
C2_IP=198.18.71.3
SRV_IP6=fd18:71::1
C1_IP6=fd18:71::2
# The real programs by absolute path (after `npm install -g .` ours carry the same names).
UFTP=/usr/bin/uftp
UFTPD=/usr/bin/uftpd
KEYMGT=/usr/bin/uftp_keymgt
# Short rounds: fast rate, small GRTT bounds.
SOPTS="-I eth0 -U $SRV_ID -R 100000 -t 16 -r 0.05:0.01:1.0"

# ---------------------------------------------------------------------------------------------- lab

make_lab() {
  netns_segment lan
  netns_host srv lan "$SRV_IP/24"
  netns_host c1 lan "$C1_IP/24"
  netns_host c2 lan "$C2_IP/24"
  ip -n "$NETNS_TAG-srv" addr add "$SRV_IP6/64" dev eth0 nodad
  ip -n "$NETNS_TAG-c1" addr add "$C1_IP6/64" dev eth0 nodad
  ip -n "$NETNS_TAG-srv" route add ff00::/8 dev eth0 table local 2>/dev/null || true
}

make_data() {
  D=$WORK/data
  mkdir -p "$D/tree/sub" "$D/tree/empty-dir" "$D/emptydir" "$D/treex"
  head -c 20000 /dev/urandom >"$D/file20k.bin"
  head -c 3000 /dev/urandom >"$D/tree/sub/inner.bin"
  echo "a small text file" >"$D/tree/note.txt"
  echo "in treex" >"$D/treex/f.txt"
  head -c 1 /dev/urandom >"$D/b1"
  head -c 1023 /dev/urandom >"$D/b1023"
  head -c 1024 /dev/urandom >"$D/b1024"
  head -c 1025 /dev/urandom >"$D/b1025"
  head -c 2047 /dev/urandom >"$D/b2047"
  head -c 1048576 /dev/urandom >"$D/b1m"
  : >"$D/b0"
  head -c 400000 /dev/urandom >"$D/big400k.bin"
  head -c 3000000 /dev/urandom >"$D/big3m.bin"
  ln -s tree/note.txt "$D/link1"
  ln -s no/such/target "$D/dangling"
  mkfifo "$D/fifo1"
  mknod "$D/chardev" c 1 3
  touch -d '2021-02-03 04:05:06' "$D/b1"
  KEYS=$WORK/keys
  mkdir -p "$KEYS"
  "$KEYMGT" -g rsa:1024 "$KEYS/server_rsa.pem" >/dev/null 2>&1
  "$KEYMGT" -g ec:prime256v1 "$KEYS/server_ec.pem" >/dev/null 2>&1
  "$KEYMGT" -g rsa:1024 "$KEYS/client_rsa.pem" >/dev/null 2>&1
  "$KEYMGT" -g rsa:512 "$KEYS/client_rsa512.pem" >/dev/null 2>&1
  "$KEYMGT" -g rsa:1024 "$KEYS/client2_rsa.pem" >/dev/null 2>&1
  "$KEYMGT" -g rsa:512 "$KEYS/server_rsa512.pem" >/dev/null 2>&1
  "$KEYMGT" -g ec:prime256v1 "$KEYS/client_ec.pem" >/dev/null 2>&1
}

# ------------------------------------------------------------------------------------------ helpers

# scen NAME: start a scenario: S=$OUT/NAME (fresh), DEST=$S/dest.
scen() {
  S=$OUT/$1
  rm -rf "$S"
  mkdir -p "$S/dest" "$S/dest2"
  DEST=$S/dest
  echo "== $1"
}

# client HOST LOGNAME OPTS...: the real uftpd in the foreground (-d) in namespace HOST; its pid in CPID.
client() {
  local host=$1 log=$2 id=()
  shift 2
  case $host in c1) id=(-U "$C1_ID") ;; c2) id=(-U "$C2_ID") ;; esac
  [ -n "${NO_U:-}" ] && id=()   # NO_U=1: the caller gives its own -U (or none: the ID is the address)
  netns_bg "$S/$log.log" ip netns exec "$NETNS_TAG-$host" "$UFTPD" -d "${id[@]}" "$@"
  CPID=${NETNS_PIDS[-1]}
  echo "$host: uftpd -d ${id[*]} $*" >>"$S/commands"
}

# server LOGNAME OPTS...: the real uftp in srv, run from the data directory, in the foreground, argv[0]
# "uftp"; stdout in LOGNAME.out, stderr in LOGNAME.err, exit code in LOGNAME.exit. NO_SOPTS=1: without
# the lab's default options. STDIN=file: feed it on stdin. TMO=seconds: the time limit (default 120).
server() {
  local log=$1 opts=$SOPTS
  shift
  [ -n "${NO_SOPTS:-}" ] && opts=""
  echo "srv: uftp $opts $*" >>"$S/commands"
  (cd "$D" && timeout "${TMO:-120}" ip netns exec "$NETNS_TAG-srv" bash -c 'exec -a uftp "$0" "$@"' "$UFTP" $opts "$@" \
    <"${STDIN:-/dev/null}" >"$S/$log.out" 2>"$S/$log.err")
  echo "$?" >"$S/$log.exit"
}

# server_bg LOGNAME OPTS...: the same in the background; its pid in SPID; the exit code is written by
# server_wait.
server_bg() {
  local log=$1 opts=$SOPTS
  shift
  [ -n "${NO_SOPTS:-}" ] && opts=""
  echo "srv (bg): uftp $opts $*" >>"$S/commands"
  pushd "$D" >/dev/null
  ip netns exec "$NETNS_TAG-srv" bash -c 'exec -a uftp "$0" "$@"' "$UFTP" $opts "$@" </dev/null \
    >"$S/$log.out" 2>"$S/$log.err" &
  SPID=$!
  SLOG=$log
  NETNS_PIDS+=("$SPID")
  popd >/dev/null
}

# server_wait [SECONDS]: wait for the background server (at most SECONDS, default 60), record its exit.
server_wait() {
  local i n=$(( ${1:-60} * 10 ))
  for ((i = 0; i < n; i++)); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SPID" 2>/dev/null; then kill -KILL "$SPID"; echo "   (server killed after ${1:-60} s)"; fi
  wait "$SPID"
  echo "$?" >"$S/$SLOG.exit"
}

# done_scen: let the last packets arrive, stop everything of the scenario (by pid), strip timestamps.
done_scen() {
  netns_stop_all
  local f
  for f in "$S"/*.err "$S"/*.log; do
    [ -e "$f" ] || continue
    # "2025/01/31 12:34:56.123456: text" -> "text"
    sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}: ##' "$f" >"${f%.*}.txt"
  done
}

# listing DIR OUTFILE: type, size, mode and name of everything under DIR (symlinks with their target).
listing() {
  (cd "$1" 2>/dev/null && find . -mindepth 1 -printf '%y %7s %m %p -> %l\n' | sed 's/ -> $//' | sort -k4) >"$2" 2>&1 || true
}

decode_pcap() {
  local pcap=$1
  tshark -r "$pcap" -Y udp -T fields -e frame.time_relative -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
    -e udp.srcport -e udp.dstport -e ip.ttl -e ip.dsfield -e ipv6.hlim -e ipv6.tclass -e udp.payload \
    >"$pcap.tsv" 2>/dev/null
  node -e "$DECODE_TSV" "$pcap.tsv" "$ROOT" >"$pcap.txt" 2>&1
}

# One line per datagram: time (s, from the first packet), src > dst, TTL/hop limit and TOS byte, length,
# function, sequence, group/instance, GRTT and group size of the header, key fields (uftp_diag's
# dissector); FILEINFO with name/type/size/timestamp, STATUS with its NAKed blocks, CONG_CTRL with its
# rate and items, TFMCC extensions with their fields (rates unquantized, in bytes/s).
DECODE_TSV='
const fs = require("fs");
const [tsv, root] = process.argv.slice(1);
const { dissectPacket, keyFields } = require(root + "/dist/lib/cli/diag/dissect.js");
const { unquantizeRate, unquantizeGrtt } = require(root + "/dist/lib/protocol/index.js");
const out = [];
const rate = (q) => Math.round(unquantizeRate(q));
for (const l of fs.readFileSync(tsv, "utf8").split("\n").filter(Boolean)) {
  const [t, s4, s6, d4, d6, sport, dport, ttl, tos, hlim, tclass, hex] = l.split("\t");
  if (!hex) continue;
  const src = s4 || "[" + s6 + "]", dst = d4 || "[" + d6 + "]";
  const r = dissectPacket(Buffer.from(hex, "hex"));
  let text;
  if (!r.ok) text = "not UFTP: " + r.error.message;
  else {
    const m = r.value.message, h = r.value.header;
    const k = keyFields(m);
    if (r.value.type === "STATUS") { k.nakCount = m.nakCount; k.naked = m.nakCount > 12 ? undefined : m.nakedBlocks; }
    if (r.value.type === "ABORT") k.text = m.text;
    if (Array.isArray(m.clientIds) && m.clientIds.length <= 8) { delete k.clientIdsCount; if (m.clientIds.length) k.clientIds = m.clientIds; }
    if (r.value.type === "CONG_CTRL") {
      k.ccRate = rate(m.ccRate);
      k.items = (m.items || []).map((i) => i.clientId + "/f=0x" + i.flags.toString(16) + "/rtt=" + unquantizeGrtt(i.rtt).toPrecision(3));
    }
    const ext = (m.extensions || []).filter((e) => e.kind === "tfmccDataInfo" || e.kind === "tfmccAckInfo");
    if (ext.length) k.tfmcc = ext.map((e) => e.kind === "tfmccDataInfo"
      ? { sendRate: rate(e.sendRate), ccSeq: e.ccSeq, ccRate: rate(e.ccRate) }
      : { flags: e.flags, ccSeq: e.ccSeq, ccRate: rate(e.ccRate), clientId: e.clientId });
    if (r.value.type === "FILESEG") delete k.dataBytes;
    text = r.value.type + " seq=" + h.seq + " src=" + h.srcId + " group=" + h.groupId + "/" + h.groupInst +
      " grtt=" + h.grttSeconds + " gsize=" + h.groupSize + "(0x" + h.gsize.toString(16) + ") " +
      JSON.stringify(k, (key, v) => (typeof v === "bigint" ? String(v) : v));
  }
  const hops = ttl || hlim, tosb = tos || tclass;
  out.push(Number(t).toFixed(6) + " " + src + ":" + sport + " > " + dst + ":" + dport + " ttl=" + hops +
    " tos=" + tosb + " len=" + hex.length / 2 + " " + text);
}
process.stdout.write(out.join("\n") + "\n");
'

# --------------------------------------------------------------------------------------- scenarios

SCENARIOS=()
scenario() { SCENARIOS+=("$1"); }

# capture HOST: tcpdump on HOST's eth0 (UDP only) into $S/HOST.pcap; decoded by finish.
PCAPS=()
capture() {
  netns_bg "$S/$1.pcap.log" ip netns exec "$NETNS_TAG-$1" tcpdump -i eth0 -B 65536 -U --immediate-mode -s 0 \
    -w "$S/$1.pcap" udp
  PCAPS+=("$S/$1.pcap")
  sleep 0.5
}

finish() {
  done_scen
  local p
  for p in "${PCAPS[@]}"; do decode_pcap "$p"; done
  PCAPS=()
}

# wait_log FILE REGEX [SECONDS]: until a line matching REGEX shows up in FILE (default 20 s).
wait_log() {
  local i n=$(( ${3:-20} * 10 ))
  for ((i = 0; i < n; i++)); do grep -qaE "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "   (timeout waiting for /$2/ in $(basename "$1"))"
  return 1
}

nft_rule() {  # nft_rule HOST HOOK RULE...: a table "t" with one chain on HOOK (input/output), one rule
  local host=$1 hook=$2
  shift 2
  in_ns "$host" nft delete table inet t 2>/dev/null
  in_ns "$host" nft add table inet t
  in_ns "$host" nft add chain inet t c "{ type filter hook $hook priority 0; }"
  in_ns "$host" nft add rule inet t c "$@"
}
nft_clear() { in_ns "$1" nft delete table inet t 2>/dev/null; }
# Client-side matches: datagrams to the client (input, dport 1044) or from it (output, sport 1044); the
# UFTP function is the byte after the version, @th,72,8 (8 bytes of UDP header + 1).

# 1. Output at -x 2 (open and closed group), -T, the other levels, 2 clients with a tree, encryption.
scenario basic
basic() {
  scen plain-open
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server file20k.bin
  finish

  scen plain-T
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -T file20k.bin
  finish

  local x
  for x in 0 1 2 3 4 5; do
    scen "plain-x$x"
    client c1 client -x 2 -D "$DEST"
    sleep 1
    server server -x "$x" -H "$C1_ID" file20k.bin
    finish
  done

  # -L: the log file (and -T implied)
  scen plain-L
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -L "$S/uftp.log" b1025
  finish
  cp "$S/uftp.log" "$S/logfile.log" 2>/dev/null
}

scenario tree
tree() {
  local x
  for x in 2 3 4; do
    scen "tree-x$x"
    capture srv
    client c1 client -x 2 -D "$DEST"
    client c2 client2 -x 2 -D "$S/dest2"
    sleep 1
    server server -x "$x" -H "$C1_ID,$C2_ID" file20k.bin tree emptydir
    finish
    listing "$DEST" "$S/dest.list"
  done
  (cd "$D" && ls -f tree tree/sub) >"$OUT/tree-x2/readdir-order.txt"
}

scenario enc
enc() {
  local x
  for x in 2 3 4; do
    scen "enc-x$x"
    capture srv
    client c1 client -x 2 -D "$DEST" -k "$KEYS/client_rsa.pem"
    client c2 client2 -x 2 -D "$S/dest2" -k "$KEYS/client2_rsa.pem"
    sleep 1
    server server -x "$x" -Y aes256-gcm -h sha256 -k "$KEYS/server_rsa.pem" -H "$C1_ID,$C2_ID" file20k.bin b1
    finish
  done
  # A client whose only key (EC) cannot do the RSA key exchange: it aborts at the ANNOUNCE
  scen enc-incompatible
  client c1 client -x 2 -D "$DEST" -k "$KEYS/client_rsa.pem"
  client c2 client2 -x 2 -D "$S/dest2" -k "$KEYS/client_ec.pem"
  sleep 1
  server server -x 2 -Y aes256-gcm -h sha256 -k "$KEYS/server_rsa.pem" -H "$C1_ID,$C2_ID" -S "$S/status.txt" b1
  finish
  cp "$S/status.txt" "$S/status.out"
  # Generated key (no -k), ECDH-ECDSA
  scen enc-gen
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 2 -Y aes128-cbc -H "$C1_ID" b1
  finish
  scen enc-ecdsa
  client c1 client -x 2 -D "$DEST" -k "$KEYS/client_ec.pem"
  sleep 1
  server server -x 2 -Y aes256-gcm -h sha256 -e ecdh_ecdsa -k "$KEYS/server_ec.pem" -H "$C1_ID" b1
  finish
  # -w keyex with a 512-bit RSA key and sha512 (accepted at start-up), HMAC with sha384, des
  # (the real uftpd answers a server key of another size than its own with "No client key compatible")
  scen enc-keyex
  client c1 client -x 2 -D "$DEST" -k "$KEYS/client_rsa512.pem"
  client c2 client2 -x 2 -D "$S/dest2" -k "$KEYS/client_rsa.pem"
  sleep 1
  server server -x 2 -Y aes256-cbc -h sha512 -w keyex -K 512 -H "$C1_ID" -s 10 b1
  server server-1024 -x 2 -Y aes256-cbc -h sha512 -w keyex -K 1024 -H "$C2_ID" -s 10 b1
  # single DES: accepted at start-up, but this OpenSSL cannot do it (limited to 5 s: it never ends)
  TMO=5 server server-des -x 2 -Y des -h sha384 -w hmac -H "$C1_ID" -s 10 b1
  server server-hmac -x 2 -Y 3des -h sha384 -w hmac -H "$C1_ID" -s 10 b1
  server server-mismatch -x 2 -Y aes256-cbc -K 512 -H "$C2_ID" -s 10 b1
  finish
  # Client authentication (-c) with a host list file: c1's fingerprint right, c2's wrong; then no -c
  scen enc-clientauth
  local fp1 fp2
  client c1 client -x 2 -D "$DEST" -k "$KEYS/client_rsa.pem"
  client c2 client2 -x 2 -D "$S/dest2" -k "$KEYS/client2_rsa.pem"
  sleep 1
  fp1=$("$KEYMGT" "$KEYS/client_rsa.pem" 2>&1 | grep -o -E '([0-9A-F]{2}:){19}[0-9A-F]{2}' | head -1)
  fp2=$("$KEYMGT" "$KEYS/client_rsa.pem" 2>&1 | grep -o -E '([0-9A-F]{2}:){19}[0-9A-F]{2}' | head -1)
  printf '# a comment\n%s|%s\n\n%s|%s\n' "$C1_ID" "$fp1" "$C2_ID" "$fp2" >"$S/hosts.txt"
  cp "$S/hosts.txt" "$D/hosts.txt"
  server server -x 2 -Y aes256-gcm -h sha256 -c -k "$KEYS/server_rsa.pem" -H @hosts.txt -s 10 b1
  server server-noc -x 2 -Y aes256-gcm -h sha256 -k "$KEYS/server_rsa.pem" -H @hosts.txt -s 10 b1
  finish
}

# 2. Exit codes and what is printed.
scenario exits
exits() {
  # 7: nobody answers (open group; closed group); -q with one of two mute
  scen exit7-open
  capture srv
  server server -s 10 b1
  finish
  scen exit7-closed
  server server -H "$MISSING_ID" -s 10 b1
  finish
  scen exit7-q-one-mute
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -q -H "$C1_ID,$MISSING_ID" -s 10 b1
  finish
  # no -q, one mute: a normal run
  scen mute-one
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID,$MISSING_ID" -S "$S/status.txt" -s 10 b1 b1025
  finish
  cp "$S/status.txt" "$S/status.out"

  # 8: the only client never acknowledges FILEINFO (its FILEINFO_ACKs dropped on the way out)
  scen exit8
  capture srv
  nft_rule c1 output udp sport 1044 @th,72,8 8 drop
  client c1 client -x 3 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -s 10 b1 b1025
  nft_clear c1
  finish
  # ... one of two clients: the other carries on
  scen fileinfo-one-of-two
  nft_rule c1 output udp sport 1044 @th,72,8 8 drop
  client c1 client -x 2 -D "$DEST"
  client c2 client2 -x 2 -D "$S/dest2"
  sleep 1
  server server -H "$C1_ID,$C2_ID" -S "$S/status.txt" -s 10 b1 b1025
  nft_clear c1
  finish
  cp "$S/status.txt" "$S/status.out"

  # 9: the only client goes silent in the transfer (STATUS and COMPLETE dropped on the way out)
  scen exit9-lost
  capture srv
  nft_rule c1 output udp sport 1044 @th,72,8 '{ 11, 12 }' drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -s 10 -S "$S/status.txt" b1025 b1
  nft_clear c1
  finish
  cp "$S/status.txt" "$S/status.out"
  # 9: the only client aborts (SIGTERM: ABORT "Client shutting down")
  scen exit9-abort
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server_bg server -H "$C1_ID" -R 1000 -S "$S/status.txt" big400k.bin b1
  wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
  sleep 0.5
  kill -TERM "$CPID"
  server_wait 60
  finish
  cp "$S/status.txt" "$S/status.out"
  # one of two aborts, without -q (0) and with -q (9)
  local q
  for q in noq q; do
    scen "abort-one-of-two-$q"
    capture srv
    client c1 client -x 2 -D "$DEST"
    local c1pid=$CPID
    client c2 client2 -x 2 -D "$S/dest2"
    sleep 1
    if [ $q = q ]; then
      server_bg server -q -H "$C1_ID,$C2_ID" -R 1000 -S "$S/status.txt" big400k.bin b1
    else
      server_bg server -H "$C1_ID,$C2_ID" -R 1000 -S "$S/status.txt" big400k.bin b1
    fi
    wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
    sleep 0.5
    kill -TERM "$c1pid"
    server_wait 60
    finish
    cp "$S/status.txt" "$S/status.out"
  done

  # 10: every file rejected (absolute -D outside the client's directory); a file that does not exist
  scen exit10-rejected
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -D /elsewhere/x.bin -S "$S/status.txt" b1
  finish
  cp "$S/status.txt" "$S/status.out"
  scen exit10-missing
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" no-such-file
  finish
  scen exit10-special
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" fifo1
  finish
  # every file skipped in sync mode (the client has them, newer)
  scen exit-all-skipped
  cp -p "$D/b1" "$DEST/b1"; touch "$DEST/b1"
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -z -S "$S/status.txt" b1
  finish
  cp "$S/status.txt" "$S/status.out"

  # 6: SIGINT and SIGTERM during the transfer; SIGINT while announcing
  local sig
  for sig in INT TERM; do
    scen "exit6-$sig"
    capture srv
    client c1 client -x 2 -D "$DEST"
    sleep 1
    server_bg server -H "$C1_ID" -R 1000 -S "$S/status.txt" big400k.bin b1
    wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
    sleep 0.5
    kill -"$sig" "$SPID"
    server_wait 30
    finish
    cp "$S/status.txt" "$S/status.out"
  done
  scen exit6-announce
  server_bg server -H "$MISSING_ID" b1
  sleep 1
  kill -INT "$SPID"
  server_wait 30
  finish
  # SIGINT while announcing, one client registered and one missing
  scen exit6-announce-registered
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server_bg server -H "$C1_ID,$MISSING_ID" -S "$S/status.txt" b1
  sleep 0.5
  kill -INT "$SPID"
  server_wait 30
  finish
  cp "$S/status.txt" "$S/status.out"
  # SIGINT in the completion phase (the COMPLETE for the group, file ID 0, dropped, so it lasts); and the
  # same phase left to run out (-s 10)
  scen exit6-completion
  capture srv
  nft_rule c1 output udp sport 1044 @th,72,8 12 @th,208,16 0 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server_bg server -H "$C1_ID" -x 3 -S "$S/status.txt" b1
  sleep 0.5
  kill -INT "$SPID"
  server_wait 30
  server server-s10 -H "$C1_ID" -x 3 -s 10 -S "$S/status-s10.txt" b1
  nft_clear c1
  finish
  cp "$S/status.txt" "$S/status.out"
  cp "$S/status-s10.txt" "$S/status-s10.out"

  # 2: network errors; 3: key errors; 4: log file
  scen exit-misc
  capture srv
  server M-bad -M 999.1.1.1 b1
  server P-v6-mix -M 230.4.4.1 -P ff15::1 b1
  server M-v6-noP -M ff15::1:1 b1
  server p-bad -p 99999 b1
  server u-bad -u 99999 b1
  server u-low -u 53 -s 10 b1
  server_bg u-busy-first -H "$MISSING_ID" -u 5555 b1
  sleep 0.3
  server u-busy -H "$MISSING_ID" -u 5555 b1
  kill -INT "$SPID"; server_wait 10
  echo garbage >"$S/garbage.pem"
  server k-missing -Y aes256-gcm -k "$S/no-such.pem" -H "$C1_ID" b1
  server k-garbage -Y aes256-gcm -k "$S/garbage.pem" -H "$C1_ID" b1
  server k-dir -Y aes256-gcm -k "$S" -H "$C1_ID" b1
  cp "$KEYS/server_rsa.pem" "$S/existing.pem"
  server kK-existing -Y aes256-gcm -k "$S/existing.pem" -K 512 -H "$C1_ID" -s 10 b1
  server kK-new -Y aes256-gcm -k "$S/new.pem" -K 512 -H "$C1_ID" -s 10 b1
  ls -l "$S/new.pem" >"$S/kK-new.ls" 2>&1
  server k-ec-for-rsa -Y aes256-gcm -k "$KEYS/server_ec.pem" -H "$C1_ID" -s 10 b1
  server L-bad -L /no/such/dir/log -H "$C1_ID" -s 10 b1
  chmod 600 "$S/existing.pem"
  (cd "$D" && timeout 20 ip netns exec "$NETNS_TAG-srv" setpriv --reuid=65534 --regid=65534 --clear-groups \
    bash -c 'exec -a uftp "$0" "$@"' "$UFTP" $SOPTS -Y aes256-gcm -k "$S/existing.pem" -H "$C1_ID" -s 10 b1 \
    >"$S/k-unreadable.out" 2>"$S/k-unreadable.err"; echo $? >"$S/k-unreadable.exit")
  finish
}

# Levels 0 and 1: what is left of a session with a mute client and one that aborts mid-file.
scenario levels
levels() {
  local x
  for x in 0 1; do
    scen "levels-x$x"
    client c1 client -x 2 -D "$DEST"
    sleep 1
    server_bg server -x "$x" -H "$C1_ID,$MISSING_ID" -s 10 -R 1000 big400k.bin b1
    wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
    sleep 0.5
    kill -TERM "$CPID"
    server_wait 60
    finish
  done
}

# 3. -S status file: sizes, types, two clients (one named by ID, one by address), @DELETE/@FREESPACE,
#    sync mode (copy/overwrite/skip), preview, rejected, open group, @LOG.
scenario status
status() {
  printf '%s\n' b0 b1 b1023 b1024 b1025 b2047 file20k.bin big400k.bin b1m big3m.bin tree emptydir link1 \
    '@DELETE:victim.txt' '@FREESPACE' >"$D/status.list"
  scen status-basic
  echo victim >"$DEST/victim.txt"
  client c1 client -x 2 -D "$DEST"
  NO_U=1 client c2 client2 -x 2 -D "$S/dest2"
  sleep 1
  server server -H "$C1_ID,$C2_IP" -S "$S/status.txt" -i status.list
  finish
  cp "$S/status.txt" "$S/status.out"

  scen status-open
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -S "$S/status.txt" b1025 file20k.bin
  finish
  cp "$S/status.txt" "$S/status.out"

  scen status-atlog
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -S @LOG b1025 emptydir
  server server-T -T -H "$C1_ID" -S @LOG b1025
  server server-x1 -x 1 -H "$C1_ID" -S @LOG b1025
  server server-L -H "$C1_ID" -S @LOG -L "$S/uftp.log" b1025
  finish
  cp "$S/uftp.log" "$S/logfile.log" 2>/dev/null

  # an existing status file: appended or truncated?
  scen status-append
  echo "PRE-EXISTING LINE" >"$S/status.txt"
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -S "$S/status.txt" b1
  server server-unwritable -H "$C1_ID" -S /no/such/dir/status b1
  finish
  cp "$S/status.txt" "$S/status.out"

  local mode
  for mode in z Z; do
    scen "status-sync-$mode"
    mkdir -p "$D/sync/adir"
    for f in older newer equal diffsize fresh; do echo "source $f" >"$D/sync/$f.txt"; done
    touch -d '2020-01-01 00:00:00' "$D"/sync/*.txt
    echo "local older" >"$DEST/older.txt"; touch -d '2019-01-01' "$DEST/older.txt"
    echo "local newer" >"$DEST/newer.txt"; touch -d '2021-01-01' "$DEST/newer.txt"
    echo "source equal" >"$DEST/equal.txt"; touch -d '2020-01-01 00:00:00' "$DEST/equal.txt"
    echo "local same time, other size" >"$DEST/diffsize.txt"; touch -d '2020-01-01 00:00:00' "$DEST/diffsize.txt"
    listing "$DEST" "$S/dest.before"
    client c1 client -x 2 -D "$DEST"
    sleep 1
    server server -x 2 -H "$C1_ID" "-$mode" -S "$S/status.txt" sync/older.txt sync/newer.txt sync/equal.txt \
      sync/diffsize.txt sync/fresh.txt sync/adir
    finish
    cp "$S/status.txt" "$S/status.out"
    listing "$DEST" "$S/dest.list"
  done

  scen status-rejected
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -D /elsewhere -S "$S/status.txt" b1 b1025
  finish
  cp "$S/status.txt" "$S/status.out"
}

# 4. -f restart files and -F restarts.
scenario restart
restart() {
  local f
  # c2 aborts (SIGTERM) in the middle of the second file; c1 completes. c2 with -T keeps its partial file.
  scen restart-abort
  capture srv
  mkdir -p "$S/temp2"
  client c1 client -x 2 -D "$DEST"
  client c2 client2 -x 3 -D "$S/dest2" -T "$S/temp2"
  local c2pid=$CPID
  sleep 1
  rm -f "$D"/_group_*_restart
  server_bg server1 -H "$C1_ID,$C2_ID" -R 1000 -f -S "$S/status1.txt" file20k.bin big400k.bin b1025 tree
  wait_log "$S/client2.log" 'Name of file to receive: big400k.bin'
  sleep 1
  kill -TERM "$c2pid"
  server_wait 60
  ls -l "$D" | grep restart >"$S/restart-files.txt"
  for f in "$D"/_group_*_restart; do
    [ -e "$f" ] && { xxd "$f" >"$S/restart1.hex"; cp "$f" "$S/"; echo "$(basename "$f") $(stat -c %s "$f") bytes" >>"$S/restart-files.txt"; }
  done
  # restart: c2 comes back (same -T), c1 is still there and must not be addressed
  client c2 client2-again -x 3 -D "$S/dest2" -T "$S/temp2"
  sleep 1
  f=$(ls "$D"/_group_*_restart 2>/dev/null | head -1)
  if [ -n "$f" ]; then
    server server2 -F "$(basename "$f")" -S "$S/status2.txt"
    ls -l "$D" | grep restart >"$S/restart-files-after.txt"
    for f in "$D"/_group_*_restart; do [ -e "$f" ] && { xxd "$f" >"$S/restart2.hex"; rm -f "$f"; }; done
  fi
  finish
  listing "$S/dest2" "$S/dest2.list"
  (cd "$S/dest2" && sha256sum file20k.bin big400k.bin b1025 2>&1; cd "$D" && sha256sum file20k.bin big400k.bin b1025) >"$S/sha256.txt"

  # a mute client (never registered) and a lost one: restart file contents; -F with -H; -F twice
  scen restart-mute-lost
  capture srv
  nft_rule c1 output udp sport 1044 @th,72,8 '{ 11, 12 }' drop
  client c1 client -x 2 -D "$DEST"
  client c2 client2 -x 2 -D "$S/dest2"
  sleep 1
  rm -f "$D"/_group_*_restart
  server server1 -H "$C1_ID,$C2_ID,$MISSING_ID" -f -s 10 b1 b1025
  nft_clear c1
  for f in "$D"/_group_*_restart; do [ -e "$f" ] && { xxd "$f" >"$S/restart1.hex"; mv "$f" "$S/restartfile"; }; done
  cp "$S/restartfile" "$D/restartfile" 2>/dev/null
  server F-then-H -F restartfile -H "$C1_ID" b1
  server H-then-F -H "$C1_ID" -F restartfile b1
  printf 'b1\n' >"$D/list-r"
  server F-with-i -F restartfile -i list-r
  server i-then-F -i list-r -F restartfile -s 10
  server F-with-z -F restartfile -z
  server f-with-z -f -z b1
  server F-missing -F no-such-restart
  echo "short" >"$D/badrestart"
  server F-garbage -F badrestart
  server F-run -F restartfile -s 10
  for f in "$D"/_group_*_restart; do [ -e "$f" ] && { xxd "$f" >"$S/restart2.hex"; rm -f "$f"; }; done
  # -f when nobody answers at all (closed group): is a restart file written?
  server exit7-f -H "$MISSING_ID" -f -s 10 b1
  ls "$D" | grep _restart >"$S/exit7-f-files.txt"
  for f in "$D"/_group_*_restart; do [ -e "$f" ] && { xxd "$f" >"$S/restart-exit7.hex"; rm -f "$f"; }; done
  rm -f "$D/restartfile" "$D/badrestart" "$D/list-r"
  finish

  # all clients fine with -f: no restart file; SIGINT with -f: restart file?
  scen restart-ok-and-int
  client c1 client -x 2 -D "$DEST"
  sleep 1
  rm -f "$D"/_group_*_restart
  server server-ok -H "$C1_ID" -f b1
  ls "$D" | grep -c restart >"$S/after-ok.txt"
  server_bg server-int -H "$C1_ID" -f -R 1000 file20k.bin big400k.bin
  wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
  sleep 0.5
  kill -INT "$SPID"
  server_wait 30
  for f in "$D"/_group_*_restart; do [ -e "$f" ] && { xxd "$f" >"$S/restart-int.hex"; rm -f "$f"; }; done
  # an open group with -f and a client that aborts
  client c2 client2 -x 2 -D "$S/dest2"
  local c2pid=$CPID
  sleep 1
  server_bg server-open -f -R 1000 file20k.bin big400k.bin
  wait_log "$S/client2.log" 'Name of file to receive: big400k.bin'
  sleep 0.5
  kill -TERM "$c2pid"
  server_wait 60
  for f in "$D"/_group_*_restart; do [ -e "$f" ] && { xxd "$f" >"$S/restart-open.hex"; rm -f "$f"; }; done
  finish
}

# 5. The file list: -i (file, stdin, empty lines, missing entries), directories, -E, -D, -o, -X, links
#    with and without -l, special files, @DELETE, @FREESPACE; FILEINFO names/types/sizes/times captured.
scenario files
files() {
  # -i with an empty line, a missing file, a directory, a special file, a dangling link
  scen files-list
  capture srv
  printf 'b1\n\nno-such-file\ntree\n\r\nfifo1\nchardev\ndangling\nlink1\n  b1025\n@DELETE:gone.txt\n@DELETE:sub/gone2.txt\n@FREESPACE\n' >"$D/list1"
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" -i list1 extra-arg-ignored
  STDIN="$D/list1" server server-stdin -H "$C1_ID" -i -
  server server-l -H "$C1_ID" -l link1 dangling tree
  finish
  listing "$DEST" "$S/dest.list"
  (cd "$D" && ls -f tree tree/sub) >"$S/readdir-order.txt"

  # -E base directories (absolute and relative; a prefix without a separator); -D and -o
  scen files-names
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server E-abs -H "$C1_ID" -E "$D/tree" "$D/tree/sub/inner.bin" "$D/tree/note.txt" "$D/file20k.bin" "$D/treex/f.txt"
  server E-slash -H "$C1_ID" -E "$D/tree/" "$D/tree/note.txt"
  server E-rel -H "$C1_ID" -E tree tree/sub tree/note.txt b1
  server E-two -H "$C1_ID" -E "$D/tree,$D/treex" "$D/tree/note.txt" "$D/treex/f.txt"
  server E-D -H "$C1_ID" -E "$D/tree" -D newdir "$D/tree/note.txt" "$D/tree/sub"
  server E-D1 -H "$C1_ID" -E "$D/tree" -D renamed.txt "$D/tree/note.txt"
  server D-one -H "$C1_ID" -D renamed.bin b1
  server D-one-dir -H "$C1_ID" -D renamed-tree tree
  server D-two -H "$C1_ID" -D ddir b1 b1025
  server D-o -H "$C1_ID" -D odir -o b1
  server D-trailing -H "$C1_ID" -D 'tdir///' b1
  server D-abs -H "$C1_ID" -D "$DEST/abs/name.bin" b1
  server path-arg -H "$C1_ID" tree/sub/inner.bin ./b1 "$D/b1025" ../data/b2047
  server dotdot -H "$C1_ID" tree/..
  server dot -H "$C1_ID" .
  finish
  listing "$DEST" "$S/dest.list"

  # -X exclude lists
  scen files-exclude
  capture srv
  printf 'tree/sub\nnote.txt\n./tree/empty-dir\n%s/tree/note.txt\n\nb1\n' "$D" >"$D/excl1"
  printf 'tree/note.txt\ntree/empty-dir/\n' >"$D/excl2"
  printf 'tree\n' >"$D/excl3"
  cp "$D"/excl[123] "$S/"
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server X1 -H "$C1_ID" -X excl1 tree b1 b1025
  server X2 -H "$C1_ID" -X excl2 tree
  server X3 -H "$C1_ID" -X excl3 tree b1
  server X-abs -H "$C1_ID" -X excl1 "$D/tree"
  server X-missing -H "$C1_ID" -X no-such-excl tree
  finish

  # a long name; many files (file ID numbering)
  scen files-many
  capture srv
  mkdir -p "$D/many"
  local i
  for i in $(seq 1 20); do echo "$i" >"$D/many/f$i"; done
  local long
  long=$(printf 'n%.0s' $(seq 1 250))
  echo long >"$D/$long"
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -H "$C1_ID" many "$long"
  finish
  rm -f "$D/$long"
}

# 6. Timing and retransmission on the wire (captures in srv).
scenario timing
timing() {
  # the announce phase with nobody answering: interval and count, default -s and -s 10
  scen timing-announce
  capture srv
  server s20 -x 3 -H "$MISSING_ID" b1
  server s10 -x 3 -H "$MISSING_ID" -s 10 b1
  server r1 -x 3 -H "$MISSING_ID" -s 10 -r 1.0 b1
  NO_SOPTS=1 server r-default -x 3 -H "$MISSING_ID" -s 10 -I eth0 -U "$SRV_ID" -R 100000 b1
  finish

  # closed group: 2 clients, one joining late, one missing; REG_CONF batching
  scen timing-closed
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server_bg server -x 4 -H "$C1_ID,$C2_ID,$MISSING_ID" -s 20 b1
  sleep 0.3
  client c2 client2 -x 2 -D "$S/dest2"
  server_wait 30
  finish

  # open group: 2 clients, REG_CONF batching, group size
  scen timing-open2
  capture srv
  client c1 client -x 2 -D "$DEST"
  client c2 client2 -x 2 -D "$S/dest2"
  sleep 1
  server server -x 4 -s 10 b1025
  finish

  # encrypted, 2 clients: KEYINFO
  scen timing-keyinfo
  capture srv
  client c1 client -x 2 -D "$DEST"
  client c2 client2 -x 2 -D "$S/dest2"
  sleep 1
  server server -x 4 -Y aes128-gcm -H "$C1_ID,$C2_ID" b1025
  finish

  # REG_CONF dropped at c1 (open group, so the announce phase lasts): REGISTER repeats, REG_CONF answers
  scen timing-no-regconf
  capture srv
  nft_rule c1 input udp dport 1044 @th,72,8 4 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 4 -s 10 b1
  nft_clear c1
  finish

  # FILEINFO_ACK dropped (one client): FILEINFO retries
  scen timing-fileinfo
  capture srv
  nft_rule c1 output udp sport 1044 @th,72,8 8 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 4 -H "$C1_ID" -s 10 b1
  nft_clear c1
  finish

  # COMPLETE dropped: DONE repeats (file and group)
  scen timing-done
  capture srv
  nft_rule c1 output udp sport 1044 @th,72,8 12 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 4 -H "$C1_ID" -s 10 b1025
  nft_clear c1
  finish

  # loss 10%: NAKs, passes, DONE, rewind timer; a 2-section file
  local x
  for x in 2 3 4; do
    scen "timing-loss-x$x"
    capture srv
    nft_rule c1 input udp dport 1044 numgen random mod 100 '<' 10 drop
    client c1 client -x 2 -D "$DEST"
    sleep 1
    server server -x "$x" -H "$C1_ID" -S "$S/status.txt" big400k.bin
    nft_clear c1
    finish
    cp "$S/status.txt" "$S/status.out"
  done
  scen timing-loss-sections
  capture srv
  nft_rule c1 input udp dport 1044 numgen random mod 100 '<' 10 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" -b 512 big3m.bin
  nft_clear c1
  finish

  # -a 1 (one pass), -N 5 -m 1 / -m 3 (NAK percentage), -W 110 (max time), all with 20% loss
  scen timing-a1
  capture srv
  nft_rule c1 input udp dport 1044 numgen random mod 100 '<' 20 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" -a 1 -S "$S/status.txt" big400k.bin b1
  nft_clear c1
  finish
  cp "$S/status.txt" "$S/status.out"
  scen timing-a2-two
  capture srv
  nft_rule c1 input udp dport 1044 numgen random mod 100 '<' 20 drop
  client c1 client -x 2 -D "$DEST"
  client c2 client2 -x 2 -D "$S/dest2"
  sleep 1
  server server -x 3 -H "$C1_ID,$C2_ID" -a 2 big400k.bin b1
  nft_clear c1
  finish
  local m
  for m in 1 3; do
    scen "timing-N5-m$m"
    capture srv
    nft_rule c1 input udp dport 1044 numgen random mod 100 '<' 20 drop
    client c1 client -x 2 -D "$DEST"
    client c2 client2 -x 2 -D "$S/dest2"
    sleep 1
    server server -x 3 -H "$C1_ID,$C2_ID" -N 5 -m "$m" -b 512 big3m.bin b1
    nft_clear c1
    finish
  done
  scen timing-W
  capture srv
  nft_rule c1 input udp dport 1044 numgen random mod 100 '<' 20 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" -R 2000 -W 110 big400k.bin b1
  nft_clear c1
  finish

  # the rate: -R 1000 / 10000 on a 400 KB file (inter-packet gaps), -R -1
  for r in 1000 10000 -1; do
    scen "timing-R$r"
    capture srv
    client c1 client -x 2 -D "$DEST"
    sleep 1
    server server -x 2 -H "$C1_ID" -R "$r" big400k.bin
    finish
  done

}

# Ports, TTL, DSCP, unicast, other groups, IPv6.
scenario net
net() {
  scen timing-ports
  capture srv
  client c1 client -x 2 -D "$DEST" -p 2044
  sleep 1
  server server -x 2 -H "$C1_ID" -p 2044 -u 5555 -t 7 -Q 0x2e -B 1048576 b1
  server server-Q10 -x 2 -H "$C1_ID" -p 2044 -Q 10 b1
  finish

  # -M unicast (to c1's address); -M/-P other groups; -P with x wildcards
  scen timing-unicast
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 4 -H "$C1_ID" -M "$C1_IP" -P 230.9.9.9 b1025
  server server-open -x 2 -M "$C1_IP" -s 10 b1
  finish
  scen timing-groups
  capture srv
  client c1 client -x 2 -D "$DEST" -M 230.7.7.7
  sleep 1
  server server -x 2 -H "$C1_ID" -M 230.7.7.7 -P '230.x.x.9' b1
  server server2 -x 2 -H "$C1_ID" -M 230.7.7.7 -P '239.1.2.3' b1
  finish

  # IPv6
  scen timing-ipv6
  capture srv
  client c1 client -x 2 -D "$DEST" -M ff15::1:1 -I "$C1_IP6"
  sleep 1
  NO_SOPTS=1 server server -x 3 -I "$SRV_IP6" -U "$SRV_ID" -R 100000 -r 0.05:0.01:1.0 -H "$C1_ID" -M ff15::1:1 \
    -P 'ff15::x:x' b1025
  NO_SOPTS=1 server server-noU -x 2 -I "$SRV_IP6" -R 100000 -r 0.05:0.01:1.0 -M ff15::1:1 -P ff15::2:1 -s 10 b1
  server server-eth0 -x 2 -M ff15::1:1 -P ff15::2:1 -s 10 b1
  finish
}

# 7. Options: accepted forms, range errors and exit codes.
# try NAME ARGS...: uftp ARGS in srv (argv[0] "uftp") for at most 4 s (-s 10 keeps the announce short);
# output (the usage text cut to its first line, ANNOUNCE lines left out) and exit code (124: still running).
# The session's group ID goes to groups.txt: options_wire adds the first ANNOUNCE of each run from the capture.
try() {
  local name=$1 rc
  shift
  (cd "$D" && timeout 4 ip netns exec "$NETNS_TAG-srv" bash -c 'exec -a uftp "$0" "$@"' "$UFTP" "$@" \
    >"$S/try-$name.out" 2>"$S/try-$name.err" </dev/null)
  rc=$?
  {
    echo "== $name: uftp $*"
    sed 's/^/   out: /' "$S/try-$name.out"
    # a message without its newline shows as "<text>[no newline]"
    [ -s "$S/try-$name.err" ] && [ "$(tail -c 1 "$S/try-$name.err" | od -An -c | tr -d ' ')" != '\n' ] && \
      echo "   (stderr does not end with a newline)"
    grep -avE 'Sending ANNOUNCE|Sending to|^Starting at|^UFTP version|^$|^    \[' "$S/try-$name.err" | \
      sed -E 's/^(uftp \[ -R txrate .*)$/\1 ... (usage text, 12 lines)/; s/^/   err: /' | head -12
    echo "   exit $rc"
  } >>"$S/tries.txt"
  local g
  g=$(grep -ao 'Group ID: [0-9A-F]*' "$S/try-$name.err" | head -1 | cut -d' ' -f3)
  [ -n "$g" ] && echo "$name $g" >>"$S/groups.txt"
}

# options_wire: the first ANNOUNCE of each try that got as far as announcing (source ID, TTL, TOS,
# GRTT, robust, block size, addresses, listed clients).
options_wire() {
  local name g
  while read -r name g; do
    echo "$name: $(grep -m1 "ANNOUNCE .*group=0x$g/" "$S/srv.pcap.txt" | \
      sed -E 's/^[0-9.]+ //; s/ len=[0-9]+ ANNOUNCE seq=[0-9]+//; s/"flags":0,//; s/"ccType":"NONE",//')"
  done <"$S/groups.txt" >"$S/tries-wire.txt"
}

scenario options
options() {
  scen options
  capture srv
  local T="-I eth0 -U $SRV_ID -H $MISSING_ID -s 10 -r 0.01:0.01:0.01"
  local R="-r 0.01:0.01:0.01 -s 10"
  : >"$D/empty.list"
  try no-files
  try no-files-x -x 2
  try empty-list $T -i empty.list
  try bad-option -y9 b1
  try bad-option2 -V b1
  try missing-arg b1 -R
  try R-neg $T -R -5 b1
  try R0 $T -R 0 b1
  try R-1 $T -R -1 b1
  try R-half $T -R 0.5 b1
  try R-abc $T -R abc b1
  try R-big $T -R 99999999 b1
  try B-small $T -B 1000 b1
  try B-big $T -B 104857601 b1
  try B-ok $T -B 65536 b1
  try b-511 $T -b 511 b1
  try b-512 $T -b 512 b1
  try b-8800 $T -b 8800 b1
  try b-8801 $T -b 8801 b1
  try s9 $T -s 9 b1
  try s51 $T -s 51 b1
  try s-abc $T -s abc b1
  try s50 -I eth0 -U "$SRV_ID" -H "$MISSING_ID" -s 50 -r 0.001:0.001:0.001 b1
  try r-0 $T -r 0 b1
  try r-0.001 -I eth0 -U "$SRV_ID" -H "$MISSING_ID" -s 10 -r 0.001 b1
  try r-1001 $T -r 1001 b1
  try r-two $T -r 0.5:0.1 b1
  try r-minmax $T -r 0.5:1:0.1 b1
  try r-out $T -r 2:0.1:1 b1
  try r-abc $T -r abc b1
  try r-four -I eth0 -U "$SRV_ID" -H "$MISSING_ID" -s 10 -r 0.02:0.01:0.03:9 b1
  try x-1 $T -x -1 b1
  try x9 $T -x 9 b1
  try t0 $T -t 0 b1
  try t255 $T -t 255 b1
  try t256 $T -t 256 b1
  try Q64 $T -Q 64 b1
  try Q-hex $T -Q 0x3f b1
  try Q-octal $T -Q 010 b1
  try a0 $T -a 0 b1
  try a65536 $T -a 65536 b1
  try W109 $T -W 109 b1
  try W10001 $T -W 10001 b1
  try N101 $T -N 101 b1
  try N-1 $T -N -1 b1
  try m0 $T -m 0 b1
  try m11 $T -m 11 b1
  try m1001 $T -m 1001 b1
  try g0 $T -g 0 b1
  try g1025 $T -g 1025 b1
  try n0 $T -n 0 b1
  try n1001 $T -n 1001 b1
  try Y-bad $T -Y aes512 b1
  try h-bad $T -Y aes256-cbc -h md5 b1
  try h-bad-noY $T -h md5 b1
  try w-bad $T -Y aes256-cbc -w rsa b1
  try e-bad $T -Y aes256-cbc -e dh b1
  try e-curve-bad $T -Y aes256-cbc -e ecdh_rsa:nocurve b1
  try e-curve $T -Y aes256-cbc -e ecdh_rsa:secp384r1 b1
  try w-keyex-sha512-rsa512 $T -Y aes256-cbc -h sha512 -w keyex -K 512 b1
  try K-bad $T -Y aes256-cbc -K 100 b1
  try K-4096 $T -Y aes256-cbc -K 4096 b1
  try K-2048 $T -Y aes256-cbc -K 2048 b1
  try K-curve-ecdsa $T -Y aes256-cbc -e ecdh_ecdsa -K secp384r1 b1
  try K-curve-bad $T -Y aes256-cbc -e ecdh_ecdsa -K 512 b1
  try K-noY $T -K 512 b1
  try k-K-noY $T -k nofile -K 512 b1
  try C-bad $T -C pgmcc b1
  try C-none $T -C none b1
  try C-tfmcc-maxnum $T -C tfmcc:1000 b1
  try C-tfmcc-full $T -C tfmcc:min=100:init=500:max=1000 b1
  try C-tfmcc-badtype $T -C tfmcc:foo=1 b1
  try C-tfmcc-noval $T -C tfmcc:max b1
  try C-tfmcc-order $T -C tfmcc:max=100:min=1000 b1
  try C-tfmcc-initmax $T -C tfmcc:init=2000:max=1000 b1
  try U-hex-nox -I eth0 -U 0a0b4701 -H "$MISSING_ID" $R b1
  try U-dec -I eth0 -U 12345678 -H "$MISSING_ID" $R b1
  try U-bad -I eth0 -U xyz -H "$MISSING_ID" $R b1
  try U-0 -I eth0 -U 0 -H "$MISSING_ID" $R b1
  try U-ff -I eth0 -U 0xffffffff -H "$MISSING_ID" $R b1
  try U-long -I eth0 -U 0x123456789 -H "$MISSING_ID" $R b1
  try U-default -I eth0 -H "$MISSING_ID" $R b1
  try H-forms -I eth0 -U "$SRV_ID" $R -H 198.18.71.2,0x0A0B4703,0a0b4704,12345678,localhost b1
  try H-bad $T -H xyz b1
  try H-zero -I eth0 -U "$SRV_ID" $R -H 0 b1
  try H-ff $T -H ffffffff b1
  try H-twice -I eth0 -U "$SRV_ID" $R -H 0x1 -H 0x2 b1
  printf '# proxies and clients\n0x0A0B4702|7A:77:C9:0A:C4:CA:AE:90:97:62:2E:89:70:EF:43:13:E5:15:0C:ED\n\n  0x0A0B4703\n0x0A0B4704|bad-fingerprint\n198.18.71.9|7A:77\n' >"$D/hosts-forms"
  cp "$D/hosts-forms" "$S/"
  try H-file -I eth0 -U "$SRV_ID" $R -H @hosts-forms b1
  try H-missing-file $T -H @no-such-hosts b1
  seq 1 400 | awk '{printf "0x0A0C%04X\n", $1}' >"$D/hosts-400"
  try H-400 -I eth0 -U "$SRV_ID" $R -x 2 -H @hosts-400 b1
  try H-400-b512 -I eth0 -U "$SRV_ID" $R -x 2 -b 512 -H @hosts-400 b1
  try j-file -I eth0 -U "$SRV_ID" $R -H 0x0A0B4702 -j hosts-forms b1
  try j-missing $T -j no-such-proxies b1
  try F-then-H $T -F x -H 0x1 b1
  try I-name -I eth0 -U "$SRV_ID" -H "$MISSING_ID" $R b1
  try I-ip -I 198.18.71.1 -H "$MISSING_ID" $R b1
  try I-bad -I nosuchif -H "$MISSING_ID" $R b1
  try I-lo -I lo -H "$MISSING_ID" $R b1
  try I-unknown-ip -I 10.9.9.9 -H "$MISSING_ID" $R b1
  try I-hostname -I localhost -H "$MISSING_ID" $R b1
  try I-twice -I lo -I eth0 -H "$MISSING_ID" $R b1
  try P-unicast $T -P 1.2.3.4 b1
  try P-x $T -P 230.x.7.x b1
  try P-bad $T -P 999.1.1.1 b1
  try P-v6-x -I eth0 -M ff15::1 -P ff15::x -H "$MISSING_ID" $R b1
  try M-unicast-name $T -M localhost b1
  try M-v6-unicast-v4if $T -M fd18:71::2 b1
  try p-0 $T -p 0 b1
  try p-name $T -p domain b1
  try p-99999 $T -p 99999 b1
  try u-bad $T -u abc b1
  try i-missing $T -i no-such-list
  try i-and-files $T -i empty.list b1
  try X-missing $T -X no-such-excl b1
  try S-bad $T -S /no/such/dir/status b1
  try L-bad $T -L /no/such/dir/log b1
  try z-and-f $T -z -f b1
  try Z-and-f $T -Z -f b1
  try z-and-Z $T -z -Z b1
  try q $T -q b1
  try repeat-R $T -R 1000 -R 2000 b1
  try repeat-E $T -E /a -E "$D" "$D/b1"
  try E-noarg $T -E "$D" b1
  try D-empty $T -D '' b1
  try D-slash $T -D / b1
  try T-x0 $T -T -x 0 b1
  try y $T -y b1
  try l-and-missing $T -l no-such-file
  finish
  options_wire
}

# 8. TFMCC with one real client: CONG_CTRL frequency, rates, CLR; then 5% loss.
scenario tfmcc
tfmcc() {
  scen tfmcc-clean
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 4 -H "$C1_ID" -C tfmcc big3m.bin
  finish
  scen tfmcc-loss5
  capture srv
  nft_rule c1 input udp dport 1044 numgen random mod 100 '<' 5 drop
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 4 -H "$C1_ID" -C tfmcc big3m.bin
  nft_clear c1
  finish
  scen tfmcc-max
  capture srv
  client c1 client -x 2 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" -C tfmcc:max=8000:init=2000 big400k.bin
  finish
}

# ---------------------------------------------------------------------------------------- fixtures

# --export: copies a selection of the results in $OUT (small text only) to test/fixtures/server/:
# server transcripts (stderr, -T timestamps stripped; *.raw.txt keep them) with exit codes, status files,
# restart files as hex, decoded captures without the data datagrams, option tries.
export_fixtures() {
  local F=$ROOT/test/fixtures/server
  rm -rf "$F"/{logs,status,restart,wire,options,files}   # README.md stays
  mkdir -p "$F"/{logs,status,restart,wire,options,files}
  put() {  # put SRC DST: copy if present, made printable
    [ -e "$OUT/$1" ] || { echo "   (missing: $1)"; return; }
    perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' "$OUT/$1" >"$F/$2"
  }
  log() {  # log SCEN NAME DST: stderr transcript + "exit N" (+ stdout if any)
    [ -e "$OUT/$1/$2.err" ] || { echo "   (missing: $1/$2)"; return; }
    { sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}: ##' "$OUT/$1/$2.err"
      [ -s "$OUT/$1/$2.out" ] && { echo "--- stdout:"; cat "$OUT/$1/$2.out"; }
      echo "--- exit $(cat "$OUT/$1/$2.exit" 2>/dev/null)"; } | perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' >"$F/$3"
  }
  log_without() {  # log_without SCEN NAME DST REGEX: the same without the (repetitive) lines matching REGEX
    [ -e "$OUT/$1/$2.err" ] || { echo "   (missing: $1/$2)"; return; }
    { echo "# $(grep -caE "$4" "$OUT/$1/$2.err") lines matching /$4/ left out"
      sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}: ##' "$OUT/$1/$2.err" | grep -avE "$4"
      echo "--- exit $(cat "$OUT/$1/$2.exit" 2>/dev/null)"; } | perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' >"$F/$3"
  }
  wire() {  # wire SRC DST: a decoded capture without FILESEG and other datagrams of 1000 bytes or more
    [ -e "$OUT/$1" ] || { echo "   (missing: $1)"; return; }
    local total data
    total=$(wc -l <"$OUT/$1")
    data=$(grep -cE 'FILESEG| len=[0-9]{4,} ' "$OUT/$1")
    { echo "# $total datagrams, of which $data data datagrams (FILESEG, or ENCRYPTED of 1000 bytes or more) left out"
      grep -vE 'FILESEG| len=[0-9]{4,} ' "$OUT/$1"; } | perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' >"$F/$2"
  }
  log plain-open server logs/plain-open-x2.txt
  put plain-open/server.out logs/plain-open-x2.stdout.txt
  put plain-T/server.err logs/plain-T.raw.txt
  for x in 0 1 2 3 4 5; do log "plain-x$x" server "logs/plain-closed-x$x.txt"; done
  put plain-L/logfile.log logs/plain-L-logfile.raw.txt
  log plain-L server logs/plain-L-stderr.txt
  for x in 2 3 4; do log "tree-x$x" server "logs/tree-2clients-x$x.txt"; done
  put tree-x2/readdir-order.txt files/tree-readdir-order.txt
  for x in 2 3 4; do log "enc-x$x" server "logs/enc-aes256gcm-2clients-x$x.txt"; done
  log enc-gen server logs/enc-generated-key-x2.txt
  log enc-ecdsa server logs/enc-ecdh-ecdsa-x2.txt
  log enc-clientauth server logs/enc-client-auth-x2.txt
  log enc-clientauth server-noc logs/enc-hostfile-no-c-x2.txt
  log enc-incompatible server logs/enc-incompatible-client-x2.txt
  log enc-keyex server logs/enc-keyex-rsa512-sha512.txt
  log enc-keyex server-1024 logs/enc-keyex-rsa1024-sha512.txt
  log_without enc-keyex server-des logs/enc-des-unsupported.txt 'EncryptInit|Error encrypting KEYINFO'
  log enc-keyex server-hmac logs/enc-3des-sha384-hmac.txt
  log enc-keyex server-mismatch logs/enc-key-size-mismatch.txt
  put enc-incompatible/status.out status/enc-incompatible.status
  put enc-clientauth/hosts.txt logs/enc-client-auth.hosts.txt
  log exit7-open server logs/exit7-open-group.txt
  log exit7-closed server logs/exit7-closed-group.txt
  log exit7-q-one-mute server logs/exit7-q-one-mute.txt
  log mute-one server logs/mute-one-of-two.txt
  log exit8 server logs/exit8-no-fileinfo-ack.txt
  log fileinfo-one-of-two server logs/fileinfo-ack-missing-one-of-two.txt
  log exit9-lost server logs/exit9-lost.txt
  log exit9-abort server logs/exit9-abort.txt
  log abort-one-of-two-noq server logs/abort-one-of-two.txt
  log abort-one-of-two-q server logs/abort-one-of-two-q.txt
  log exit10-rejected server logs/exit10-rejected.txt
  log exit10-missing server logs/exit10-missing-file.txt
  log exit10-special server logs/exit10-special-file.txt
  log exit-all-skipped server logs/all-skipped-sync.txt
  log exit6-INT server logs/exit6-sigint.txt
  log exit6-TERM server logs/exit6-sigterm.txt
  log exit6-announce server logs/exit6-sigint-announce.txt
  log exit6-announce-registered server logs/exit6-sigint-announce-registered.txt
  log exit6-completion server logs/exit6-sigint-completion-x3.txt
  log exit6-completion server-s10 logs/no-group-complete-x3.txt
  put exit6-completion/status.out status/exit6-completion.status
  put exit6-completion/status-s10.out status/no-group-complete.status
  wire exit6-completion/srv.pcap.txt wire/no-group-complete.txt
  put exit6-announce-registered/status.out status/exit6-announce-registered.status
  for n in M-bad P-v6-mix M-v6-noP p-bad u-bad u-low u-busy k-missing k-garbage k-dir kK-existing kK-new k-ec-for-rsa \
      L-bad k-unreadable; do log exit-misc "$n" "options/startup-$n.txt"; done
  for s in status-basic status-open status-append status-sync-z status-sync-Z status-rejected mute-one \
      fileinfo-one-of-two exit9-lost exit9-abort abort-one-of-two-noq abort-one-of-two-q exit10-rejected \
      exit-all-skipped exit6-INT exit6-TERM timing-loss-x2 timing-a1; do
    put "$s/status.out" "status/$s.status"
  done
  log status-atlog server status/status-atlog.txt
  log status-atlog server-T status/status-atlog-T.txt
  log status-atlog server-x1 status/status-atlog-x1.txt
  put status-atlog/logfile.log status/status-atlog-L-logfile.raw.txt
  log status-basic server logs/status-basic-2clients.txt
  log levels-x0 server logs/levels-x0-mute-and-abort.txt
  log levels-x1 server logs/levels-x1-mute-and-abort.txt
  log status-sync-z server logs/sync-z.txt
  log status-sync-Z server logs/sync-preview-Z.txt
  for f in restart1.hex restart2.hex restart-files.txt restart-files-after.txt sha256.txt dest2.list; do
    put "restart-abort/$f" "restart/abort-$f"
  done
  log restart-abort server1 restart/abort-run1.txt
  log restart-abort server2 restart/abort-run2-F.txt
  put restart-abort/client2-again.txt restart/abort-run2-client.txt
  wire restart-abort/srv.pcap.txt restart/abort-wire.txt
  put restart-mute-lost/restart1.hex restart/mute-lost.hex
  put restart-mute-lost/restart2.hex restart/mute-lost-after-F.hex
  put restart-mute-lost/restart-exit7.hex restart/exit7-closed-group.hex
  log restart-mute-lost exit7-f restart/exit7-closed-group-run.txt
  log restart-mute-lost server1 restart/mute-lost-run1.txt
  for n in F-then-H H-then-F F-with-i i-then-F F-with-z f-with-z F-missing F-garbage F-run; do
    log restart-mute-lost "$n" "restart/mute-lost-$n.txt"
  done
  put restart-ok-and-int/after-ok.txt restart/ok-restart-count.txt
  put restart-ok-and-int/restart-int.hex restart/sigint.hex
  put restart-ok-and-int/restart-open.hex restart/open-group-abort.hex
  log restart-ok-and-int server-int restart/sigint-run.txt
  log restart-ok-and-int server-open restart/open-group-abort-run.txt
  log files-list server files/list-i.txt
  log files-list server-stdin files/list-stdin.txt
  log files-list server-l files/links-l.txt
  put files-list/dest.list files/list.dest.list
  for n in E-abs E-slash E-rel E-two E-D E-D1 D-one D-one-dir D-two D-o D-trailing D-abs path-arg dotdot dot; do
    log files-names "$n" "files/names-$n.txt"
  done
  put files-names/dest.list files/names.dest.list
  for n in X1 X2 X3 X-abs X-missing; do log files-exclude "$n" "files/exclude-$n.txt"; done
  for n in excl1 excl2 excl3; do put "files-exclude/$n" "files/exclude-$n.list"; done
  log files-many server files/many.txt
  for s in files-list files-names files-exclude files-many; do
    grep -E 'FILEINFO ' "$OUT/$s/srv.pcap.txt" 2>/dev/null | grep -v '198.18.71.[23]' | \
      sed -E 's/^([0-9.]+) .* (group=[^ ]+) .* (\{.*)$/\1 \2 \3/' | \
      perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' >"$F/files/$s.fileinfo.txt"
  done
  for n in s20 s10 r1 r-default; do log timing-announce "$n" "logs/announce-$n.txt"; done
  wire timing-announce/srv.pcap.txt wire/announce.txt
  for t in closed open2 keyinfo no-regconf fileinfo done a1 a2-two N5-m1 N5-m3 W ports unicast groups ipv6; do
    wire "timing-$t/srv.pcap.txt" "wire/$t.txt"
    log "timing-$t" server "logs/timing-$t.txt"
  done
  log timing-unicast server-open logs/timing-unicast-open.txt
  log timing-ipv6 server-noU logs/timing-ipv6-noU.txt
  log timing-ipv6 server-eth0 logs/timing-ipv6-I-eth0.txt
  log timing-ports server-Q10 logs/timing-ports-Q10.txt
  for x in 2 3 4; do
    log_without "timing-loss-x$x" server "logs/loss-x$x.txt" 'Got NAK for [0-9]+$'
    wire "timing-loss-x$x/srv.pcap.txt" "wire/loss-x$x.txt"
  done
  log timing-loss-sections server logs/loss-sections-x3.txt
  wire timing-loss-sections/srv.pcap.txt wire/loss-sections.txt
  for r in 1000 10000 -1; do
    log "timing-R$r" server "logs/rate-R$r.txt"
    grep FILESEG "$OUT/timing-R$r/srv.pcap.txt" 2>/dev/null | head -40 | cut -c1-160 >"$F/wire/rate-R$r.head.txt"
  done
  wire plain-open/srv.pcap.txt wire/plain-open.txt
  wire exit7-open/srv.pcap.txt wire/exit7-open.txt
  wire exit7-q-one-mute/srv.pcap.txt wire/exit7-q-one-mute.txt
  wire mute-one/srv.pcap.txt wire/mute-one.txt
  wire exit8/srv.pcap.txt wire/exit8.txt
  wire exit9-lost/srv.pcap.txt wire/exit9-lost.txt
  wire exit9-abort/srv.pcap.txt wire/exit9-abort.txt
  wire abort-one-of-two-q/srv.pcap.txt wire/abort-one-of-two-q.txt
  wire exit6-INT/srv.pcap.txt wire/exit6-INT.txt
  wire tree-x2/srv.pcap.txt wire/tree-2clients.txt
  wire enc-x2/srv.pcap.txt wire/enc-2clients.txt
  for t in clean loss5 max; do
    log_without "tfmcc-$t" server "logs/tfmcc-$t.txt" 'Got NAK for [0-9]+$'
    { echo "# the first 120 datagrams other than FILESEG, then the STATUS datagrams"
      grep -vE 'FILESEG' "$OUT/tfmcc-$t/srv.pcap.txt" 2>/dev/null | head -120
      echo "# STATUS:"; grep -E ' STATUS ' "$OUT/tfmcc-$t/srv.pcap.txt"; } | perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' \
      >"$F/wire/tfmcc-$t.txt"
    grep -E 'FILESEG' "$OUT/tfmcc-$t/srv.pcap.txt" 2>/dev/null | awk 'NR % 50 == 1' | \
      awk '{print $1, $8, $12, substr($0, index($0, "\"blockNum"))}' >"$F/wire/tfmcc-$t.fileseg-every50.txt"
  done
  put options/tries.txt options/tries.txt
  put options/tries-wire.txt options/tries-wire.txt
  put options/hosts-forms options/hosts-forms.txt
  echo "fixtures in $F: $(find "$F" -type f | wc -l) files, $(du -sh "$F" | cut -f1)"
}

# ------------------------------------------------------------------------------------------- main

if [ "${1:-}" = --decode ]; then   # decode the kept pcaps again (after a change to DECODE_TSV)
  for p in "$OUT"/*/*.pcap; do decode_pcap "$p"; done
  exit 0
fi
if [ "${1:-}" = --export ]; then
  export_fixtures
  exit 0
fi
if [ "${1:-}" = -l ]; then
  grep -E '^scenario ' "$0" | cut -d' ' -f2
  exit 0
fi
SELECTED=("$@")
netns_init "uftpsv$$"
mkdir -p "$OUT"
make_lab
make_data
for s in "${SCENARIOS[@]}"; do
  if [ ${#SELECTED[@]} -eq 0 ] || [[ " ${SELECTED[*]} " == *" $s "* ]]; then "$s"; fi
done
echo "results in $OUT"
