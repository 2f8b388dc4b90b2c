#!/usr/bin/env bash
# Benchmark: `shakewatch inspect` against tshark and tcpdump on one large real capture.
#
# Usage:  npm run bench        (or: bash bench/run.sh)
#
# Builds the agent, records bench/data/capture-<MB>MB.pcap if it is missing (root:
# bench/record-large-capture.sh), then times on that same file, in this same run:
#   shakewatch  dist/apps/agent/main.js inspect FILE --format ndjson > /dev/null
#   tshark      the same per-connection fields, per packet, with sequence analysis
#   tcpdump     tcpdump -r FILE -w /dev/null (a raw read: the floor)
# Each tool runs BENCH_RUNS times (tshark BENCH_TSHARK_RUNS times), interleaved; the median wall
# time counts (CPU time too: wall time suffers when the machine is shared), peak RSS is
# the largest seen (GNU time -v). Prints a table with the
# ratios and targets; writes bench/results/latest.json.
#
# Environment: BENCH_CAPTURE_MB (default 200), BENCH_CAPTURE_FILE, BENCH_RUNS (default 5),
# BENCH_TSHARK_RUNS (default 3), BENCH_SKIP_BUILD=1, BENCH_STRICT=1 (exit 1 when a
# target is missed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MB="${BENCH_CAPTURE_MB:-200}"
FILE="${BENCH_CAPTURE_FILE:-bench/data/capture-${MB}MB.pcap}"
RUNS="${BENCH_RUNS:-5}"
TSHARK_RUNS="${BENCH_TSHARK_RUNS:-3}"
RESULTS=bench/results/latest.json

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

for tool in node tshark tcpdump capinfos; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (apt-get install -y tshark tcpdump)"
done
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time (for peak RSS)"
  command -v apt-get >/dev/null 2>&1 || die "/usr/bin/time missing and no apt-get: install GNU time"
  apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; } || die "apt-get install time failed"
fi

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the agent"
  node tools/build.mjs agent >/dev/null
fi
[[ -f dist/apps/agent/main.js ]] || die "dist/apps/agent/main.js missing: node tools/build.mjs agent"

if [[ ! -f "$FILE" ]]; then
  log "no $FILE yet: recording it"
  BENCH_CAPTURE_MB="$MB" BENCH_CAPTURE_FILE="$FILE" bash bench/record-large-capture.sh
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/swb-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

log "counting packets and connections in $FILE"
cat "$FILE" >/dev/null # page cache: every tool reads from memory
PACKETS=$(capinfos -c -M "$FILE" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
[[ "$PACKETS" =~ ^[0-9]+$ ]] || die "capinfos gave no packet count for $FILE"
CONNECTIONS=$(dist/apps/agent/main.js inspect "$FILE" --format ndjson | wc -l)

SHAKEWATCH=(dist/apps/agent/main.js inspect "$FILE" --format ndjson)
TSHARK=(tshark -r "$FILE" -n -o tcp.analyze_sequence_numbers:TRUE -T fields -e tcp.stream -e ip.src -e ipv6.src
  -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags.str -e tcp.analysis.initial_rtt -e frame.time_epoch -Y tcp)
TCPDUMP=(tcpdump -r "$FILE" -w /dev/null)

# run_once NAME I RUNS CMD...: one run, one line appended to $TMP/NAME ("wall_us peak_rss_kb cpu_seconds").
run_once() {
  local name=$1 i=$2 runs=$3 t0 t1 rss cpu
  shift 3
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$TMP/time.txt" "$@" >/dev/null 2>"$TMP/stderr.txt" || die "$name failed: $(tail -3 "$TMP/stderr.txt")"
  t1=$(date +%s%N)
  rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$TMP/time.txt")
  cpu=$(awk -F: '/(User|System) time \(seconds\)/ { t += $2 } END { print t }' "$TMP/time.txt")
  echo "$(((t1 - t0) / 1000)) $rss $cpu" >>"$TMP/$name"
  log "$name run $i/$runs: $(awk '{ printf "%.3f s wall, %.2f s cpu, %.1f MiB", $1 / 1e6, $3, $2 / 1024 }' <<<"$(tail -1 "$TMP/$name")")"
}

# Rounds, the tools interleaved (shakewatch, tcpdump, then tshark while it has runs left):
# on a shared machine the load drifts over a minute, and each round sees the same load.
: >"$TMP/shakewatch"
: >"$TMP/tcpdump"
: >"$TMP/tshark"
ROUNDS=$((RUNS > TSHARK_RUNS ? RUNS : TSHARK_RUNS))
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round <= RUNS)); then
    run_once shakewatch "$round" "$RUNS" "${SHAKEWATCH[@]}"
    run_once tcpdump "$round" "$RUNS" "${TCPDUMP[@]}"
  fi
  if ((round <= TSHARK_RUNS)); then run_once tshark "$round" "$TSHARK_RUNS" "${TSHARK[@]}"; fi
done

mkdir -p "$(dirname "$RESULTS")"
node - "$TMP" "$FILE" "$PACKETS" "$CONNECTIONS" "$RESULTS" <<'EOF'
const fs = require('fs');
const os = require('os');
const { execFileSync } = require('child_process');
const [tmp, file, packets, connections, out] = process.argv.slice(2);
const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const tool = (name) => {
  const runs = fs.readFileSync(`${tmp}/${name}`, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
  const wall = median(runs.map((r) => r[0])) / 1e6;
  return {
    runs: runs.map(([us, kb, cpu]) => ({ wall_seconds: us / 1e6, cpu_seconds: cpu, peak_rss_mib: kb / 1024 })),
    wall_seconds: wall,
    cpu_seconds: median(runs.map((r) => r[2])),
    packets_per_second: Number(packets) / wall,
    peak_rss_mib: Math.max(...runs.map((r) => r[1])) / 1024,
  };
};
const tools = { shakewatch: tool('shakewatch'), tshark: tool('tshark'), tcpdump: tool('tcpdump') };
const ratios = {
  shakewatch_over_tshark_pps: tools.shakewatch.packets_per_second / tools.tshark.packets_per_second,
  tcpdump_over_shakewatch_pps: tools.tcpdump.packets_per_second / tools.shakewatch.packets_per_second,
  shakewatch_peak_rss_mib: tools.shakewatch.peak_rss_mib,
};
const targets = {
  shakewatch_over_tshark_pps: { min: 15, met: ratios.shakewatch_over_tshark_pps >= 15 },
  tcpdump_over_shakewatch_pps: { max: 3, met: ratios.tcpdump_over_shakewatch_pps <= 3 },
  shakewatch_peak_rss_mib: { max: 120, met: ratios.shakewatch_peak_rss_mib < 120 },
};
const result = {
  date: new Date().toISOString(),
  commit: sh('git', ['rev-parse', '--short', 'HEAD']),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(), node: process.version, load_average_1m: +os.loadavg()[0].toFixed(2),
    tshark: (sh('tshark', ['--version']) ?? '').split('\n')[0], tcpdump: (sh('tcpdump', ['--version']) ?? '').split('\n')[0],
  },
  capture: { file, bytes: fs.statSync(file).size, packets: Number(packets), connections: Number(connections) },
  tools, ratios, targets,
};
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

const n = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const c = result.capture;
console.log(`\ncapture ${c.file}: ${n(c.bytes / 1e6, 1)} MB, ${n(c.packets)} packets, ${n(c.connections)} TCP connections`);
console.log(`machine: ${result.machine.cpu}, ${result.machine.cores} cores, node ${result.machine.node}, load average ${result.machine.load_average_1m}\n`);
console.log('tool         wall (s)    packets/s    cpu (s)   peak RSS (MiB)');
for (const [name, t] of Object.entries(tools)) {
  console.log(`${name.padEnd(10)} ${n(t.wall_seconds, 3).padStart(10)} ${n(t.packets_per_second).padStart(12)} ${n(t.cpu_seconds, 2).padStart(10)} ${n(t.peak_rss_mib, 1).padStart(16)}`);
}
const ok = (m) => (m ? 'ok' : 'MISSED');
console.log('');
console.log(`shakewatch pps / tshark pps   ${n(ratios.shakewatch_over_tshark_pps, 1).padStart(7)}x   target >= 15x    ${ok(targets.shakewatch_over_tshark_pps.met)}`);
console.log(`tcpdump pps / shakewatch pps  ${n(ratios.tcpdump_over_shakewatch_pps, 2).padStart(7)}x   target <= 3x     ${ok(targets.tcpdump_over_shakewatch_pps.met)}`);
console.log(`shakewatch peak memory        ${n(ratios.shakewatch_peak_rss_mib, 1).padStart(7)} MiB target < 120 MiB ${ok(targets.shakewatch_peak_rss_mib.met)}`);
console.log(`\nwrote ${out}`);
process.exitCode = process.env.BENCH_STRICT === '1' && !Object.values(targets).every((t) => t.met) ? 1 : 0;
EOF
