#!/usr/bin/env bash
# Attacks bench (issue 13, "memory under attack"): time and peak memory of the agent on
# hostile captures, each decoded by
#   inspect FILE --format ndjson          (stdout counted: lines and bytes of ndjson)
#   run --read FILE --print-metrics       (stdout counted; connections and evictions from its log)
# with the default connection cap and with --max-connections ATTACKS_MAX_CONNECTIONS, one run
# at a time. GNU time gives wall, user + system CPU and peak RSS. Prints a markdown table.
#
# Usage:  npm run bench:attacks [-- --only NAME]   (or: bash bench/attacks/run-attacks.sh)
#   --only NAME   one attack (repeatable): syn-flood, tls-claimed-length, out-of-order-gaps,
#                 split-hello-abandoned
#
# Environment:
#   SHAKEWATCH_AGENT_BIN      the agent bundle (default: the repository's dist/apps/agent/main.js);
#                             run as is when executable (its shebang's Node flags apply, as in
#                             bench/run.sh), else with `node`. Never built here.
#   ATTACKS_DIR               captures (default /tmp/shakewatch-attacks); missing ones are
#                             generated (bench/attacks/generate-attack-captures.mjs)
#   ATTACKS_MAX_CONNECTIONS   the capped runs' --max-connections (default 10000)
#   ATTACKS_TIMEOUT_SECONDS   a run is stopped past this (default 300): "timeout"
#   ATTACKS_MAX_RSS_MIB       a run is killed when its RSS passes this (default 12288): "killed"
# Results also go to ATTACKS_DIR/results-<time>.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DIR="${ATTACKS_DIR:-/tmp/shakewatch-attacks}"
BIN="${SHAKEWATCH_AGENT_BIN:-$ROOT/dist/apps/agent/main.js}"
# The agent refuses SHAKEWATCH_AGENT_* variables it does not know: this one is ours only.
unset SHAKEWATCH_AGENT_BIN
CAP="${ATTACKS_MAX_CONNECTIONS:-10000}"
TIMEOUT="${ATTACKS_TIMEOUT_SECONDS:-300}"
MAX_RSS_MIB="${ATTACKS_MAX_RSS_MIB:-12288}"
ALL=(syn-flood tls-claimed-length out-of-order-gaps split-hello-abandoned)

log() { printf '[attacks] %s\n' "$*" >&2; }
die() { printf '[attacks] ERROR: %s\n' "$*" >&2; exit 1; }

ATTACKS=()
while (($# > 0)); do
  case "$1" in
    --only)
      (($# >= 2)) || die "--only needs a name: ${ALL[*]}"
      [[ " ${ALL[*]} " == *" $2 "* ]] || die "unknown attack '$2': one of ${ALL[*]}"
      ATTACKS+=("$2")
      shift 2
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$1' (--only NAME, --help)" ;;
  esac
done
((${#ATTACKS[@]} > 0)) || ATTACKS=("${ALL[@]}")

[[ "$CAP" =~ ^[1-9][0-9]*$ ]] || die "ATTACKS_MAX_CONNECTIONS must be a positive integer"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "ATTACKS_TIMEOUT_SECONDS must be a positive integer"
[[ "$MAX_RSS_MIB" =~ ^[1-9][0-9]*$ ]] || die "ATTACKS_MAX_RSS_MIB must be a positive integer"
for tool in node timeout ps wc; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time (for peak RSS)"
  command -v apt-get >/dev/null 2>&1 || die "/usr/bin/time missing and no apt-get: install GNU time"
  apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; } || die "apt-get install time failed"
fi
[[ -f "$BIN" ]] || die "no agent bundle at $BIN (node tools/build.mjs agent, or set SHAKEWATCH_AGENT_BIN)"
if [[ -x "$BIN" ]]; then AGENT=("$BIN"); else AGENT=(node "$BIN"); fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/swb-attacks.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

log "load at start: $(uptime)"
LOAD_START="$(uptime)"

for name in "${ATTACKS[@]}"; do
  if [[ ! -f "$DIR/$name.pcap" || ! -f "$DIR/$name.pcap.json" ]]; then
    log "generating $DIR/$name.pcap"
    node bench/attacks/generate-attack-captures.mjs "$DIR" --only "$name" >&2
  fi
done

# Node processes under PID, and the RSS (KiB) of every process under it: "rss pid pid...".
tree_rss() {
  ps -e -o pid=,ppid=,rss=,comm= | awk -v root="$1" '
    { parent[$1] = $2; rss[$1] = $3; comm[$1] = $4 }
    END {
      total = 0; nodes = ""
      for (p in parent) {
        q = p
        for (depth = 0; depth < 16 && q != root && q > 1; depth++) q = parent[q]
        if (q != root || p == root) continue
        total += rss[p]
        if (comm[p] == "node") nodes = nodes " " p
      }
      print total nodes
    }'
}

RESULTS="$TMP/results.tsv"
: >"$RESULTS"

# run_one NAME MODE CAP_LABEL: one run, one line in $RESULTS.
run_one() {
  local name=$1 mode=$2 cap=$3 file="$DIR/$1.pcap" pid rss nodes status rc line t0 t1
  local -a cmd
  if [[ "$mode" == inspect ]]; then
    cmd=("${AGENT[@]}" inspect "$file" --format ndjson --no-progress)
  else
    cmd=("${AGENT[@]}" run --read "$file" --print-metrics --log-level info)
  fi
  [[ "$cap" == default ]] || cmd+=(--max-connections "$cap")
  rm -f "$TMP/time" "$TMP/count" "$TMP/rc" "$TMP/stderr" "$TMP/killed"
  t0=$(date +%s%N)
  (
    set +e +o pipefail
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" timeout --kill-after=10 "$TIMEOUT" "${cmd[@]}" 2>"$TMP/stderr" | wc -lc >"$TMP/count"
    echo "${PIPESTATUS[0]}" >"$TMP/rc"
  ) &
  pid=$!
  # Watchdog: the run ends by itself, by the timeout, or here, so the loop is bounded.
  while kill -0 "$pid" 2>/dev/null; do
    read -r rss nodes <<<"$(tree_rss "$pid")"
    if ((rss > MAX_RSS_MIB * 1024)) && [[ -n "$nodes" ]]; then
      echo "$rss" >"$TMP/killed"
      # shellcheck disable=SC2086 # a list of pids
      kill -KILL $nodes 2>/dev/null || true
    fi
    sleep 0.2
  done
  wait "$pid" || true
  t1=$(date +%s%N)
  rc=$(cat "$TMP/rc" 2>/dev/null || echo 255)
  if [[ -f "$TMP/killed" ]]; then
    status="killed (RSS > $MAX_RSS_MIB MiB)"
  elif [[ "$rc" == 124 ]]; then
    status="timeout (${TIMEOUT} s)"
  elif grep -q 'heap out of memory\|Reached heap limit' "$TMP/stderr"; then
    status="V8 heap OOM"
  elif [[ "$rc" != 0 ]]; then
    status="exit $rc"
  else
    status=ok
  fi
  # GNU time: the last line is the format's (a "Command exited/terminated" line may precede it).
  read -r wall user sys rss_kb <<<"$(tail -1 "$TMP/time" 2>/dev/null || echo '0 0 0 0')"
  read -r lines bytes <<<"$(cat "$TMP/count" 2>/dev/null || echo '0 0')"
  # run's last log line: {"packets":...,"connections":...,"evicted":...,"msg":"... final snapshot flushed"}
  line=$(grep 'final snapshot flushed' "$TMP/stderr" | tail -1 || true)
  local conns evicted
  conns=$(sed -n 's/.*"connections":\([0-9]*\).*/\1/p' <<<"$line")
  evicted=$(sed -n 's/.*"evicted":\([0-9]*\).*/\1/p' <<<"$line")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$mode" "$cap" "$status" "$(((t1 - t0) / 1000))" \
    "$wall" "$user" "$sys" "$rss_kb" "${lines:-0}" "${bytes:-0}" "${conns:--}" "${evicted:--}" >>"$RESULTS"
  log "$(awk -v n="$name" -v m="$mode" -v c="$cap" -v st="$status" -v us="$(((t1 - t0) / 1000))" -v u="$user" -v s="$sys" -v k="$rss_kb" -v l="${lines:-0}" -v b="${bytes:-0}" \
    'BEGIN { printf "%-22s %-7s %-8s %s: %.1f s wall, %.1f s cpu, %.0f MiB peak RSS, %.0f lines, %.0f bytes out", n, m, c, st, us / 1e6, u + s, k / 1024, l, b }')"
  if [[ "$status" != ok ]]; then log "  stderr: $(tail -c 300 "$TMP/stderr" | tr '\n' ' ')"; fi
}

log "agent: ${AGENT[*]} (sha256 $(sha256sum "$BIN" | cut -c1-12)); cap runs: --max-connections $CAP; limits: ${TIMEOUT} s, ${MAX_RSS_MIB} MiB"
for name in "${ATTACKS[@]}"; do
  cat "$DIR/$name.pcap" >/dev/null # page cache: every run reads from memory
  for mode in inspect run; do
    for cap in default "$CAP"; do
      run_one "$name" "$mode" "$cap"
    done
  done
done
LOAD_END="$(uptime)"
log "load at end: $LOAD_END"

node - "$RESULTS" "$DIR" "$BIN" "$LOAD_START" "$LOAD_END" "${ATTACKS[@]}" <<'EOF'
const fs = require('fs');
const os = require('os');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const [results, dir, bin, loadStart, loadEnd, ...attacks] = process.argv.slice(2);
const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } };
const captures = Object.fromEntries(attacks.map((a) => [a, JSON.parse(fs.readFileSync(`${dir}/${a}.pcap.json`, 'utf8'))]));
const runs = fs.readFileSync(results, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
  const [attack, mode, cap, status, wallUs, wall, user, sys, rssKb, lines, bytes, conns, evicted] = l.split('\t');
  const packets = captures[attack].packets;
  const cpu = Number(user) + Number(sys);
  const wallSeconds = Number(wallUs) / 1e6;
  return {
    attack, mode, max_connections: cap, status, packets,
    wall_seconds: +wallSeconds.toFixed(3), time_wall_seconds: Number(wall), user_seconds: Number(user), system_seconds: Number(sys),
    cpu_seconds: +cpu.toFixed(2), peak_rss_mib: +(Number(rssKb) / 1024).toFixed(1),
    cpu_us_per_packet: +((cpu * 1e6) / packets).toFixed(2), wall_us_per_packet: +((wallSeconds * 1e6) / packets).toFixed(2),
    output_lines: Number(lines), output_bytes: Number(bytes),
    connections: conns === '-' ? null : Number(conns), evicted: evicted === '-' ? null : Number(evicted),
  };
});
const result = {
  date: new Date().toISOString(),
  commit: sh('git', ['rev-parse', '--short', 'HEAD']),
  agent: { bin, sha256: crypto.createHash('sha256').update(fs.readFileSync(bin)).digest('hex') },
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release(), node: process.version },
  load: { start: loadStart, end: loadEnd },
  captures, runs,
};
const out = `${dir}/results-${result.date.replace(/[:.]/g, '-')}.json`;
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

const n = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mb = (b) => (b >= 1e6 ? `${n(b / 1e6, 1)} MB` : `${n(b / 1e3, 1)} kB`);
console.log(`\nagent ${bin} (sha256 ${result.agent.sha256.slice(0, 12)}), repository at ${result.commit}, ${result.machine.cores} cores, node ${result.machine.node}`);
console.log(`load at start: ${loadStart.replace(/^.*load average/, 'load average')}; at end: ${loadEnd.replace(/^.*load average/, 'load average')}\n`);
console.log('| attack | packets | command | max conns | status | wall s | CPU s | peak RSS MiB | CPU us/pkt | wall us/pkt | output |');
console.log('|---|---:|---|---:|---|---:|---:|---:|---:|---:|---|');
for (const r of runs) {
  const output = r.mode === 'inspect'
    ? `${n(r.output_lines)} events, ${mb(r.output_bytes)}`
    : r.connections === null ? `${mb(r.output_bytes)} metrics` : `${n(r.connections)} conns, ${n(r.evicted)} evicted; ${mb(r.output_bytes)} metrics`;
  const cmd = r.mode === 'inspect' ? 'inspect' : 'run --read';
  const cap = r.max_connections === 'default' ? 'default' : n(Number(r.max_connections));
  console.log(`| ${r.attack} | ${n(r.packets)} | ${cmd} | ${cap} | ${r.status} | ${n(r.wall_seconds, 1)} | ${n(r.cpu_seconds, 1)} | ${n(r.peak_rss_mib, 0)} | ${n(r.cpu_us_per_packet, 2)} | ${n(r.wall_us_per_packet, 2)} | ${output} |`);
}
console.log(`\nwrote ${out}`);
EOF
