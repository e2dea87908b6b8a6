# Shared by the capture scripts (source it, do not run it): network namespaces named "$NETNS_TAG-<name>",
# background processes tracked by pid, tcpdump captures that lose no tail, and a cleanup on exit that
# stops what was started (by pid) and removes what was made (by name). Needs root and iproute2.
#
#   netns_init TAG            start: TAG must be unique per run (put $$ in it); sets WORK (a temp dir)
#   netns_add NAME...         namespaces with lo up
#   in_ns NAME CMD...         run CMD in namespace NAME
#   netns_pair A DEVA ADDRA B DEVB ADDRB   one veth between two namespaces (addresses as a/len)
#   netns_segment SEG         a bridge br-SEG (multicast flooded to every port) in the hub namespace
#   netns_host NAME SEG ADDR [GATEWAY]     NAME gets eth<k> on bridge SEG (eth0 first, then eth1...)
#   netns_router NAME         turn on unicast forwarding (multicast is never routed: no mroute daemon)
#   netns_bg LOG CMD...       start CMD in the background, output to LOG, pid tracked
#   capture_start NAME DEV PCAP [FILTER]   tcpdump in namespace NAME, packets written as they come
#   netns_stop_all            settle the captures, then stop every tracked process (by pid) and wait

NETNS_PIDS=()
NETNS_MADE=()

netns_init() {
  NETNS_TAG=$1
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  trap netns_cleanup EXIT
}

netns_cleanup() {
  netns_kill_tracked
  local ns
  for ns in "${NETNS_MADE[@]}"; do ip netns del "$ns" 2>/dev/null || true; rm -rf "/etc/netns/$ns"; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}

netns_kill_tracked() {
  local pid
  for pid in "${NETNS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${NETNS_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  NETNS_PIDS=()
}

netns_add() {
  local name
  for name in "$@"; do
    ip netns add "$NETNS_TAG-$name"
    NETNS_MADE+=("$NETNS_TAG-$name")
    # Its own resolver on its own loopback: lookups (uftpd's reverse lookups) fail at once inside the lab
    # instead of heading for the machine's resolver.
    mkdir -p "/etc/netns/$NETNS_TAG-$name"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "/etc/netns/$NETNS_TAG-$name/resolv.conf"
    ip -n "$NETNS_TAG-$name" link set lo up
  done
}

in_ns() {
  local name=$1
  shift
  ip netns exec "$NETNS_TAG-$name" "$@"
}

# Address and multicast route on one end of a link.
netns_addr() {
  local ns="$NETNS_TAG-$1" dev=$2 addr=$3
  ip -n "$ns" link set "$dev" up
  ip -n "$ns" addr add "$addr" dev "$dev"
  ip -n "$ns" route add 224.0.0.0/4 dev "$dev" 2>/dev/null || true
}

netns_pair() {
  ip link add "$2" netns "$NETNS_TAG-$1" type veth peer name "$5" netns "$NETNS_TAG-$4"
  netns_addr "$1" "$2" "$3"
  netns_addr "$4" "$5" "$6"
}

# Segments are bridges in one hub namespace; multicast snooping off, so multicast reaches every port.
netns_segment() {
  [ -e "/run/netns/$NETNS_TAG-hub" ] || netns_add hub
  ip -n "$NETNS_TAG-hub" link add "br-$1" type bridge mcast_snooping 0
  ip -n "$NETNS_TAG-hub" link set "br-$1" up
}

netns_host() {
  local name=$1 seg=$2 addr=$3 gw=${4:-} ns="$NETNS_TAG-$1" k=0
  [ -e "/run/netns/$ns" ] || netns_add "$name"
  while ip -n "$ns" link show "eth$k" >/dev/null 2>&1; do k=$((k + 1)); done
  ip link add "$name-$seg" netns "$NETNS_TAG-hub" type veth peer name "eth$k" netns "$ns"
  ip -n "$NETNS_TAG-hub" link set "$name-$seg" master "br-$seg" up
  netns_addr "$name" "eth$k" "$addr"
  if [ -n "$gw" ]; then ip -n "$ns" route add default via "$gw"; fi
}

netns_router() {
  in_ns "$1" sysctl -qw net.ipv4.ip_forward=1
}

netns_bg() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  NETNS_PIDS+=("$!")
}

# -U with --immediate-mode: each packet reaches the file when it arrives, not in ~1 s blocks.
capture_start() {
  local name=$1 dev=$2 pcap=$3 filter=${4:-udp}
  netns_bg "$pcap.log" ip netns exec "$NETNS_TAG-$name" tcpdump -i "$dev" -U --immediate-mode -s 0 -w "$pcap" "$filter"
}

# The 1.5 s covers the last packets still on their way through tcpdump when the session ends.
netns_stop_all() {
  sleep 1.5
  netns_kill_tracked
}
