#!/usr/bin/env bash
# Regenerates test/fixtures/sessions/*.json: small encrypted sessions between the real UFTP 4.10.2
# programs (Debian's uftp package: uftp -> uftpd), one per cipher suite, captured on a veth between
# two network namespaces. test/unit/crypto-real-sessions.test.ts derives every key from them.
#
# The long-term keys live in test/fixtures/keys/ (made by the real uftp_keymgt when missing, kept
# otherwise). ECDH sessions use ephemeral keys that never leave the programs, so an LD_PRELOAD hook
# (built here) logs the private scalar of every EC key the programs generate; the fixture keeps them.
#
# Needs root, uftp, uftpd, uftp_keymgt, tcpdump, tshark, gcc + libssl-dev, node.
# Usage: scripts/capture-crypto-sessions.sh [session...]   (default: every session)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEYS="$ROOT/test/fixtures/keys"
OUT=${OUT:-$ROOT/test/fixtures/sessions}   # OUT=/tmp/x tries the script without touching the fixtures
SENT="$OUT/sent-3k.bin"
# shellcheck source=lib/netns.sh
. "$ROOT/scripts/lib/netns.sh"
netns_init "uftpcc$$"   # namespaces srv (198.18.253.1) and cli (198.18.253.2)
SERVER_ID=0x0A0C0C01
CLIENT_ID=0x0A0C0C02

# name | server options | long-term key kind (rsa or ec)
SESSIONS=(
  "aes256gcm-sha256-rsa|-Y aes256-gcm -h sha256 -c|rsa"
  "aes128cbc-sha256-hmac-rsa|-Y aes128-cbc -h sha256 -w hmac|rsa"
  "aes256cbc-sha1-hmac-rsa|-Y aes256-cbc -h sha1 -w hmac -c|rsa"
  "aes128ccm-sha512-rsa|-Y aes128-ccm -h sha512 -c|rsa"
  "3des-sha256-hmac-rsa|-Y 3des -h sha256 -w hmac|rsa"
  "aes128cbc-sha256-keyex-rsa|-Y aes128-cbc -h sha256 -w keyex -c|rsa"
  "ecdh-rsa-aes256gcm-sha256|-e ecdh_rsa -Y aes256-gcm -h sha256 -c|rsa"
  "ecdh-ecdsa-aes128gcm-sha256|-e ecdh_ecdsa -Y aes128-gcm -h sha256 -c|ec"
  "ecdh-ecdsa-aes256cbc-sha384-keyex|-e ecdh_ecdsa -Y aes256-cbc -h sha384 -w keyex -c|ec"
)

make_lab() {
  netns_add srv cli
  netns_pair srv vs 198.18.253.1/24 cli vc 198.18.253.2/24
}

make_keys() {
  mkdir -p "$KEYS" "$OUT"
  local f spec
  for f in server_rsa:rsa:1024 client_rsa:rsa:1024 server_ec:ec:prime256v1 client_ec:ec:prime256v1; do
    spec=${f#*:}
    [ -e "$KEYS/${f%%:*}.pem" ] || /usr/bin/uftp_keymgt -g "$spec" "$KEYS/${f%%:*}.pem" >/dev/null
  done
}

# 3072 deterministic bytes: SHA-256 in counter mode over a fixed label.
make_sent_file() {
  node -e '
    const { createHash } = require("crypto");
    const parts = [];
    for (let i = 0; i < 96; i++) parts.push(createHash("sha256").update(`uftp-ts crypto fixture ${i}`).digest());
    require("fs").writeFileSync(process.argv[1], Buffer.concat(parts));
  ' "$SENT"
}

# Logs "<private scalar hex> <uncompressed public point hex>" for each EC key the program generates.
build_hook() {
  cat >"$WORK/eckey-hook.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/bn.h>
#include <openssl/ec.h>

int EC_KEY_generate_key(EC_KEY *key)
{
    int (*real)(EC_KEY *) = (int (*)(EC_KEY *))dlsym(RTLD_NEXT, "EC_KEY_generate_key");
    int rc = real(key);
    const char *path = getenv("UFTP_EPHEMERAL_LOG");
    if (rc == 1 && path != NULL) {
        FILE *f = fopen(path, "a");
        char *d = BN_bn2hex(EC_KEY_get0_private_key(key));
        char *q = EC_POINT_point2hex(EC_KEY_get0_group(key), EC_KEY_get0_public_key(key),
                                     POINT_CONVERSION_UNCOMPRESSED, NULL);
        if (f != NULL && d != NULL && q != NULL) fprintf(f, "%s %s\n", d, q);
        if (f != NULL) fclose(f);
        OPENSSL_free(d);
        OPENSSL_free(q);
    }
    return rc;
}
EOF
  gcc -shared -fPIC -Wno-deprecated-declarations -o "$WORK/eckey-hook.so" "$WORK/eckey-hook.c" -ldl -lcrypto
}

# Packets of one pcap as JSON beside the session's facts; keeps the first ANNOUNCE only (the rest repeat it).
write_fixture() {
  local name=$1 sopts=$2 kind=$3 dir=$4
  tshark -r "$dir/cap.pcap" -Y udp -T fields -e ip.src -e udp.payload >"$dir/packets.txt"
  node - "$name" "$sopts" "$kind" "$dir" "$OUT/$name.json" <<'EOF'
const fs = require('fs');
const [name, serverOptions, kind, dir, out] = process.argv.slice(2);
const packets = [];
let announces = 0;
for (const line of fs.readFileSync(`${dir}/packets.txt`, 'utf8').split('\n')) {
  const [src, hex] = line.trim().split('\t');
  if (!hex) continue;
  const func = parseInt(hex.slice(2, 4), 16);
  if (func === 1 && announces++ > 0) continue;
  packets.push({ dir: src === '198.18.253.1' ? 'server' : 'client', hex });
}
const readLog = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')) : []);
// The ephemeral keys whose public halves went out in this session's ANNOUNCE and REGISTER.
const ephemeral = {};
for (const [who, log] of [['server', 'server-ec.log'], ['client', 'client-ec.log']]) {
  for (const [d, q] of readLog(`${dir}/${log}`)) {
    const xy = q.slice(2).toLowerCase();
    if (packets.some((p) => p.dir === who && p.hex.includes(xy))) ephemeral[who] = d.toLowerCase();
  }
}
const fixture = {
  about: 'Captured from the real UFTP 4.10.2 uftp (server) and uftpd (client) by scripts/capture-crypto-sessions.sh',
  session: name,
  serverCommand: `uftp -U 0x0A0C0C01 ${serverOptions} -k keys/${kind === 'ec' ? 'server_ec' : 'server_rsa'}.pem sent-3k.bin`,
  serverKey: `${kind === 'ec' ? 'server_ec' : 'server_rsa'}.pem`,
  clientKey: `${kind === 'ec' ? 'client_ec' : 'client_rsa'}.pem`,
  sentFile: 'sent-3k.bin',
  ...(Object.keys(ephemeral).length > 0 ? { ephemeralEcdhScalars: ephemeral } : {}),
  packets,
};
fs.writeFileSync(out, JSON.stringify(fixture, null, 1) + '\n');
console.log(`${name}: ${packets.length} packets${Object.keys(ephemeral).length ? ', ephemeral keys of ' + Object.keys(ephemeral).join('+') : ''}`);
EOF
}

capture() {
  local name=$1 sopts=$2 kind=$3
  local dir="$WORK/$name"
  mkdir -p "$dir/dest"
  capture_start srv vs "$dir/cap.pcap"
  netns_bg "$dir/uftpd.log" ip netns exec "$NETNS_TAG-cli" env LD_PRELOAD="$WORK/eckey-hook.so" \
    UFTP_EPHEMERAL_LOG="$dir/client-ec.log" \
    /usr/bin/uftpd -d -x 2 -U "$CLIENT_ID" -D "$dir/dest" -k "$KEYS/client_rsa.pem,$KEYS/client_ec.pem"
  sleep 1
  # shellcheck disable=SC2086 # the options are a word list on purpose
  (cd "$OUT" && in_ns srv env LD_PRELOAD="$WORK/eckey-hook.so" UFTP_EPHEMERAL_LOG="$dir/server-ec.log" \
    /usr/bin/uftp -x 2 -U "$SERVER_ID" -I vs -R 10000 $sopts -k "$KEYS/$([ "$kind" = ec ] && echo server_ec || echo server_rsa).pem" \
    sent-3k.bin >"$dir/uftp.log" 2>&1) || { cat "$dir/uftp.log" "$dir/uftpd.log" >&2; return 1; }
  netns_stop_all
  if ! cmp -s "$SENT" "$dir/dest/sent-3k.bin"; then
    echo "$name: the real uftpd did not receive the file intact" >&2
    cat "$dir/uftp.log" "$dir/uftpd.log" >&2
    return 1
  fi
  write_fixture "$name" "$sopts" "$kind" "$dir"
}

make_keys
make_sent_file
build_hook
make_lab
for entry in "${SESSIONS[@]}"; do
  IFS='|' read -r name sopts kind <<<"$entry"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  capture "$name" "$sopts" "$kind"
done
