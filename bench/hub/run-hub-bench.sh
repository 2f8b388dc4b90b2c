#!/usr/bin/env bash
# The hub under a fleet: AGENTS simulated agents (real WebSocket clients in two load
# processes, typical snapshots every INTERVAL seconds) against one real hub on loopback.
# Measures the hub's CPU (share of one core, from /proc over a steady window), its peak
# memory (VmHWM), and the time and size of a /metrics scrape, next to the same series
# rendered by prom-client's own Registry (the baseline) in the same run.
#
# Usage: npm run bench:hub   (AGENTS=1000 INTERVAL=5 WINDOW=30 by default; BENCH_SKIP_BUILD=1)
# Targets (issue 9): scrape < 250 ms, hub < 0.5 core, hub < 512 MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
AGENTS=${AGENTS:-1000}; INTERVAL=${INTERVAL:-5}; WINDOW=${WINDOW:-30}
log() { printf '[bench:hub] %s\n' "$*" >&2; }
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || npm run build --silent >/dev/null
work=$(mktemp -d /tmp/shakewatch-hubbench.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

openssl rand -hex 24 > "$work/token"
echo "$(dist/apps/hub/main.js hash-token < "$work/token") bench-*" > "$work/tokens"
SHAKEWATCH_HUB_HOST=127.0.0.1 SHAKEWATCH_HUB_PORT=0 SHAKEWATCH_HUB_TOKENS_FILE="$work/tokens" \
  SHAKEWATCH_HUB_LOG_LEVEL=info node dist/apps/hub/main.js > "$work/hub.log" 2>&1 & hub=$!; pids+=($hub)
for _ in $(seq 1 100); do grep -q '"hub listening"' "$work/hub.log" && break; sleep 0.1; done
port=$(grep -o '"port":[0-9]*' "$work/hub.log" | head -1 | cut -d: -f2)
[ -n "$port" ] || { cat "$work/hub.log" >&2; exit 1; }
log "hub pid $hub on port $port; starting $AGENTS agents in two load processes"
half=$((AGENTS / 2))
duration=$((WINDOW + 60))
node bench/hub/load-agents.mjs "ws://127.0.0.1:$port/ingest" "$work/token" 0 "$half" "$INTERVAL" "$duration" > "$work/load1.json" 2> "$work/load1.log" & pids+=($!)
node bench/hub/load-agents.mjs "ws://127.0.0.1:$port/ingest" "$work/token" "$half" "$((AGENTS - half))" "$INTERVAL" "$duration" > "$work/load2.json" 2> "$work/load2.log" & pids+=($!)

metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
for _ in $(seq 1 120); do [ "$(metric shakewatch_hub_connected_agents)" = "$AGENTS" ] && break; sleep 0.5; done
[ "$(metric shakewatch_hub_connected_agents)" = "$AGENTS" ] || { log "only $(metric shakewatch_hub_connected_agents) agents connected"; tail -5 "$work"/load*.log "$work/hub.log" >&2; exit 1; }
log "all $AGENTS connected; warming up for $((2 * INTERVAL)) s"
sleep $((2 * INTERVAL))

ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$hub/stat"; }
c0=$(cpu); t0=$(date +%s.%N)
log "measuring CPU over $WINDOW s, with a scrape every 5 s"
scrapes=()
end=$(( $(date +%s) + WINDOW ))
while [ "$(date +%s)" -lt "$end" ]; do
  scrapes+=("$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "http://127.0.0.1:$port/metrics")")
  sleep 5
done
c1=$(cpu); t1=$(date +%s.%N)
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$hub/status")
series=$(metric shakewatch_hub_scrape_series)
baseline=$(node bench/hub/prom-client-baseline.mjs "$AGENTS")
node - "$c0" "$c1" "$t0" "$t1" "$ticks" "$hwm" "$series" "$baseline" "${scrapes[@]}" <<'JS'
const [c0, c1, t0, t1, ticks, hwmKiB, series, baseline, ...scrapes] = process.argv.slice(2);
const core = (Number(c1) - Number(c0)) / Number(ticks) / (Number(t1) - Number(t0));
const times = scrapes.map((s) => Number(s.split(' ')[0]) * 1000).sort((a, b) => a - b);
const bytes = Number(scrapes[0].split(' ')[1]);
const base = JSON.parse(baseline);
const median = times[Math.floor(times.length / 2)];
const rows = [
  ['hub CPU (cores, steady)', core.toFixed(3), '< 0.5', core < 0.5],
  ['hub peak RSS (MiB)', (Number(hwmKiB) / 1024).toFixed(0), '< 512', Number(hwmKiB) / 1024 < 512],
  ['/metrics scrape, median of ' + times.length + ' (ms, curl total)', median.toFixed(1), '< 250', median < 250],
  ['/metrics size (MB)', (bytes / 1e6).toFixed(2), '', true],
  ['agent series in it', series, '', true],
  ['prom-client registry.metrics(), same series (ms, median of 5)', base.medianMs.toFixed(1), 'baseline', true],
  ['prom-client output (MB)', (base.bytes / 1e6).toFixed(2), '', true],
  ['prom-client / hub scrape time', (base.medianMs / median).toFixed(1) + 'x', '', true],
];
for (const [k, v, t, ok] of rows) console.log(`${k.padEnd(62)} ${String(v).padStart(10)}  ${t}${t && !ok ? '  MISSED' : ''}`);
JS
log "load processes: $(cat "$work/load1.log" | tail -1); $(cat "$work/load2.log" | tail -1)"
