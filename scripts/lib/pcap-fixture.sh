# Shared by the capture scripts (source it): a pcap of UFTP datagrams as fixture JSON.
#
#   pcap_to_fixture PCAP OUT ROLES [wide]
# ROLES maps addresses to role names: "198.18.250.1=server fd18:250::1=server ...". Output is a JSON array
# of {dir, hex} (dir: the sender's role, "other:<addr>" when unknown); with "wide" each packet also has
# to (receiver's role, or the multicast group address), sport and dport. Runs of one kind of packet
# (same sender, receiver, function and length: the FILESEG stream) keep 3 packets.

pcap_to_fixture() {
  local pcap=$1 out=$2 roles=$3 wide=${4:-}
  tshark -r "$pcap" -Y udp -T fields -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e udp.srcport -e udp.dstport \
    -e udp.payload >"$pcap.tsv" 2>/dev/null
  node -e "$PCAP_TSV_TO_JSON" "$pcap.tsv" "$roles" "$wide" >"$out"
  echo "   $(basename "$out"): $(grep -c hex "$out") packets kept of $(wc -l <"$pcap.tsv")"
}

PCAP_TSV_TO_JSON='
const fs = require("fs");
const [tsv, roleList, wide] = process.argv.slice(1);
const roles = Object.fromEntries(roleList.split(/\s+/).filter(Boolean).map((r) => r.split("=")));
const isGroup = (a) => /^2(2[4-9]|3\d)\./.test(a) || /^ff/i.test(a);
const kept = [];
let runKey = "", runLen = 0;
for (const line of fs.readFileSync(tsv, "utf8").split("\n")) {
  const [src4, src6, dst4, dst6, sport, dport, hex] = line.split("\t");
  if (!hex) continue;
  const src = src4 || src6, dst = dst4 || dst6;
  const dir = roles[src] || "other:" + src;
  const to = isGroup(dst) ? dst : roles[dst] || "other:" + dst;
  const key = dir + ">" + to + "/" + hex.slice(2, 4) + "/" + hex.length;
  runLen = key === runKey ? runLen + 1 : 1;
  runKey = key;
  if (runLen > 3) continue;
  kept.push(wide ? { dir, to, sport: Number(sport), dport: Number(dport), hex } : { dir, hex });
}
process.stdout.write("[\n" + kept.map((p) => "  " + JSON.stringify(p)).join(",\n") + "\n]\n");
'
