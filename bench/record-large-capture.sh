#!/usr/bin/env bash
# Record ONE large capture of real TCP/TLS traffic for the benchmark.
#
# Usage:  bash bench/record-large-capture.sh            (root: namespaces, capture)
#
# Two throw-away network namespaces, swb-srv (10.88.0.1) and swb-cli (10.88.0.2),
# joined by a veth pair and nothing else: no route out, IPv6 off, so every packet is
# between the two addresses. In them: Node HTTP/HTTPS/echo servers (self-signed ECDSA
# certificate made by openssl), Node clients opening tens of thousands of short
# connections (plain, keep-alive, TLS new and resumed, refused, reset by either side,
# half-closed) plus paced bulk downloads, and a curl loop. tcpdump records on the
# server's veth until the file reaches the target size. Offloads are turned off so the
# capture holds wire-sized segments, as a capture on a real NIC would.
#
# Environment:
#   BENCH_CAPTURE_MB     target size in MB (10^6 bytes), default 200
#   BENCH_CAPTURE_FILE   output, default bench/data/capture-<MB>MB.pcap
#   BENCH_MAX_SECONDS    give up waiting after this long (keeps what was recorded), default 600
#   BENCH_CONCURRENCY, BENCH_BULK_BYTES, BENCH_BULK_EVERY   see bench/traffic/clients.mjs
#
# Writes <file> and <file>.json (what the clients did). A partial recording is never
# left under the final name. Namespaces and processes are removed on exit (trap).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET_MB="${BENCH_CAPTURE_MB:-200}"
OUT="${BENCH_CAPTURE_FILE:-${BENCH_DIR}/data/capture-${TARGET_MB}MB.pcap}"
MAX_SECONDS="${BENCH_MAX_SECONDS:-600}"
NS_SRV=swb-srv
NS_CLI=swb-cli
IF_SRV=swb-srv0
IF_CLI=swb-cli0
IP_SRV=10.88.0.1
IP_CLI=10.88.0.2

log() { printf '[record] %s\n' "$*" >&2; }
die() { printf '[record] ERROR: %s\n' "$*" >&2; exit 1; }

[[ ${EUID} -eq 0 ]] || die "must run as root (network namespaces, packet capture)"
[[ "${TARGET_MB}" =~ ^[0-9]+$ && "${TARGET_MB}" -gt 0 ]] || die "BENCH_CAPTURE_MB must be a positive integer (got '${TARGET_MB}')"
for tool in ip tcpdump node openssl curl ethtool sysctl; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (apt-get install -y iproute2 tcpdump curl openssl ethtool procps)"
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY || true

TARGET_BYTES=$((TARGET_MB * 1000000))
mkdir -p "$(dirname "$OUT")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/swb-record.XXXXXX")"
PARTIAL="${OUT}.partial"
PIDS=()

# shellcheck source=lib-netns.sh
source "$BENCH_DIR/lib-netns.sh"
trap bench_record_cleanup EXIT
trap 'exit 130' INT TERM
log "namespaces $NS_SRV ($IP_SRV) <-> $NS_CLI ($IP_CLI)"
bench_netns_up 4096

bench_certificate "$WORK" bench.shakewatch.test 30

ip netns exec "$NS_SRV" node "$BENCH_DIR/traffic/servers.mjs" "$IP_SRV" "$WORK/key.pem" "$WORK/cert.pem" >"$WORK/servers.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q 'servers ready' "$WORK/servers.log" && break; sleep 0.1; done
grep -q 'servers ready' "$WORK/servers.log" || die "servers did not start: $(cat "$WORK/servers.log")"

rm -f "$PARTIAL"
ip netns exec "$NS_SRV" tcpdump -i "$IF_SRV" -n -s 0 -B 65536 -w "$PARTIAL" "host $IP_SRV and host $IP_CLI" 2>"$WORK/tcpdump.log" &
TCPDUMP_PID=$!
PIDS+=($TCPDUMP_PID)
for _ in $(seq 100); do grep -q 'listening on' "$WORK/tcpdump.log" && break; sleep 0.1; done
grep -q 'listening on' "$WORK/tcpdump.log" || die "tcpdump did not start: $(cat "$WORK/tcpdump.log")"

log "traffic until ${OUT##*/} reaches ${TARGET_MB} MB (at most ${MAX_SECONDS}s)"
ip netns exec "$NS_CLI" node "$BENCH_DIR/traffic/clients.mjs" "$IP_SRV" "$WORK/clients.json" 2>"$WORK/clients.log" &
CLIENTS_PID=$!
PIDS+=($CLIENTS_PID)
# A few hundred connections from curl too (another client, its own TLS stack use).
ip netns exec "$NS_CLI" bash -c "while :; do
  curl -s -o /dev/null 'http://$IP_SRV:8080/' 'http://$IP_SRV:8080/api?n=2000';
  curl -sk -o /dev/null --tlsv1.2 --tls-max 1.2 'https://$IP_SRV:8443/';
  curl -sk -o /dev/null 'https://$IP_SRV:8443/api?n=9000';
  curl -s -o /dev/null --connect-timeout 1 'http://$IP_SRV:8081/';
  sleep 0.2; done" >/dev/null 2>&1 &
PIDS+=($!)

start=$SECONDS
size=0
while :; do
  size=$(stat -c %s "$PARTIAL" 2>/dev/null || echo 0)
  ((size >= TARGET_BYTES)) && break
  if ((SECONDS - start >= MAX_SECONDS)); then
    log "WARNING: stopped after ${MAX_SECONDS}s at $((size / 1000000)) MB (target ${TARGET_MB} MB)"
    break
  fi
  kill -0 "$TCPDUMP_PID" 2>/dev/null || die "tcpdump exited: $(cat "$WORK/tcpdump.log")"
  kill -0 "$CLIENTS_PID" 2>/dev/null || die "clients exited: $(cat "$WORK/clients.log")"
  sleep 0.2
done
elapsed=$((SECONDS - start))

# Clients first (they write their stats), then let the last packets land, then tcpdump.
kill -TERM "$CLIENTS_PID"
wait "$CLIENTS_PID" 2>/dev/null || true
sleep 0.5
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" 2>/dev/null || true
grep -E 'packets (captured|received|dropped)' "$WORK/tcpdump.log" | sed 's/^/[record] tcpdump: /' >&2 || true

size=$(stat -c %s "$PARTIAL")
node -e '
  const fs = require("fs");
  const [statsFile, out, elapsed, size, tcpdumpLog] = process.argv.slice(1);
  const s = JSON.parse(fs.readFileSync(statsFile, "utf8"));
  const m = (re) => Number((fs.readFileSync(tcpdumpLog, "utf8").match(re) || [])[1] ?? NaN);
  s.recordSeconds = Number(elapsed);
  s.bytes = Number(size);
  s.tcpdump = { captured: m(/(\d+) packets? captured/), droppedByKernel: m(/(\d+) packets? dropped by kernel/) };
  fs.writeFileSync(out + ".json", JSON.stringify(s, null, 2) + "\n");
' "$WORK/clients.json" "$OUT" "$elapsed" "$size" "$WORK/tcpdump.log"
mv "$PARTIAL" "$OUT"
log "wrote $OUT ($((size / 1000000)) MB in ${elapsed}s) and ${OUT##*/}.json"
