#!/usr/bin/env bash
# Observes the real uftpd of Debian's uftp 4.10.2 where a user can see it: log lines, -F status files,
# -s postreceive calls, -A/-t/-T layouts, restart state, name safety, timing on the wire, option errors.
# Facts drawn from the results are written up in docs/client-notes.md.
#
# Lab: one segment "lan" (a bridge) with a server host srv (198.18.70.1) and client hosts c1 (.2) and
# c2 (.3), each on its eth0. The real uftp runs in srv, the real uftpd (-d, foreground) in c1/c2.
# Every scenario keeps its outputs under $OUT/<scenario>/: client logs (raw and with the timestamps
# stripped: *.txt), server logs, status files, postreceive argv logs, directory listings (find -ls style),
# hexdumps, pcaps and their decoded form.
#
# Needs root, uftp, uftpd, uftp_keymgt, tcpdump, tshark, nft, node (dist/ built: npm run build:ts).
# Usage: scripts/observe-uftpd.sh [scenario...]     (default: every scenario; list: -l)
#        scripts/observe-uftpd.sh --export          (results -> test/fixtures/client/, see export_fixtures)
#        scripts/observe-uftpd.sh --decode          (decode the kept pcaps again)
#        OUT=/some/dir keeps the results there (default /tmp/uftpd-observe); KEEP_WORK=1 keeps the lab dir.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/uftpd-observe}
# shellcheck source=lib/netns.sh
. "$ROOT/scripts/lib/netns.sh"

SRV_ID=0x0A0B4601
C1_ID=0x0A0B4602
C2_ID=0x0A0B4603
SRV_IP=198.18.70.1
C1_IP=198.18.70.2
C2_IP=198.18.70.3
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
}

make_data() {
  D=$WORK/data
  mkdir -p "$D/tree/sub" "$D/tree/empty-dir" "$D/emptydir"
  head -c 20000 /dev/urandom >"$D/file20k.bin"
  head -c 3000 /dev/urandom >"$D/tree/sub/inner.bin"
  echo "a small text file" >"$D/tree/note.txt"
  head -c 1 /dev/urandom >"$D/b1"
  head -c 1023 /dev/urandom >"$D/b1023"
  head -c 1024 /dev/urandom >"$D/b1024"
  head -c 1025 /dev/urandom >"$D/b1025"
  head -c 2047 /dev/urandom >"$D/b2047"
  : >"$D/b0"
  head -c 400000 /dev/urandom >"$D/big400k.bin"
  head -c 3000000 /dev/urandom >"$D/big3m.bin"
  ln -s tree/note.txt "$D/link1"
  KEYS=$WORK/keys
  mkdir -p "$KEYS"
  "$KEYMGT" -g rsa:1024 "$KEYS/server_rsa.pem" >/dev/null 2>&1
  "$KEYMGT" -g rsa:1024 "$KEYS/client_rsa.pem" >/dev/null 2>&1
  "$KEYMGT" -g ec:prime256v1 "$KEYS/client_ec.pem" >/dev/null 2>&1
}

# ------------------------------------------------------------------------------------------ helpers

# scen NAME: start a scenario: S=$OUT/NAME (fresh), DEST=$S/dest.
scen() {
  S=$OUT/$1
  rm -rf "$S"
  mkdir -p "$S/dest"
  DEST=$S/dest
  echo "== $1"
}

# client HOST LOGNAME OPTS...: the real uftpd in the foreground (-d) in namespace HOST; its pid in CPID.
client() {
  local host=$1 log=$2 id=()
  shift 2
  case $host in c1) id=(-U "$C1_ID") ;; c2) id=(-U "$C2_ID") ;; esac
  [ -n "${NO_U:-}" ] && id=()   # NO_U=1: the caller gives its own -U
  netns_bg "$S/$log.log" ip netns exec "$NETNS_TAG-$host" "$UFTPD" -d "${id[@]}" "$@"
  CPID=${NETNS_PIDS[-1]}
  echo "$host: uftpd -d ${id[*]} $*" >>"$S/commands"
}

# server LOGNAME OPTS...: the real uftp in srv, run from the data directory, in the foreground.
server() {
  local log=$1
  shift
  echo "srv: uftp $SOPTS $*" >>"$S/commands"
  (cd "$D" && in_ns srv timeout 120 "$UFTP" $SOPTS "$@") >"$S/$log.log" 2>&1
  echo "exit $?" >>"$S/$log.log"
}

# server_bg LOGNAME OPTS...: the same in the background; its pid in SPID.
server_bg() {
  local log=$1
  shift
  echo "srv (bg): uftp $SOPTS $*" >>"$S/commands"
  pushd "$D" >/dev/null
  netns_bg "$S/$log.log" ip netns exec "$NETNS_TAG-srv" "$UFTP" $SOPTS "$@"
  SPID=${NETNS_PIDS[-1]}
  popd >/dev/null
}

# done_scen: let the last packets arrive, stop everything of the scenario (by pid), strip timestamps.
done_scen() {
  netns_stop_all
  local f
  for f in "$S"/*.log; do
    [ -e "$f" ] || continue
    # "2025/01/31 12:34:56.123456: text" -> "text"; status lines keep their own timestamps.
    sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}: ##' "$f" >"${f%.log}.txt"
  done
}

# listing DIR OUTFILE: type, size, mode and name of everything under DIR (symlinks with their target).
listing() {
  (cd "$1" 2>/dev/null && find . -mindepth 1 -printf '%y %7s %m %p -> %l\n' | sed 's/ -> $//' | sort -k4) >"$2" 2>&1 || true
}

decode_pcap() {
  local pcap=$1
  tshark -r "$pcap" -Y udp -T fields -e frame.time_relative -e ip.src -e ip.dst -e udp.srcport -e udp.dstport \
    -e udp.payload >"$pcap.tsv" 2>/dev/null
  node -e "$DECODE_TSV" "$pcap.tsv" "$ROOT" >"$pcap.txt" 2>&1
}

# One line per datagram: time (s, from the first packet), src > dst, function, sequence, key fields
# (uftp_diag's dissector); STATUS also gets its bitmap length and NAKed blocks.
DECODE_TSV='
const fs = require("fs");
const [tsv, root] = process.argv.slice(1);
const { dissectPacket, keyFields } = require(root + "/dist/lib/cli/diag/dissect.js");
const out = [];
for (const l of fs.readFileSync(tsv, "utf8").split("\n").filter(Boolean)) {
  const [t, src, dst, sport, dport, hex] = l.split("\t");
  if (!hex) continue;
  const r = dissectPacket(Buffer.from(hex, "hex"));
  let text;
  if (!r.ok) text = "not UFTP: " + r.error.message;
  else {
    const m = r.value.message, h = r.value.header;
    const k = keyFields(m);
    if (r.value.type === "STATUS") { k.bitmapBytes = m.naks ? m.naks.length : undefined; k.naked = m.nakedBlocks; }
    if (r.value.type === "ABORT") k.text = m.text;
    text = r.value.type + " seq=" + h.seq + " src=" + h.srcId + " group=" + h.groupId + "/" + h.groupInst +
      " grtt=" + h.grttSeconds + " " +
      JSON.stringify(k, (key, v) => (typeof v === "bigint" ? String(v) : v));
  }
  out.push(Number(t).toFixed(6) + " " + src + ":" + sport + " > " + dst + ":" + dport + " len=" + hex.length / 2 + " " + text);
}
process.stdout.write(out.join("\n") + "\n");
'

# --------------------------------------------------------------------------------------- scenarios

SCENARIOS=()
scenario() { SCENARIOS+=("$1"); }

# capture HOST: tcpdump on HOST's eth0 (UDP only) into $S/HOST.pcap; decoded by finish.
PCAPS=()
# (as the kit's capture_start, with a 64 MB capture buffer: a FILESEG burst at 100 Mbit/s overflows the default)
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

# 1. Log lines at -x 1..5: a plain 1-file session (open group), an aes256-gcm RSA session, a session of
#    3 files with a tree and an empty directory.
scenario basic
basic() {
  local x
  for x in 1 2 3 4 5; do
    scen "basic-x$x"
    client c1 client -x "$x" -D "$DEST"
    sleep 1
    server server -x 2 file20k.bin
    finish
    listing "$DEST" "$S/dest.list"
  done
}

scenario enc
enc() {
  local x
  for x in 2 3 4 5; do
    scen "enc-x$x"
    client c1 client -x "$x" -D "$DEST" -k "$KEYS/client_rsa.pem"
    sleep 1
    server server -x 2 -Y aes256-gcm -h sha256 -k "$KEYS/server_rsa.pem" -H "$C1_ID" file20k.bin
    finish
  done
}

scenario tree
tree() {
  local x
  for x in 2 3 4; do
    scen "tree-x$x"
    client c1 client -x "$x" -D "$DEST"
    sleep 1
    server server -x 2 -H "$C1_ID" file20k.bin tree emptydir
    finish
    listing "$DEST" "$S/dest.list"
  done
}

# Start-up lines: two keys, a generated EC key; without -d: detaching, -L, -P.
scenario startup
startup() {
  scen startup
  client c1 c1-two-keys -x 2 -D "$DEST" -k "$KEYS/client_rsa.pem,$KEYS/client_ec.pem"
  client c2 c2-keygen -x 3 -D "$DEST" -K ec:prime256v1
  sleep 1.5
  finish
  scen startup-daemon
  in_ns c1 "$UFTPD" -x 2 -D "$DEST" -L "$S/daemon.log" -P "$S/daemon.pid" -U "$C1_ID" >"$S/daemon-stdout" 2>&1
  echo "exit $?" >"$S/daemon-exit"
  sleep 1
  cp "$S/daemon.pid" "$S/daemon.pid.txt" 2>/dev/null
  ls -l "$S" >"$S/ls.txt"
  (cd "$D" && in_ns srv timeout 60 "$UFTP" $SOPTS -H "$C1_ID" b1) >"$S/server.log" 2>&1
  kill "$(cat "$S/daemon.pid")"
  sleep 0.5
  ls -l "$S" >>"$S/ls.txt"
  cp "$S/daemon.log" "$S/daemon-log.log"
  finish
}

# 2. -F status file: copy (sizes 0, 1, 1023, 1024, 1025, 2047, 20000 bytes), a tree, an empty directory,
#    a symlink, @DELETE of an existing and a missing file, @FREESPACE; with and without -q; -F @LOG.
scenario status
status() {
  local q
  printf '%s\n' b0 b1 b1023 b1024 b1025 b2047 file20k.bin tree emptydir link1 '@DELETE:victim.txt' \
    '@DELETE:missing.txt' '@FREESPACE' >"$D/status.list"
  for q in noq q; do
    scen "status-$q"
    echo victim >"$DEST/victim.txt"
    if [ $q = q ]; then
      client c1 client -x 2 -D "$DEST" -F "$S/status.txt" -q
    else
      client c1 client -x 2 -D "$DEST" -F "$S/status.txt"
    fi
    sleep 1
    server server -x 2 -H "$C1_ID" -i status.list
    finish
    cp "$S/status.txt" "$S/status.out"
    listing "$DEST" "$S/dest.list"
  done
  scen status-atlog
  client c1 client -x 2 -D "$DEST" -F @LOG
  sleep 1
  server server -x 2 -H "$C1_ID" b1025 emptydir
  finish
  # A status file that exists already: appended to or truncated?
  scen status-append
  echo "PRE-EXISTING LINE" >"$S/status.txt"
  client c1 client -x 2 -D "$DEST" -F "$S/status.txt" -q
  sleep 1
  server server -x 2 -H "$C1_ID" b1
  finish
  cp "$S/status.txt" "$S/status.out"
}

# Sync mode (-z on the server) against local files older / newer / same time and size / same time other
# size / missing; plus a rejected absolute name and a name with "..".
scenario syncmode
syncmode() {
  scen sync
  mkdir -p "$D/sync/adir"
  for f in older newer equal diffsize fresh; do echo "source $f" >"$D/sync/$f.txt"; done
  touch -d '2020-01-01 00:00:00' "$D"/sync/*.txt "$D/sync/adir"
  echo "local older" >"$DEST/older.txt"; touch -d '2019-01-01' "$DEST/older.txt"
  echo "local newer" >"$DEST/newer.txt"; touch -d '2021-01-01' "$DEST/newer.txt"
  echo "source equal" >"$DEST/equal.txt"; touch -d '2020-01-01 00:00:00' "$DEST/equal.txt"
  echo "local same time, other size" >"$DEST/diffsize.txt"; touch -d '2020-01-01 00:00:00' "$DEST/diffsize.txt"
  mkdir -p "$DEST/adir"
  listing "$DEST" "$S/dest.before"
  client c1 client -x 3 -D "$DEST" -F "$S/status.txt" -q
  sleep 1
  server server -x 2 -H "$C1_ID" -z sync/older.txt sync/newer.txt sync/equal.txt sync/diffsize.txt \
    sync/fresh.txt sync/adir
  finish
  cp "$S/status.txt" "$S/status.out"
  listing "$DEST" "$S/dest.list"
  (cd "$DEST" && for f in *.txt; do echo "$f: $(cat "$f") mtime=$(stat -c %y "$f")"; done) >"$S/contents.txt"

  scen rejected
  client c1 client -x 2 -D "$DEST" -F "$S/status.txt" -q
  sleep 1
  server server-abs -x 2 -H "$C1_ID" -D /somewhere/else/file.bin b1025
  server server-dotdot -x 2 -H "$C1_ID" -D ../escape.bin b1025
  finish
  cp "$S/status.txt" "$S/status.out"
  listing "$DEST" "$S/dest.list"
}

# 3. -s postreceive: argv, cwd, umask, environment, open fds; per file or per session; waited for or not.
make_post() {
  {
    echo '#!/bin/sh'
    echo "L=$S/post.argv"
    cat <<'POST'
{
  echo "start $(date +%s.%N) pid=$$ ppid=$PPID argc=$#"
  for a in "$@"; do echo "  arg: $a"; done
  echo "  cwd: $(pwd)"
  echo "  umask: $(umask)"
  echo "  env: $(env | grep -cv '^_=') variables; $(env | grep -E '^(HOME|PWD|USER|LOGNAME|OLDPWD|UFTP[A-Z_]*)=' | sort | tr '\n' ' ')"
} >>"$L"
echo "to stdout"
echo "to stderr" >&2
sleep 2
echo "end $(date +%s.%N) pid=$$" >>"$L"
POST
  } >"$S/post.sh"
  chmod 755 "$S/post.sh"
}

scenario post
post() {
  local v
  for v in plain T Ti daemon; do
    scen "post-$v"
    make_post
    mkdir -p "$S/temp"
    case $v in
      plain) client c1 client -x 2 -D "$DEST" -s "$S/post.sh" ;;
      daemon)  # not -d: detached, logging to -L; its pid from -P
        in_ns c1 "$UFTPD" -x 2 -U "$C1_ID" -D "$DEST" -s "$S/post.sh" -L "$S/client.log" -P "$S/pid"
        sleep 0.5
        CPID=$(cat "$S/pid") ;;
      T) client c1 client -x 2 -D "$DEST" -T "$S/temp" -s "$S/post.sh" ;;
      Ti) client c1 client -x 2 -D "$DEST" -T "$S/temp" -i -s "$S/post.sh" ;;
    esac
    sleep 1
    server server -x 2 -H "$C1_ID" file20k.bin b1 tree emptydir link1
    ps -o pid,ppid,stat,args --ppid "$CPID" >"$S/children-at-end.txt" 2>&1
    # The open fds of the running scripts (they sleep 2 s), seen from outside.
    for p in $(ps -o pid= --ppid "$CPID"); do
      echo "$p: $(ls -l /proc/"$p"/fd 2>/dev/null | awk 'NR>1{print $9 "->" $11}' | tr '\n' ' ')"
    done >"$S/children-fds.txt"
    sleep 3
    ps -o pid,ppid,stat,args --ppid "$CPID" >"$S/children-3s-later.txt" 2>&1
    [ $v = daemon ] && kill "$CPID"
    finish
    listing "$DEST" "$S/dest.list"
    listing "$S/temp" "$S/temp.list"
  done
}

# 4. -A backup: layout, and when the existing file moves (FILEINFO or completion), alone and with -t.
scenario backup
backup() {
  local v
  printf '%s\n' file20k.bin tree emptydir '@DELETE:victim.txt' big400k.bin >"$D/backup.list"
  # A: -A alone; At: -A with -t; Az: -A with a sync-mode server (-z) and local files older than the sent ones
  for v in A At Az; do
    scen "backup-$v"
    mkdir -p "$S/backup" "$DEST/tree"
    echo "old big" >"$DEST/big400k.bin"
    echo "old 20k" >"$DEST/file20k.bin"
    echo "old note" >"$DEST/tree/note.txt"
    echo "victim" >"$DEST/victim.txt"
    mkdir -p "$DEST/emptydir/oldcontent"
    touch -d '2019-01-01' "$DEST/big400k.bin" "$DEST/file20k.bin" "$DEST/tree/note.txt"
    case $v in
      A|Az) client c1 client -x 3 -D "$DEST" -A "$S/backup" -c 10240 ;;
      At) client c1 client -x 3 -D "$DEST" -A "$S/backup" -t -c 10240 ;;
    esac
    sleep 1
    if [ $v = Az ]; then
      server_bg server -x 2 -H "$C1_ID" -R 1000 -z -i backup.list
    else
      server_bg server -x 2 -H "$C1_ID" -R 1000 -i backup.list
    fi
    wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
    sleep 1
    listing "$DEST" "$S/dest.mid"
    listing "$S/backup" "$S/backup.mid"
    wait_log "$S/client.log" 'Group file transfer confirmed' 30
    finish
    listing "$DEST" "$S/dest.list"
    listing "$S/backup" "$S/backup.list"
  done
}

# 5. -t: the temp file while receiving; what is left when the server dies (SIGKILL) or the client is
#    stopped (SIGTERM) mid-transfer.
scenario tempfile
tempfile() {
  local v
  for v in ok server-killed client-killed; do
    scen "tempfile-$v"
    echo "old content" >"$DEST/big400k.bin"
    client c1 client -x 3 -D "$DEST" -t -c 10240 -F "$S/status.txt" -q
    sleep 1
    server_bg server -x 2 -H "$C1_ID" -R 1000 file20k.bin big400k.bin
    wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
    sleep 1
    listing "$DEST" "$S/dest.mid"
    case $v in
      ok) wait_log "$S/client.log" 'Group file transfer confirmed' 30 ;;
      server-killed)
        { kill -KILL "$SPID"; wait "$SPID"; } 2>/dev/null
        sleep 4 ;;
      client-killed)
        kill -TERM "$CPID"
        sleep 1 ;;
    esac
    listing "$DEST" "$S/dest.after"
    finish
    cp "$S/status.txt" "$S/status.out" 2>/dev/null
  done
}

# 6. -T: layout during the session, the move at the end, an interrupted session (server SIGINT with -f)
#    and its restart (uftp -F), captured in the client's namespace.
scenario tempdir
tempdir() {
  scen tempdir-ok
  mkdir -p "$S/temp"
  mkdir -p "$DEST/tree/oldsub"; echo old >"$DEST/tree/oldsub/old.txt"
  client c1 client -x 3 -D "$DEST" -T "$S/temp" -c 10240
  sleep 1
  server_bg server -x 2 -H "$C1_ID" -R 1000 tree emptydir big400k.bin
  wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
  sleep 1
  listing "$S/temp" "$S/temp.mid"
  listing "$DEST" "$S/dest.mid"
  wait_log "$S/client.log" 'Group file transfer confirmed' 30
  sleep 0.5
  finish
  listing "$S/temp" "$S/temp.list"
  listing "$DEST" "$S/dest.list"

  scen tempdir-restart
  mkdir -p "$S/temp"
  capture c1
  client c1 client -x 4 -D "$DEST" -T "$S/temp" -c 10240 -F "$S/status.txt" -q
  sleep 1
  rm -f "$D"/_group_*_restart
  server_bg server1 -x 2 -H "$C1_ID" -R 1000 -f file20k.bin big400k.bin b1025
  wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
  sleep 1
  listing "$S/temp" "$S/temp.mid"
  kill -INT "$SPID"
  sleep 3
  listing "$S/temp" "$S/temp.interrupted"
  local f rf
  for f in "$S"/temp/_group_*_restart; do
    [ -e "$f" ] && { xxd "$f" >"$S/client-restart.hex"; cp "$f" "$S/client-restart.bin"; }
  done
  for f in "$D"/_group_*_restart; do
    [ -e "$f" ] && { xxd "$f" >"$S/server-restart.hex"; mv "$f" "$S/"; }
  done
  rf=$(ls "$S"/_group_*_restart 2>/dev/null | head -1)
  if [ -n "$rf" ]; then
    cp "$rf" "$D/restartfile"
    server server2 -x 2 -R 1000 -F restartfile
    rm -f "$D/restartfile"
  else
    echo "no server restart file" >"$S/server2.log"
  fi
  sleep 1
  listing "$S/temp" "$S/temp.after"
  listing "$DEST" "$S/dest.after"
  finish
  cp "$S/status.txt" "$S/status.out" 2>/dev/null
  (cd "$DEST" && sha256sum ./* 2>/dev/null; cd "$D" && sha256sum file20k.bin big400k.bin b1025) >"$S/sha256.txt"

  # The client stopped by SIGTERM mid-file with -T: is a restart file written?
  scen tempdir-client-killed
  mkdir -p "$S/temp"
  client c1 client -x 3 -D "$DEST" -T "$S/temp" -c 10240
  sleep 1
  server_bg server -x 2 -H "$C1_ID" -R 1000 file20k.bin big400k.bin
  wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
  sleep 1
  kill -TERM "$CPID"
  sleep 1
  listing "$S/temp" "$S/temp.after"
  for f in "$S"/temp/_group_*_restart; do [ -e "$f" ] && xxd "$f" >"$S/client-restart.hex"; done
  finish
}

# 7. Name safety: forced names (uftp -D) and things planted at the destination.
scenario names
names() {
  scen names
  local OUTSIDE=$S/outside DEST2=$S/dest2
  mkdir -p "$OUTSIDE" "$DEST2"
  echo "outside x" >"$OUTSIDE/x"
  ln -s "$OUTSIDE/x" "$DEST/planted"                 # symlink at the file's name
  ln -s "$OUTSIDE" "$DEST/linkdir"                   # symlink as an intermediate directory
  mkdir -p "$DEST/isdir/inside"; echo keep >"$DEST/isdir/inside/keep.txt"  # dir where a file goes
  echo "plain file" >"$DEST/isfile"                  # file where a directory goes
  echo "plain file 2" >"$DEST/isfile2"               # file where an empty directory goes
  ln -s "$OUTSIDE" "$DEST/linkdir2"                  # symlink where an empty directory goes
  listing "$DEST" "$S/dest.before"
  client c1 client -x 3 -D "$DEST,$DEST2" -F "$S/status.txt" -q
  sleep 1
  local n=0 name
  for name in '../escape.bin' 'a/../b.bin' '..' 'a/..' '..hidden' 'x..y' 'sub/..x/f' \
      "/somewhere/else/abs.bin" "$DEST2/under-second.bin" "$DEST/under-first.bin" "$DEST2" "${DEST2}x/sibling.bin" \
      planted linkdir/through.bin isdir isfile/inner.bin './dot.bin' 'a//b.bin' 'trailing/'; do
    n=$((n + 1))
    echo "$n: -D $name" >>"$S/names.txt"
    server "server-$n" -x 2 -H "$C1_ID" -D "$name" b1025
    grep -aE 'Status|rejected|Reject|sending as' "$S/server-$n.log" | sed 's/^/   /' >>"$S/names.txt"
  done
  n=$((n + 1)); echo "$n: -D isfile2 emptydir" >>"$S/names.txt"
  server "server-$n" -x 2 -H "$C1_ID" -D isfile2 emptydir
  n=$((n + 1)); echo "$n: -D linkdir2 emptydir" >>"$S/names.txt"
  server "server-$n" -x 2 -H "$C1_ID" -D linkdir2 emptydir
  n=$((n + 1)); echo "$n: -D planted link1 (symlink over a symlink)" >>"$S/names.txt"
  server "server-$n" -x 2 -H "$C1_ID" -D planted link1
  finish
  cp "$S/status.txt" "$S/status.out"
  listing "$DEST" "$S/dest.list"
  listing "$DEST2" "$S/dest2.list"
  listing "$OUTSIDE" "$S/outside.list"
  listing "${DEST2}x" "$S/dest2x.list"
  stat -c '%A %n' "$DEST" "$DEST2" >"$S/modes.txt"
  (for f in "$OUTSIDE"/*; do echo "$f: $(head -c 16 "$f" | od -An -tx1 | head -1)"; done) >"$S/outside.contents"
}

# 8. Timing on the wire with 10% loss at the client, STATUS, COMPLETE, DONE_CONF, REGISTER retries.
nft_drop() {  # nft_drop HOST RULE...: a table "t" with one input rule (replaced each time)
  local host=$1
  shift
  in_ns "$host" nft delete table inet t 2>/dev/null
  in_ns "$host" nft add table inet t
  in_ns "$host" nft add chain inet t in '{ type filter hook input priority 0; }'
  in_ns "$host" nft add rule inet t in "$@"
}
nft_clear() { in_ns "$1" nft delete table inet t 2>/dev/null; }

scenario timing
timing() {
  scen timing-lossy
  nft_drop c1 udp dport 1044 numgen random mod 100 '<' 10 drop
  capture c1
  client c1 client -x 4 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" big400k.bin
  nft_clear c1
  finish

  scen timing-lossy-sections
  nft_drop c1 udp dport 1044 numgen random mod 100 '<' 10 drop
  capture c1
  client c1 client -x 3 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" -b 512 big3m.bin
  nft_clear c1
  finish

  # Every DONE_CONF (function 13) dropped: COMPLETE(0) repeats?
  scen timing-no-doneconf
  nft_drop c1 udp dport 1044 @th,72,8 13 drop
  capture c1
  client c1 client -x 3 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" file20k.bin
  sleep 3
  nft_clear c1
  finish

  # Every REG_CONF (function 4) dropped in an open group (the server announces for its whole announce
  # period): REGISTER retries.
  scen timing-no-regconf
  nft_drop c1 udp dport 1044 @th,72,8 4 drop
  capture c1
  client c1 client -x 3 -D "$DEST"
  sleep 1
  server server -x 3 file20k.bin
  nft_clear c1
  finish

  # Every DONE (10) dropped: what the client does with a file whose end it never hears of.
  scen timing-no-done
  nft_drop c1 udp dport 1044 @th,72,8 10 drop
  capture c1
  client c1 client -x 4 -D "$DEST"
  sleep 1
  server server -x 3 -H "$C1_ID" -s 10 file20k.bin
  sleep 3
  nft_clear c1
  finish

  # Encrypted session: KEYINFO_ACK / FILEINFO_ACK timing.
  scen timing-enc
  capture c1
  client c1 client -x 3 -D "$DEST" -k "$KEYS/client_rsa.pem"
  sleep 1
  server server -x 3 -H "$C1_ID" -Y aes256-gcm -h sha256 -k "$KEYS/server_rsa.pem" file20k.bin b1
  finish

  # Closed groups: one that excludes c1, one that includes it (c1 started while the server announces).
  scen timing-closed
  capture c1
  server_bg server-excl -x 3 -H "$C2_ID" file20k.bin
  sleep 0.3
  client c1 client -x 4 -D "$DEST"
  sleep 3
  kill -INT "$SPID" 2>/dev/null
  sleep 1
  server_bg server-incl -x 3 -H "$C1_ID" -r 1.0 file20k.bin
  wait_log "$S/server-incl.log" 'Finishing' 30
  finish

  # SIGTERM to the client mid-transfer (plain and encrypted).
  scen timing-sigterm
  capture c1
  client c1 client -x 3 -D "$DEST"
  sleep 1
  server_bg server -x 3 -H "$C1_ID" -R 1000 big400k.bin
  wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
  sleep 0.5
  kill -TERM "$CPID"
  wait_log "$S/server.log" 'Finishing' 30
  finish
  scen timing-sigterm-enc
  capture c1
  client c1 client -x 3 -D "$DEST" -k "$KEYS/client_rsa.pem"
  sleep 1
  server_bg server -x 3 -H "$C1_ID" -R 1000 -Y aes256-gcm -h sha256 -k "$KEYS/server_rsa.pem" big400k.bin
  wait_log "$S/client.log" 'Name of file to receive: big400k.bin'
  sleep 0.5
  kill -TERM "$CPID"
  wait_log "$S/server.log" 'Finishing' 30
  finish
}

# Levels of the loss / timeout lines: 10% loss at -x 1 and -x 2, then the server killed mid-file (timeout).
scenario levels
levels() {
  local x
  for x in 1 2; do
    scen "levels-x$x"
    nft_drop c1 udp dport 1044 numgen random mod 100 '<' 10 drop
    client c1 client -x "$x" -D "$DEST" -F @LOG -q
    sleep 1
    server server -x 2 -H "$C1_ID" big400k.bin
    nft_clear c1
    server_bg server2 -x 2 -H "$C1_ID" -R 1000 big400k.bin
    sleep 2
    { kill -KILL "$SPID"; wait "$SPID"; } 2>/dev/null
    sleep 2.5
    finish
  done
}

# 9. Options: repeats, formats, errors and exit codes.
# try NAME HOST ARGS...: uftpd -d ARGS in HOST for at most 2 s; output and exit code (124: still running).
try() {
  local name=$1 host=$2 rc
  shift 2
  # argv[0] "uftpd", as a user typing the name gets it (getopt's messages start with argv[0])
  timeout 2 ip netns exec "$NETNS_TAG-$host" bash -c 'exec -a uftpd "$0" "$@"' "$UFTPD" -d "$@" \
    >"$S/try-$name.log" 2>&1
  rc=$?
  {
    echo "== $name: uftpd -d $*"
    sed 's/^/   /' "$S/try-$name.log"
    echo "   exit $rc"
  } >>"$S/tries.txt"
}

scenario options
options() {
  scen options
  echo "not a key" >"$S/garbage.pem"
  cp "$KEYS/client_rsa.pem" "$S/existing.pem"
  try bad-option c2 -Z
  try missing-arg c2 -D
  try B100 c2 -B 100
  try B-huge c2 -B 104857601
  try x9 c2 -x 9
  try p0 c2 -p 0
  try U-nohex c2 -U 12345678 -x 3
  try U-0x c2 -U 0x12345678 -x 3
  try U-bad c2 -U xyz
  try U-zero c2 -U 0
  try U-ffffffff c2 -U 0xffffffff
  try Q2e c2 -Q 0x2e
  try Q99 c2 -Q 99
  try c-small c2 -c 100
  try k-missing c2 -k "$S/nope.pem"
  try k-garbage c2 -k "$S/garbage.pem"
  try k-dir c2 -k "$S"
  try k-K-existing c2 -k "$S/existing.pem" -K rsa:512
  try k-K-new c2 -k "$S/new.pem" -K rsa:512
  try k-K-count c2 -k "$S/new2.pem" -K rsa:512,ec:prime256v1
  try K-bad c2 -K rsa:100
  try K-curve c2 -K ec:nocurve
  try k-twice c2 -x 2 -k "$KEYS/client_rsa.pem" -k "$KEYS/client_ec.pem"
  try D-missing c2 -D "$S/no/such/dir"
  try D-file c2 -D "$S/garbage.pem"
  try T-missing c2 -T "$S/no/such/temp"
  try T-and-A c2 -T "$S" -A "$S"
  try T-and-t c2 -T "$S" -t
  try T-multiD c2 -T "$S" -D "$S,$DEST"
  try A-count c2 -D "$S,$DEST" -A "$S"
  try A-missing c2 -A "$S/no/such/backup"
  try I-bad c2 -I nosuchif
  try M-bad c2 -M 1.2.3.4
  try M-twice c2 -M 230.4.4.2 -M 230.4.4.3
  try I-twice c2 -I eth0 -I 198.18.70.3
  try h-noH c2 -h 5
  try s-relative c2 -s relative.sh
  try s-missing c2 -s /no/such/script
  try F-unwritable c2 -F /no/such/dir/status
  try L-unwritable-d c2 -L /no/such/dir/log
  try R-bad c2 -R 999.999.1.1
  try N-bad c2 -N 99
  try g-bad c2 -g 0
  try n-bad c2 -n 0
  try q c2 -q
  try extra-arg c2 extra
  # Without -d: errors before or after detaching?
  timeout 3 ip netns exec "$NETNS_TAG-c2" "$UFTPD" -D "$S/no/such/dir" -L "$S/nod.log" >"$S/try-nod.out" 2>&1
  echo "== no -d, missing -D: exit $?; out: $(cat "$S/try-nod.out"); log: $(cat "$S/nod.log" 2>/dev/null)" >>"$S/tries.txt"
  timeout 3 ip netns exec "$NETNS_TAG-c2" "$UFTPD" -Z -L "$S/nod2.log" >"$S/try-nod2.out" 2>&1
  echo "== no -d, bad option (run as $UFTPD): exit $?; out: $(cat "$S/try-nod2.out")" >>"$S/tries.txt"
  # An unreadable key file and an unwritable -D, as a non-root user.
  chmod 600 "$S/existing.pem"
  chmod 755 "$S"
  timeout 2 ip netns exec "$NETNS_TAG-c2" setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$UFTPD" -d -k "$S/existing.pem" -D /tmp >"$S/try-unreadable.log" 2>&1
  echo "== unreadable -k (as nobody): exit $?" >>"$S/tries.txt"; sed 's/^/   /' "$S/try-unreadable.log" >>"$S/tries.txt"
  mkdir -p "$S/rootonly"; chmod 755 "$S/rootonly"
  timeout 2 ip netns exec "$NETNS_TAG-c2" setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$UFTPD" -d -D "$S/rootonly" >"$S/try-unwritable.log" 2>&1
  echo "== unwritable -D (as nobody): exit $?" >>"$S/tries.txt"; sed 's/^/   /' "$S/try-unwritable.log" >>"$S/tries.txt"
  # Two uftpd on one port.
  client c2 first -x 2 -D "$DEST"
  sleep 0.5
  try second-on-port c2 -x 2 -D "$DEST"
  finish
}

# Repeated -D / -M / -I: accumulate or last wins? Seen in sessions, in the joined groups; -U without 0x;
# -Q 0x2e on the wire.
scenario repeats
repeats() {
  scen repeats
  local A=$S/destA B=$S/destB
  mkdir -p "$A" "$B"
  capture c1
  NO_U=1 client c1 client -x 2 -D "$A" -D "$B" -M 230.4.4.1 -M 230.4.4.9 -I eth0 -I 127.0.0.1 -U 12345678 -Q 0x2e
  sleep 1
  in_ns c1 ip maddr show dev eth0 >"$S/maddr.txt"
  server server -x 2 -H 0x12345678 b1
  server server-abs -x 2 -H 0x12345678 -D "$A/abs-in-A.bin" b1
  server server-pub9 -x 2 -H 0x12345678 -M 230.4.4.9 b1025
  server server-abs-B -x 2 -H 0x12345678 -D "$B/abs-in-B.bin" b1
  in_ns c1 ip maddr show dev eth0 >>"$S/maddr.txt"
  finish
  tcpdump -v -nr "$S/c1.pcap" 'src host 198.18.70.2' 2>/dev/null | grep -o 'tos 0x[0-9a-f]*' | sort | uniq -c >"$S/tos.txt"
  listing "$A" "$S/destA.list"
  listing "$B" "$S/destB.list"
}

# Which ID a client uses for odd -U values (seen in the server's log).
scenario uids
uids() {
  scen uids
  local u
  for u in xyz 0 0xffffffff 12345678 0x1234 1234567890; do
    NO_U=1 client c1 "client-$u" -x 2 -D "$DEST" -U "$u"
    sleep 1
    server "server-$u" -x 2 -s 10 b1
    echo "-U $u: $(grep -a -o 'REGISTER from client 0x[0-9A-Fa-f]*' "$S/server-$u.log" | head -1)" >>"$S/uids.txt"
    kill "$CPID"
    sleep 0.3
  done
  finish
}

# -E with an unencrypted session; a closed group that excludes the client; a full disk.
scenario refuse
refuse() {
  local x
  for x in 1 3; do
    scen "refuse-E-x$x"
    capture c1
    client c1 client -x "$x" -D "$DEST" -E
    sleep 1
    server server -x 3 -s 10 file20k.bin
    finish
  done

  for x in 1 2; do
    scen "refuse-closed-x$x"
    capture c1
    client c1 client -x "$x" -D "$DEST"
    sleep 1
    server server -x 3 -H 0x0A0B4699 -s 10 file20k.bin
    finish
  done

  scen refuse-space
  mkdir -p "$S/small"
  mount -t tmpfs -o size=128k tmpfs "$S/small"
  MOUNTED+=("$S/small")
  capture c1
  client c1 client -x 3 -D "$S/small" -F "$S/status.txt" -q
  sleep 1
  server server -x 3 -H "$C1_ID" b1025 big400k.bin file20k.bin
  listing "$S/small" "$S/small.list"
  finish
  umount "$S/small" && MOUNTED=()
  cp "$S/status.txt" "$S/status.out" 2>/dev/null

  scen refuse-space-T
  mkdir -p "$S/small"
  mount -t tmpfs -o size=128k tmpfs "$S/small"
  MOUNTED+=("$S/small")
  mkdir -p "$S/small/dest" "$S/small/temp"
  client c1 client -x 3 -D "$S/small/dest" -T "$S/small/temp"
  sleep 1
  server server -x 3 -H "$C1_ID" big400k.bin
  listing "$S/small" "$S/small.list"
  finish
  umount "$S/small" && MOUNTED=()
}

# ---------------------------------------------------------------------------------------- fixtures

# --export: copies a selection of the results in $OUT (small text only) to test/fixtures/client/:
# client logs with the timestamps stripped, status files, postreceive argv logs, directory listings,
# restart-file hexdumps, decoded captures without the data packets. Bytes outside printable ASCII (the
# real uftpd's uninitialized host name when a reverse lookup fails) become '?'.
export_fixtures() {
  local F=$ROOT/test/fixtures/client src dst
  rm -rf "$F"/{logs,status,post,layout,restart,wire,options}   # README.md stays
  mkdir -p "$F"/{logs,status,post,layout,restart,wire,options}
  put() {  # put SRC DST: copy if present, made printable
    [ -e "$OUT/$1" ] || { echo "   (missing: $1)"; return; }
    perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' "$OUT/$1" >"$F/$2"
  }
  put_without() {  # put_without SRC DST REGEX: the same without the (repetitive) lines matching REGEX
    [ -e "$OUT/$1" ] || { echo "   (missing: $1)"; return; }
    { echo "# $(grep -caE "$3" "$OUT/$1") lines matching /$3/ left out"
      grep -avE "$3" "$OUT/$1"; } | perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' >"$F/$2"
  }
  wire() {  # wire SRC DST: a decoded capture without FILESEG and other datagrams of 1000 bytes or more
    [ -e "$OUT/$1" ] || { echo "   (missing: $1)"; return; }
    local total data
    total=$(wc -l <"$OUT/$1")
    data=$(grep -cE 'FILESEG| len=[0-9]{4,} ' "$OUT/$1")
    { echo "# $total datagrams, of which $data data datagrams (FILESEG, or ENCRYPTED of 1000 bytes or more) left out"
      grep -vE 'FILESEG| len=[0-9]{4,} ' "$OUT/$1"; } | perl -pe 's/[^\x09\x0a\x20-\x7e]/?/g' >"$F/$2"
  }
  for x in 1 2 3 4 5; do put "basic-x$x/client.txt" "logs/plain-1file-x$x.txt"; done
  for x in 2 3 4 5; do put "enc-x$x/client.txt" "logs/aes256gcm-rsa-x$x.txt"; done
  for x in 2 3 4; do put "tree-x$x/client.txt" "logs/tree-3files-x$x.txt"; done
  put basic-x2/server.txt logs/plain-1file.server.txt
  put startup/c1-two-keys.txt logs/startup-rsa-and-ec-keys.txt
  put startup/c2-keygen.txt logs/startup-K-ec.txt
  put startup-daemon/daemon-log.log logs/daemon-L-logfile.raw.txt
  put status-atlog/client.txt logs/status-atlog-x2.txt
  put levels-x1/client.txt logs/loss-and-timeout-x1.txt
  put levels-x2/client.txt logs/loss-and-timeout-x2.txt
  put_without timing-lossy-sections/client.log logs/loss-2sections-x3.raw.txt 'out of cache range|Cache gap seq'
  put_without tempdir-restart/client.txt logs/tempdir-restart-x4.txt ': NAK for [0-9]+$|Disk cache full|Wrote blocks'
  put_without timing-lossy/client.txt logs/loss-x4.txt ': NAK for [0-9]+$'
  put tempdir-client-killed/client.txt logs/tempdir-sigterm-x3.txt
  put tempfile-server-killed/client.txt logs/tempfile-server-killed-x3.txt
  put tempfile-client-killed/client.txt logs/tempfile-sigterm-x3.txt
  put timing-no-doneconf/client.log logs/no-doneconf-x3.raw.txt
  put timing-no-regconf/client.log logs/no-regconf-x3.raw.txt
  put timing-closed/client.txt logs/closed-group-excluded-then-included-x4.txt
  put timing-sigterm/client.txt logs/sigterm-x3.txt
  put timing-sigterm-enc/client.txt logs/sigterm-encrypted-x3.txt
  put refuse-E-x1/client.txt logs/E-unencrypted-x1.txt
  put refuse-closed-x1/client.txt logs/closed-group-excluded-x1.txt
  put refuse-space/client.txt logs/no-space-x3.txt
  put refuse-space-T/client.txt logs/no-space-T-x3.txt
  put sync/client.txt logs/sync-x3.txt
  put rejected/client.txt logs/rejected-x2.txt
  put names/client.txt logs/names-x3.txt
  put backup-A/client.txt logs/backup-A-x3.txt
  put backup-At/client.txt logs/backup-A-t-x3.txt
  put backup-Az/client.txt logs/backup-A-sync-x3.txt
  for v in noq q append; do put "status-$v/status.out" "status/$v.status"; done
  put sync/status.out status/sync.status
  put rejected/status.out status/rejected.status
  put names/status.out status/names.status
  put tempfile-ok/status.out status/tempfile-ok.status
  put tempfile-server-killed/status.out status/tempfile-server-killed.status
  put tempdir-restart/status.out status/tempdir-restart.status
  put refuse-space/status.out status/no-space.status
  for v in plain T Ti daemon; do
    put "post-$v/post.argv" "post/$v.argv"
    put "post-$v/client.txt" "post/$v.log.txt"
    put "post-$v/children-fds.txt" "post/$v.fds.txt"
    put "post-$v/children-3s-later.txt" "post/$v.children-3s-later.txt"
  done
  for v in A At Az; do
    for f in dest.mid backup.mid dest.list backup.list; do put "backup-$v/$f" "layout/backup-$v.$f"; done
  done
  for v in ok server-killed client-killed; do
    for f in dest.mid dest.after; do put "tempfile-$v/$f" "layout/tempfile-$v.$f"; done
  done
  for f in temp.mid dest.mid temp.list dest.list; do put "tempdir-ok/$f" "layout/tempdir-ok.$f"; done
  for f in temp.mid temp.interrupted temp.after dest.after; do put "tempdir-restart/$f" "layout/tempdir-restart.$f"; done
  put tempdir-client-killed/temp.after layout/tempdir-sigterm.temp.after
  put refuse-space-T/small.list layout/no-space-T.list
  for f in names.txt dest.before dest.list dest2.list dest2x.list outside.list outside.contents modes.txt; do
    put "names/$f" "layout/names.$f"
  done
  put tempdir-restart/client-restart.hex restart/client-restart-after-abort.hex
  put tempdir-restart/server-restart.hex restart/server-restart.hex
  put tempdir-client-killed/client-restart.hex restart/client-restart-after-sigterm.hex
  for t in lossy lossy-sections no-doneconf no-regconf no-done enc closed sigterm sigterm-enc; do
    wire "timing-$t/c1.pcap.txt" "wire/$t.txt"
  done
  wire tempdir-restart/c1.pcap.txt wire/tempdir-restart.txt
  wire refuse-E-x3/c1.pcap.txt wire/E-unencrypted.txt
  wire refuse-space/c1.pcap.txt wire/no-space.txt
  put options/tries.txt options/tries.txt
  put uids/uids.txt options/uids.txt
  put repeats/maddr.txt options/repeats-maddr.txt
  put repeats/tos.txt options/Q-0x2e-tos.txt
  put repeats/destA.list options/repeats-destA.list
  put repeats/destB.list options/repeats-destB.list
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
netns_init "uftpob$$"
MOUNTED=()
observe_cleanup() {
  netns_kill_tracked
  local m
  for m in "${MOUNTED[@]}"; do umount "$m" 2>/dev/null; done
  netns_cleanup
}
trap observe_cleanup EXIT
mkdir -p "$OUT"
make_lab
make_data
for s in "${SCENARIOS[@]}"; do
  if [ ${#SELECTED[@]} -eq 0 ] || [[ " ${SELECTED[*]} " == *" $s "* ]]; then "$s"; fi
done
echo "results in $OUT"
