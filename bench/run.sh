#!/usr/bin/env bash
# Benchmark: `shakewatch inspect` against the analyzers a user would run instead, on two
# real captures (issue 12, section 2).
#
# Usage:  npm run bench        (or: bash bench/run.sh)
#
# Builds the agent, records the captures that are missing (root), then times, on each
# capture, in this same run, in interleaved rounds:
#   shakewatch  AGENT inspect FILE --format ndjson > /dev/null
#   ndpiReader  ndpiReader -i FILE -q   (nDPI: flows, TLS SNI/JA3/cipher/certificate; -q prints nothing)
#   tcptrace    tcptrace -n -l FILE     (per-connection TCP statistics, long output)
#   tshark      the same per-connection fields, per packet, with sequence analysis
#   tcpdump     tcpdump -r FILE -w /dev/null (a raw read: the floor)
# The captures (BENCH_CAPTURES, default "mixed tls"):
#   mixed  bench/data/capture-<MB>MB.pcap, made by bench/record-large-capture.sh: HTTP,
#          HTTPS, refused, resets, bulk (36k connections, 470k packets at 200 MB)
#   tls    /tmp/shakewatch-bench/capture-tls.pcap, made by bench/record-tls-capture.sh:
#          4,000 full TLS 1.2/1.3 handshakes with a certificate and tens of KB each, 500 refused
# Each tool runs BENCH_RUNS times per capture (tshark BENCH_TSHARK_RUNS times), the tools
# interleaved round by round; the median wall time and the median CPU time (user + system)
# count, peak RSS is the largest seen (GNU time -v). Prints a table per capture with the
# ratios against shakewatch and issue 12's targets, `uptime` at the start and the end;
# writes bench/results/latest.json. ndpiReader, tcptrace and GNU time are installed with
# apt-get when missing (here only: not by scripts/install-system-deps.sh).
#
# Environment: BENCH_CAPTURES (default "mixed tls"), BENCH_CAPTURE_MB (default 200),
# BENCH_CAPTURE_FILE (the mixed capture), BENCH_TLS_CAPTURE_FILE (the TLS one),
# BENCH_RUNS (default 5), BENCH_TSHARK_RUNS (default 3), BENCH_SKIP_BUILD=1,
# SHAKEWATCH_AGENT_BIN (the agent bundle to time, default dist/apps/agent/main.js, built
# here unless BENCH_SKIP_BUILD=1; when set, nothing is built), BENCH_STRICT=1 (exit 1 when
# a target is missed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MB="${BENCH_CAPTURE_MB:-200}"
MIXED_FILE="${BENCH_CAPTURE_FILE:-bench/data/capture-${MB}MB.pcap}"
TLS_FILE="${BENCH_TLS_CAPTURE_FILE:-/tmp/shakewatch-bench/capture-tls.pcap}"
read -r -a CAPTURES <<<"${BENCH_CAPTURES:-mixed tls}"
RUNS="${BENCH_RUNS:-5}"
TSHARK_RUNS="${BENCH_TSHARK_RUNS:-3}"
AGENT="${SHAKEWATCH_AGENT_BIN:-dist/apps/agent/main.js}"
AGENT_OVERRIDDEN="${SHAKEWATCH_AGENT_BIN:+1}"
# The agent refuses SHAKEWATCH_AGENT_* variables it does not know: this one is ours only.
unset SHAKEWATCH_AGENT_BIN
RESULTS=bench/results/latest.json

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$RUNS" =~ ^[1-9][0-9]*$ && "$TSHARK_RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS and BENCH_TSHARK_RUNS must be positive integers"
((${#CAPTURES[@]} > 0)) || die "BENCH_CAPTURES is empty (mixed, tls)"
for c in "${CAPTURES[@]}"; do [[ "$c" == mixed || "$c" == tls ]] || die "unknown capture '$c' in BENCH_CAPTURES (mixed, tls)"; done

for tool in node tshark tcpdump capinfos; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (apt-get install -y tshark tcpdump)"
done
# apt_install PACKAGE WHAT: install a Debian package this benchmark needs (bench only).
apt_install() {
  log "installing $1 ($2)"
  command -v apt-get >/dev/null 2>&1 || die "$1 missing and no apt-get: install $1"
  ((EUID == 0)) || die "$1 missing: apt-get install -y $1 (as root)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >/dev/null ||
    { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >/dev/null; } ||
    die "apt-get install $1 failed"
}
[[ -x /usr/bin/time ]] || apt_install time "GNU time, for CPU time and peak RSS"
command -v ndpiReader >/dev/null 2>&1 || apt_install libndpi-bin "ndpiReader"
command -v tcptrace >/dev/null 2>&1 || apt_install tcptrace "tcptrace"

if [[ -n "$AGENT_OVERRIDDEN" ]]; then
  log "agent: $AGENT (SHAKEWATCH_AGENT_BIN, not built here)"
elif [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the agent"
  node tools/build.mjs agent >/dev/null
fi
[[ -f "$AGENT" ]] || die "$AGENT missing: node tools/build.mjs agent (or set SHAKEWATCH_AGENT_BIN)"
# As an executable its shebang's Node flags apply (--max-semi-space-size=2, see README).
if [[ -x "$AGENT" ]]; then AGENT_CMD=("$AGENT"); else AGENT_CMD=(node "$AGENT"); fi

for c in "${CAPTURES[@]}"; do
  if [[ "$c" == mixed && ! -f "$MIXED_FILE" ]]; then
    log "no $MIXED_FILE yet: recording it"
    BENCH_CAPTURE_MB="$MB" BENCH_CAPTURE_FILE="$MIXED_FILE" bash bench/record-large-capture.sh
  elif [[ "$c" == tls && ! -f "$TLS_FILE" ]]; then
    log "no $TLS_FILE yet: recording it"
    BENCH_TLS_CAPTURE_FILE="$TLS_FILE" bash bench/record-tls-capture.sh
  fi
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/swb-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

UPTIME_START="$(uptime)"
log "start: $UPTIME_START"

# run_once FILE NAME I RUNS CMD...: one run, one line appended to FILE ("wall_us peak_rss_kb cpu_seconds").
run_once() {
  local out=$1 name=$2 i=$3 runs=$4 t0 t1 rss cpu
  shift 4
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$TMP/time.txt" "$@" >/dev/null 2>"$TMP/stderr.txt" || die "$name failed: $(tail -3 "$TMP/stderr.txt")"
  t1=$(date +%s%N)
  rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$TMP/time.txt")
  cpu=$(awk -F: '/(User|System) time \(seconds\)/ { t += $2 } END { print t }' "$TMP/time.txt")
  echo "$(((t1 - t0) / 1000)) $rss $cpu" >>"$out"
  log "$name run $i/$runs: $(awk '{ printf "%.3f s wall, %.2f s cpu, %.1f MiB", $1 / 1e6, $3, $2 / 1024 }' <<<"$(tail -1 "$out")")"
}

for c in "${CAPTURES[@]}"; do
  if [[ "$c" == mixed ]]; then file=$MIXED_FILE; else file=$TLS_FILE; fi
  dir="$TMP/$c"
  mkdir -p "$dir"
  log "capture $c: counting packets and connections in $file"
  cat "$file" >/dev/null # page cache: every tool reads from memory
  packets=$(capinfos -c -M "$file" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
  [[ "$packets" =~ ^[0-9]+$ ]] || die "capinfos gave no packet count for $file"
  "${AGENT_CMD[@]}" inspect "$file" --format ndjson | wc -l >"$dir/connections"
  printf '%s\n' "$file" >"$dir/file"
  echo "$packets" >"$dir/packets"

  SHAKEWATCH=("${AGENT_CMD[@]}" inspect "$file" --format ndjson)
  NDPI=(ndpiReader -i "$file" -q)
  TCPTRACE=(tcptrace -n -l "$file")
  TSHARK=(tshark -r "$file" -n -o tcp.analyze_sequence_numbers:TRUE -T fields -e tcp.stream -e ip.src -e ipv6.src
    -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags.str -e tcp.analysis.initial_rtt -e frame.time_epoch -Y tcp)
  TCPDUMP=(tcpdump -r "$file" -w /dev/null)

  # Rounds, the tools interleaved (then tshark while it has runs left): on a shared machine
  # the load drifts over a minute, and each round sees the same load.
  rounds=$((RUNS > TSHARK_RUNS ? RUNS : TSHARK_RUNS))
  for ((round = 1; round <= rounds; round++)); do
    if ((round <= RUNS)); then
      run_once "$dir/shakewatch" "$c shakewatch" "$round" "$RUNS" "${SHAKEWATCH[@]}"
      run_once "$dir/ndpiReader" "$c ndpiReader" "$round" "$RUNS" "${NDPI[@]}"
      run_once "$dir/tcptrace" "$c tcptrace" "$round" "$RUNS" "${TCPTRACE[@]}"
      run_once "$dir/tcpdump" "$c tcpdump" "$round" "$RUNS" "${TCPDUMP[@]}"
    fi
    if ((round <= TSHARK_RUNS)); then run_once "$dir/tshark" "$c tshark" "$round" "$TSHARK_RUNS" "${TSHARK[@]}"; fi
  done
done

UPTIME_END="$(uptime)"
log "end: $UPTIME_END"

mkdir -p "$(dirname "$RESULTS")"
node - "$TMP" "$RESULTS" "$UPTIME_START" "$UPTIME_END" "${AGENT_CMD[*]}" "${CAPTURES[@]}" <<'EOF'
const fs = require('fs');
const os = require('os');
const { execFileSync, spawnSync } = require('child_process');
const [tmp, out, uptimeStart, uptimeEnd, agent, ...captureNames] = process.argv.slice(2);
const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const loads = (u) => (u.match(/load average: (.*)$/) || [])[1] ?? '';
const TOOLS = ['shakewatch', 'ndpiReader', 'tcptrace', 'tshark', 'tcpdump'];
const read = (dir, f) => fs.readFileSync(`${dir}/${f}`, 'utf8').trim();

const captures = {};
for (const name of captureNames) {
  const dir = `${tmp}/${name}`;
  const packets = Number(read(dir, 'packets'));
  const file = read(dir, 'file');
  const tools = {};
  for (const t of TOOLS) {
    const runs = read(dir, t).split('\n').map((l) => l.split(' ').map(Number));
    const wall = median(runs.map((r) => r[0])) / 1e6;
    tools[t] = {
      runs: runs.map(([us, kb, cpu]) => ({ wall_seconds: us / 1e6, cpu_seconds: cpu, peak_rss_mib: kb / 1024 })),
      wall_seconds: wall,
      cpu_seconds: median(runs.map((r) => r[2])),
      packets_per_second: packets / wall,
      peak_rss_mib: Math.max(...runs.map((r) => r[1])) / 1024,
    };
  }
  const sw = tools.shakewatch;
  // peer / shakewatch: above 1, shakewatch is cheaper.
  const ratios = {};
  for (const t of TOOLS.slice(1)) ratios[t] = { wall: tools[t].wall_seconds / sw.wall_seconds, cpu: tools[t].cpu_seconds / sw.cpu_seconds };
  // Issue 12's targets, in CPU time and in wall time.
  const targets = {
    below_ndpiReader: { min: 1, met: ratios.ndpiReader.cpu > 1 && ratios.ndpiReader.wall > 1 },
    below_tcptrace: { min: 1, met: ratios.tcptrace.cpu > 1 && ratios.tcptrace.wall > 1 },
    peak_rss_mib: { max: 100, met: sw.peak_rss_mib <= 100 },
  };
  if (name === 'mixed') targets.tshark_20x = { min: 20, met: ratios.tshark.cpu >= 20 && ratios.tshark.wall >= 20 };
  captures[name] = {
    capture: { file, bytes: fs.statSync(file).size, packets, connections: Number(read(dir, 'connections')) },
    tools, ratios, targets,
  };
}
const version = (cmd, args, re) => { // some print it on stderr, some exit 1 after it
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (`${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').find((l) => re.test(l)) ?? '').trim();
};
const result = {
  date: new Date().toISOString(),
  commit: sh('git', ['rev-parse', '--short', 'HEAD']),
  agent,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(), node: process.version,
    uptime_start: uptimeStart, uptime_end: uptimeEnd,
    tshark: version('tshark', ['--version'], /TShark/), tcpdump: version('tcpdump', ['--version'], /tcpdump/),
    ndpiReader: version('ndpiReader', ['-h'], /nDPI [0-9]/), tcptrace: version('tcptrace', ['-v'], /tcptrace -- version/),
  },
  captures,
};
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

const n = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const ok = (m) => (m ? 'ok' : 'MISSED');
console.log(`\nmachine: ${result.machine.cpu}, ${result.machine.cores} cores, node ${result.machine.node}; agent ${agent}`);
console.log(`load average at start ${loads(uptimeStart)}, at end ${loads(uptimeEnd)}`);
for (const [name, r] of Object.entries(captures)) {
  const c = r.capture;
  console.log(`\ncapture ${name} (${c.file}): ${n(c.bytes / 1e6, 1)} MB, ${n(c.packets)} packets, ${n(c.connections)} TCP connections`);
  console.log('tool          wall (s)    packets/s    cpu (s)   peak RSS (MiB)   wall x     cpu x');
  for (const [t, s] of Object.entries(r.tools)) {
    const x = r.ratios[t];
    console.log(`${t.padEnd(11)} ${n(s.wall_seconds, 3).padStart(10)} ${n(s.packets_per_second).padStart(12)} ${n(s.cpu_seconds, 2).padStart(10)} ${n(s.peak_rss_mib, 1).padStart(16)}` +
      (x ? `  ${n(x.wall, 2).padStart(7)}x ${n(x.cpu, 2).padStart(8)}x` : '   (x: tool / shakewatch)'));
  }
  console.log('');
  const tg = r.targets;
  console.log(`shakewatch below ndpiReader (cpu and wall)   ${ok(tg.below_ndpiReader.met)}`);
  console.log(`shakewatch below tcptrace (cpu and wall)     ${ok(tg.below_tcptrace.met)}`);
  if (tg.tshark_20x) console.log(`tshark >= 20x shakewatch (cpu and wall)      ${ok(tg.tshark_20x.met)}`);
  console.log(`shakewatch peak memory <= 100 MiB            ${ok(tg.peak_rss_mib.met)} (${n(r.tools.shakewatch.peak_rss_mib, 1)} MiB)`);
}
console.log(`\nwrote ${out}`);
const all = Object.values(captures).flatMap((r) => Object.values(r.targets));
process.exitCode = process.env.BENCH_STRICT === '1' && !all.every((t) => t.met) ? 1 : 0;
EOF
