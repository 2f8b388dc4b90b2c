#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, then start a hub and an
# agent capturing live, make real traffic, and print the hub's /metrics lines it produced.
#
#   this host (root namespace)                         namespace "swdemo"
#   hub on 127.0.0.1:$PORT  <-- agent captures swdemo0 (10.96.0.1) <--veth--> 10.96.0.2: servers
#
# Outbound traffic (curl here -> the namespace's servers): HTTP, TLS 1.2, TLS 1.3, a refused
# port, a server that resets; inbound (curl in the namespace -> a server here): HTTP.
# Everything it starts is stopped at the end, also on Ctrl-C or failure.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "demo: live capture and network namespaces need root (run with sudo)" >&2; exit 1; }
bash scripts/install-system-deps.sh
[ -d node_modules ] || npm install --no-audit --no-fund  # from the lock file; see README on npm ci
npm run build --silent >/dev/null

PORT=${SHAKEWATCH_DEMO_PORT:-9464}
NS=swdemo; HOST_IF=swdemo0; PEER_IF=swdemo1; HOST_IP=10.96.0.1; PEER_IP=10.96.0.2
work=$(mktemp -d /tmp/shakewatch-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
step() { echo "== $*" >&2; }

step "a namespace with servers, joined to this host by a veth ($HOST_IP <-> $PEER_IP)"
ip netns del "$NS" 2>/dev/null || true; ip link del "$HOST_IF" 2>/dev/null || true
ip netns add "$NS"
ip link add "$HOST_IF" type veth peer name "$PEER_IF" netns "$NS"
ip addr add "$HOST_IP/24" dev "$HOST_IF"; ip link set "$HOST_IF" up
ip -n "$NS" addr add "$PEER_IP/24" dev "$PEER_IF"; ip -n "$NS" link set "$PEER_IF" up; ip -n "$NS" link set lo up
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 -subj /CN=shakewatch.demo 2>/dev/null
ip netns exec "$NS" node scripts/demo/servers.js "$PEER_IP" "$work" > "$work/servers-ns.log" 2>&1 & pids+=($!)
node scripts/demo/servers.js "$HOST_IP" "$work" > "$work/servers-host.log" 2>&1 & pids+=($!)
wait_for() { for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "demo: timed out waiting for $2 in $1:" >&2; cat "$1" >&2; exit 1; }
wait_for "$work/servers-ns.log" ready; wait_for "$work/servers-host.log" ready

step "a hub on 127.0.0.1:$PORT, with one agent token (the hub keeps only its hash)"
openssl rand -hex 24 > "$work/agent.token"; chmod 600 "$work/agent.token"
echo "$(dist/apps/hub/main.js hash-token < "$work/agent.token") demo-*" > "$work/hub-tokens"
SHAKEWATCH_HUB_HOST=127.0.0.1 SHAKEWATCH_HUB_PORT=$PORT SHAKEWATCH_HUB_TOKENS_FILE="$work/hub-tokens" \
  dist/apps/hub/main.js > "$work/hub.log" 2>&1 & pids+=($!)
wait_for "$work/hub.log" '"hub listening"'

step "an agent capturing $HOST_IF live, publishing to the hub every second"
dist/apps/agent/main.js run -i "$HOST_IF" --hub "ws://127.0.0.1:$PORT/ingest" --token-file "$work/agent.token" \
  --agent-id demo-host --interval-seconds 1 > "$work/agent.log" 2>&1 & agent=$!; pids+=($agent)
wait_for "$work/agent.log" '"connected to hub"'

step "real traffic: HTTP x3, TLS 1.2, TLS 1.3, a refused port, a reset (outbound); HTTP x2 (inbound)"
c() { curl -s -o /dev/null --max-time 5 "$@" || true; }
for i in 1 2 3; do c "http://$PEER_IP:8080/$i"; done
c -k --tls-max 1.2 "https://$PEER_IP:8443/"
c -k --tlsv1.3 "https://$PEER_IP:8443/"
c "http://$PEER_IP:9/refused"
c "http://$PEER_IP:8081/reset"
for i in 1 2; do ip netns exec "$NS" curl -s -o /dev/null --max-time 5 "http://$HOST_IP:8080/$i" || true; done

step "the agent stops (SIGTERM): it flushes every connection and sends its final snapshot"
kill -TERM "$agent"; wait "$agent" || { echo "demo: the agent exited with an error:" >&2; cat "$work/agent.log" >&2; exit 1; }

step "curl http://127.0.0.1:$PORT/metrics  (the agent's series without histogram buckets and zero counters; the hub's own health)"
curl -s "http://127.0.0.1:$PORT/metrics" > "$work/metrics.txt"
grep -q 'agent="demo-host"' "$work/metrics.txt" || { echo "demo: the hub shows no agent series" >&2; cat "$work/hub.log" >&2; exit 1; }
grep -E '^shakewatch_(tcp_|tls_|capture_packets|capture_dropped)' "$work/metrics.txt" | grep -v -e '_bucket{' -e ' 0$'
grep -E '^shakewatch_(agent_up|agent_info|hub_connected_agents|hub_messages_accepted_total)' "$work/metrics.txt"
