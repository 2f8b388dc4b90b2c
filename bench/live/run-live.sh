#!/usr/bin/env bash
# Live-path benchmark, two scenarios, each run with every capturing tool (LIVE_TOOLS: the
# agent with its flow bypass, the agent with --no-bypass, tcpdump -w /dev/null) in turn:
#
# - handshake: the highest rate of new TLS connections per second the agent captures at
#   zero kernel drops, its CPU share next to tcpdump's on the same traffic, and its CPU per
#   new TLS connection with the bypass on and off;
# - bulk: long TLS downloads filling the veth with a churn of new TLS connections beside
#   them, where the bypass drops the downloads' segments in C; targets: zero kernel drops
#   wherever tcpdump has none, agent CPU at most 2x tcpdump's.
#
# Usage:  npm run bench:live        (or: bash bench/live/run-live.sh; root; about 4 minutes)
#
# Two throw-away network namespaces, swlb-srv (10.89.0.1) and swlb-cli (10.89.0.2),
# joined by a veth pair and nothing else (no route out, IPv6 off, offloads off so
# segments are wire-sized), removed on exit. In swlb-srv: a Node TLS server
# (bench/live/tls-server.mjs, self-signed ECDSA P-256 certificate made by openssl for the
# run): a small response per connection, or for `GET /bulk` data until the client closes.
# In swlb-cli, the load: bench/live/tls-load.mjs (N new connections per second spread
# evenly, each a full handshake, one small request, the response, a close) and, for the
# bulk scenario, bench/live/bulk-load.mjs (LIVE_BULK_CONNECTIONS downloads read for
# LIVE_SECONDS) beside tls-load.mjs at LIVE_BULK_CHURN connections/s.
# Handshake: for each offered rate (LIVE_RATES) and each tool, one after the other on the
# server's veth: start the capturer, warm up (LIVE_WARMUP_SECONDS, not measured), offer
# the rate for LIVE_SECONDS, read the capturer's CPU time and the interface's packet
# count, stop it (SIGTERM) and read its packet and drop counts (the agent's bypass
# counters too). Bulk, after it: each tool once, the same steps with the bulk traffic.
# bench/live/live-steps.mjs does the steps, prints the tables and the verdicts, and writes
# bench/results/live-latest.json (gitignored). Results: bench/README.md, "Live path".
#
# Environment:
#   LIVE_RATES            offered connections/s, default 250,500,1000,1500,2000,3000,4000
#                         (stops after the first rate the load generator cannot reach)
#   LIVE_SECONDS          measured seconds per run, default 10
#   LIVE_WARMUP_SECONDS   unmeasured traffic at 500/s first (the agent's JIT warms up), default 3
#   LIVE_BUFFER_MIB       kernel buffer for both tools (agent SHAKEWATCH_AGENT_BUFFER_MIB,
#                         tcpdump -B in KiB), default 32 (the agent's default)
#   LIVE_TOOLS            default agent,agent-nobypass,tcpdump (also: tcpdump-immediate)
#   LIVE_SCENARIOS        default handshake,bulk
#   LIVE_BULK_CONNECTIONS long downloads in the bulk scenario, default 4
#   LIVE_BULK_CHURN       new short TLS connections/s beside them, default 100
#   LIVE_LOAD_WORKERS     client processes, default 2; LIVE_SERVER_WORKERS default 1
#   LIVE_CAPTURE_CPUS, LIVE_TRAFFIC_CPUS   taskset CPU lists (default: no pinning)
#   LIVE_AGENT_VARIANTS   A/B of agent builds: "name=path,..." adds a tool agent-NAME per
#                         build, run like `agent` (list them in LIVE_TOOLS)
#   LIVE_SKIP_BUILD=1, LIVE_STRICT=1 (exit 1 when a target of either scenario is missed)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
NS_SRV=swlb-srv
NS_CLI=swlb-cli
IF_SRV=swlb-srv0
IF_CLI=swlb-cli0
IP_SRV=10.89.0.1
IP_CLI=10.89.0.2
PORT=8443

log() { printf '[live] %s\n' "$*" >&2; }
die() { printf '[live] ERROR: %s\n' "$*" >&2; exit 1; }

[[ ${EUID} -eq 0 ]] || die "must run as root (network namespaces, packet capture)"
for tool in ip tcpdump node openssl ethtool sysctl; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (apt-get install -y iproute2 tcpdump openssl ethtool procps)"
done
if [[ -n "${LIVE_CAPTURE_CPUS:-}${LIVE_TRAFFIC_CPUS:-}" ]]; then
  command -v taskset >/dev/null 2>&1 || die "LIVE_*_CPUS needs taskset (util-linux)"
fi
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY || true

if [[ "${LIVE_SKIP_BUILD:-0}" != 1 ]]; then
  log "building (agent and the libpcap binding)"
  npm run build --silent >/dev/null 2>&1 || die "npm run build failed"
fi
[[ -f dist/apps/agent/main.js ]] || die "dist/apps/agent/main.js missing: npm run build"
[[ -f libs/pcap/build/Release/shakewatch_pcap.node || -n "${SHAKEWATCH_PCAP_ADDON:-}" ]] || die "libs/pcap addon missing: npm install (builds it) or npm run build"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/swlb-live.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  ip netns del "$NS_CLI" 2>/dev/null || true
  ip netns del "$NS_SRV" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=../lib-netns.sh
source "$ROOT/bench/lib-netns.sh"
log "namespaces $NS_SRV ($IP_SRV) <-> $NS_CLI ($IP_CLI), veth $IF_SRV <-> $IF_CLI"
bench_netns_up 8192

bench_certificate "$WORK" live.shakewatch.test 2

PIN_TRAFFIC=()
[[ -n "${LIVE_TRAFFIC_CPUS:-}" ]] && PIN_TRAFFIC=(taskset -c "$LIVE_TRAFFIC_CPUS")
ip netns exec "$NS_SRV" "${PIN_TRAFFIC[@]}" node bench/live/tls-server.mjs "$IP_SRV" "$PORT" "$WORK/key.pem" "$WORK/cert.pem" "${LIVE_SERVER_WORKERS:-1}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q 'server ready' "$WORK/server.log" && break; sleep 0.1; done
grep -q 'server ready' "$WORK/server.log" || die "TLS server did not start: $(cat "$WORK/server.log")"

META=$(node -e 'console.log(JSON.stringify({ namespaces: process.argv[1], serverWorkers: Number(process.argv[2]), offloads: "tso gso gro off", tls: "TLS 1.3 (Node defaults: X25519, TLS_AES_256_GCM_SHA384), ECDSA P-256 certificate, full handshakes, no resumption", loadAverageAtStart: require("os").loadavg()[0] }))' \
  "$NS_SRV ($IP_SRV) <-> $NS_CLI ($IP_CLI)" "${LIVE_SERVER_WORKERS:-1}")

LIVE_NS_SRV="$NS_SRV" LIVE_NS_CLI="$NS_CLI" LIVE_IF="$IF_SRV" LIVE_SERVER_IP="$IP_SRV" LIVE_PORT="$PORT" \
  LIVE_TOOLS="${LIVE_TOOLS:-agent,agent-nobypass,tcpdump}" LIVE_META="$META" \
  node bench/live/live-steps.mjs
