#!/usr/bin/env bash
# Record ONE TLS-heavy capture for the benchmark (issue 12, section 2): every connection a
# full TLS 1.2 or 1.3 handshake with a certificate and a transfer of tens of KB, some
# connections refused.
#
# Usage:  bash bench/record-tls-capture.sh            (root: namespaces, capture)
#
# Two throw-away network namespaces, swtb-srv (10.87.0.1) and swtb-cli (10.87.0.2), joined
# by a veth pair and nothing else (bench/lib-netns.sh: no route out, IPv6 off, offloads
# off so every segment is at most the MTU). In swtb-srv, Node `tls` servers: 8443 with a
# self-signed ECDSA P-256 certificate, 9443 with a self-signed RSA-2048 one (both made by
# openssl for the run, no session resumption); nothing listens on 8081. In swtb-cli, one
# Node client process runs BENCH_TLS_CONCURRENCY lanes over a fixed list of connections:
# connection i is refused (a SYN to 8081, answered by a RST) when i % 9 == 8, otherwise a
# TLS connection with SNI tls-bench.shakewatch.test, the certificate verified, that sends
# "GET <n>\n" and reads n = 10,000 + (k * 7,919) % 40,000 bytes (k: its TLS index),
# then the server closes. The TLS connections take, in turn: TLS 1.3 on 8443, TLS 1.2 on
# 8443, TLS 1.3 on 9443, TLS 1.2 on 9443, each with one of two or three cipher suites.
# So the shape (connections of each kind, bytes of each response) is the same on every
# run; packet counts differ by a few ACKs. tcpdump records on the server's veth.
#
# The veth MTU is BENCH_TLS_MTU (default 9000, jumbo frames as on many data-centre NICs):
# a response of tens of KB is then a handful of segments, about 17 packets a connection
# on average, the shape of the capture issue 12 describes (4,500 connections, 77k
# packets). BENCH_TLS_MTU=1500 gives Ethernet-sized segments (about 2.5x the packets).
#
# Environment:
#   BENCH_TLS_CAPTURE_FILE   output (default /tmp/shakewatch-bench/capture-tls.pcap; never
#                            inside the repository)
#   BENCH_TLS_CONNECTIONS    connections in all, refused ones included (default 4500)
#   BENCH_TLS_CONCURRENCY    client lanes (default 16)
#   BENCH_TLS_MTU            veth MTU (default 9000)
#   BENCH_MAX_SECONDS        give up after this long (nothing is kept), default 300
#
# Writes <file> and <file>.json (what the clients did, what tcpdump saw) and prints a
# summary. A partial recording never takes the final name; namespaces and processes are
# removed on exit (trap).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT="${BENCH_TLS_CAPTURE_FILE:-/tmp/shakewatch-bench/capture-tls.pcap}"
TOTAL="${BENCH_TLS_CONNECTIONS:-4500}"
CONCURRENCY="${BENCH_TLS_CONCURRENCY:-16}"
MTU="${BENCH_TLS_MTU:-9000}"
MAX_SECONDS="${BENCH_MAX_SECONDS:-300}"
NS_SRV=swtb-srv
NS_CLI=swtb-cli
IF_SRV=swtb-srv0
IF_CLI=swtb-cli0
IP_SRV=10.87.0.1
IP_CLI=10.87.0.2
SNI=tls-bench.shakewatch.test

log() { printf '[record-tls] %s\n' "$*" >&2; }
die() { printf '[record-tls] ERROR: %s\n' "$*" >&2; exit 1; }

[[ ${EUID} -eq 0 ]] || die "must run as root (network namespaces, packet capture)"
for v in TOTAL CONCURRENCY MTU MAX_SECONDS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
((TOTAL >= 9)) || die "BENCH_TLS_CONNECTIONS must be at least 9"
((MTU >= 1280 && MTU <= 65535)) || die "BENCH_TLS_MTU must be between 1280 and 65535"
for tool in ip tcpdump node openssl ethtool sysctl; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (apt-get install -y iproute2 tcpdump openssl ethtool procps)"
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY || true

mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd -P)/$(basename "$OUT")"
case "$OUT/" in "$(cd "$ROOT" && pwd -P)"/*) die "BENCH_TLS_CAPTURE_FILE must be outside the repository (got $OUT)" ;; esac

WORK="$(mktemp -d "${TMPDIR:-/tmp}/swtb-record.XXXXXX")"
PARTIAL="${OUT}.partial"
PIDS=()

# shellcheck source=lib-netns.sh
source "$BENCH_DIR/lib-netns.sh"
trap bench_record_cleanup EXIT
trap 'exit 130' INT TERM
log "namespaces $NS_SRV ($IP_SRV) <-> $NS_CLI ($IP_CLI), MTU $MTU"
bench_netns_up 4096
ip -n "$NS_SRV" link set "$IF_SRV" mtu "$MTU"
ip -n "$NS_CLI" link set "$IF_CLI" mtu "$MTU"

mkdir "$WORK/ecdsa" "$WORK/rsa"
bench_certificate "$WORK/ecdsa" "$SNI" 30
log "self-signed certificate (openssl, RSA 2048)"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$SNI" -addext "subjectAltName=DNS:$SNI" \
  -keyout "$WORK/rsa/key.pem" -out "$WORK/rsa/cert.pem" 2>/dev/null

# The servers: "GET <n>\n" -> n bytes, then close (close_notify and FIN).
cat >"$WORK/servers.js" <<'EOF'
'use strict';
const tls = require('tls');
const fs = require('fs');
const [host, dir] = process.argv.slice(2);
const payload = Buffer.alloc(65536, 'x');
const serve = (port, kind) =>
  new Promise((resolve) => {
    const server = tls.createServer({
      key: fs.readFileSync(`${dir}/${kind}/key.pem`),
      cert: fs.readFileSync(`${dir}/${kind}/cert.pem`),
      minVersion: 'TLSv1.2',
      ciphers: 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:' +
        'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:' +
        'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384',
      sessionTimeout: 0, // no stateful resumption; clients never offer a session anyway
    }, (socket) => {
      let request = '';
      socket.setTimeout(15000, () => socket.destroy());
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        request += chunk.toString('latin1');
        const m = /^GET (\d+)\n/.exec(request);
        if (!m) { if (request.length > 64) socket.destroy(); return; }
        socket.removeAllListeners('data');
        let left = Math.min(Number(m[1]), 1 << 20);
        while (left > 0) { const n = Math.min(left, payload.length); socket.write(payload.subarray(0, n)); left -= n; }
        socket.end();
      });
    });
    server.on('tlsClientError', () => {});
    server.listen(port, host, 4096, resolve);
  });
Promise.all([serve(8443, 'ecdsa'), serve(9443, 'rsa')]).then(() => console.log('servers ready'));
EOF

# The client: a fixed list of connections, CONCURRENCY lanes, every one bounded by a timeout.
cat >"$WORK/clients.js" <<'EOF'
'use strict';
const tls = require('tls');
const net = require('net');
const fs = require('fs');
const [host, dir, sni, total, concurrency, statsFile] = process.argv.slice(2);
const TOTAL = Number(total);
const ca = [fs.readFileSync(`${dir}/ecdsa/cert.pem`), fs.readFileSync(`${dir}/rsa/cert.pem`)];
// The TLS connections take these in turn; each row's ciphers in turn within it.
const KINDS = [
  { name: 'tls1.3-ecdsa', port: 8443, version: 'TLSv1.3', ciphers: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] },
  { name: 'tls1.2-ecdsa', port: 8443, version: 'TLSv1.2', ciphers: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'] },
  { name: 'tls1.3-rsa', port: 9443, version: 'TLSv1.3', ciphers: ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'] },
  { name: 'tls1.2-rsa', port: 9443, version: 'TLSv1.2', ciphers: ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'] },
];
const plan = [];
for (let i = 0, k = 0; i < TOTAL; i++) {
  if (i % 9 === 8) { plan.push({ kind: 'refused' }); continue; }
  const kind = KINDS[k % KINDS.length];
  const turn = Math.floor(k / KINDS.length);
  const opts = { host, port: kind.port, servername: sni, ca, minVersion: kind.version, maxVersion: kind.version };
  opts.ciphers = kind.ciphers[turn % kind.ciphers.length];
  plan.push({ kind: kind.name, opts, bytes: 10000 + ((k * 7919) % 40000) });
  k++;
}
const stats = { connections: TOTAL, ok: {}, failed: {}, failures: [], tlsVersions: {}, ciphers: {}, responseBytes: 0 };
const bump = (o, key) => { o[key] = (o[key] || 0) + 1; };

const refused = () =>
  new Promise((resolve) => {
    const s = net.connect({ host, port: 8081 });
    const timer = setTimeout(() => { s.destroy(); resolve('timeout'); }, 5000);
    s.on('connect', () => { clearTimeout(timer); s.destroy(); resolve('connected'); });
    s.on('error', (e) => { clearTimeout(timer); resolve(e.code === 'ECONNREFUSED' ? null : e.code); });
  });

const tlsOne = (c) =>
  new Promise((resolve) => {
    let got = 0;
    let done = false;
    const finish = (err) => { if (!done) { done = true; clearTimeout(timer); s.destroy(); resolve(err); } };
    const s = tls.connect(c.opts, () => {
      bump(stats.tlsVersions, s.getProtocol());
      bump(stats.ciphers, s.getCipher().standardName);
      s.write(`GET ${c.bytes}\n`);
    });
    const timer = setTimeout(() => finish('timeout'), 15000);
    s.on('data', (d) => { got += d.length; });
    s.on('end', () => { s.end(); });
    s.on('close', () => finish(got === c.bytes ? null : `short read ${got}/${c.bytes}`));
    s.on('error', (e) => finish(e.code || e.message));
  });

let next = 0;
const lane = async () => {
  while (next < plan.length) {
    const c = plan[next++];
    const err = c.kind === 'refused' ? await refused() : await tlsOne(c);
    if (err) { bump(stats.failed, c.kind); if (stats.failures.length < 10) stats.failures.push(`${c.kind}: ${err}`); }
    else { bump(stats.ok, c.kind); if (c.bytes) stats.responseBytes += c.bytes; }
  }
};
const t0 = process.hrtime.bigint();
Promise.all(Array.from({ length: Number(concurrency) }, lane)).then(() => {
  stats.clientSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.writeFileSync(statsFile, JSON.stringify(stats, null, 2) + '\n');
});
EOF

ip netns exec "$NS_SRV" node "$WORK/servers.js" "$IP_SRV" "$WORK" >"$WORK/servers.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q 'servers ready' "$WORK/servers.log" && break; sleep 0.1; done
grep -q 'servers ready' "$WORK/servers.log" || die "servers did not start: $(cat "$WORK/servers.log")"

rm -f "$PARTIAL"
ip netns exec "$NS_SRV" tcpdump -i "$IF_SRV" -n -s 0 -B 65536 -w "$PARTIAL" "host $IP_SRV and host $IP_CLI" 2>"$WORK/tcpdump.log" &
TCPDUMP_PID=$!
PIDS+=("$TCPDUMP_PID")
for _ in $(seq 100); do grep -q 'listening on' "$WORK/tcpdump.log" && break; sleep 0.1; done
grep -q 'listening on' "$WORK/tcpdump.log" || die "tcpdump did not start: $(cat "$WORK/tcpdump.log")"

log "$TOTAL connections, $CONCURRENCY at a time (at most ${MAX_SECONDS}s)"
ip netns exec "$NS_CLI" node "$WORK/clients.js" "$IP_SRV" "$WORK" "$SNI" "$TOTAL" "$CONCURRENCY" "$WORK/clients.json" 2>"$WORK/clients.log" &
CLIENTS_PID=$!
PIDS+=("$CLIENTS_PID")
start=$SECONDS
while kill -0 "$CLIENTS_PID" 2>/dev/null; do
  ((SECONDS - start < MAX_SECONDS)) || die "the clients did not finish within ${MAX_SECONDS}s"
  kill -0 "$TCPDUMP_PID" 2>/dev/null || die "tcpdump exited: $(cat "$WORK/tcpdump.log")"
  sleep 0.2
done
wait "$CLIENTS_PID" || die "clients failed: $(tail -5 "$WORK/clients.log")"
elapsed=$((SECONDS - start))
[[ -s "$WORK/clients.json" ]] || die "clients wrote no tally: $(tail -5 "$WORK/clients.log")"

# Let the last packets land, then stop tcpdump (SIGINT: it flushes and prints its counts).
sleep 1
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" 2>/dev/null || true
size=$(stat -c %s "$PARTIAL")

node - "$WORK/clients.json" "$WORK/summary.json" "$elapsed" "$size" "$WORK/tcpdump.log" "$MTU" <<'EOF'
const fs = require('fs');
const [statsFile, out, elapsed, size, tcpdumpLog, mtu] = process.argv.slice(2);
const s = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
const log = fs.readFileSync(tcpdumpLog, 'utf8');
const m = (re) => Number((log.match(re) || [])[1] ?? NaN);
s.mtu = Number(mtu);
s.recordSeconds = Number(elapsed);
s.bytes = Number(size);
s.tcpdump = { captured: m(/(\d+) packets? captured/), droppedByKernel: m(/(\d+) packets? dropped by kernel/) };
fs.writeFileSync(out, JSON.stringify(s, null, 2) + '\n');
const n = (x) => x.toLocaleString('en-US');
const failed = Object.values(s.failed).reduce((a, b) => a + b, 0);
const refused = s.ok.refused || 0;
const tlsOk = Object.values(s.ok).reduce((a, b) => a + b, 0) - refused;
console.error(`[record-tls] ${(s.bytes / 1e6).toFixed(1)} MB, ${n(s.tcpdump.captured)} packets ` +
  `(${n(s.tcpdump.droppedByKernel)} dropped by the kernel), ${n(s.connections)} connections in ${s.recordSeconds} s`);
console.error(`[record-tls]   ${n(tlsOk)} TLS (${Object.entries(s.ok).filter(([k]) => k !== 'refused').map(([k, v]) => `${n(v)} ${k}`).join(', ')}), ` +
  `${n(refused)} refused, ${n(failed)} failed; ${(s.responseBytes / 1e6).toFixed(1)} MB of responses`);
console.error(`[record-tls]   versions ${JSON.stringify(s.tlsVersions)}`);
console.error(`[record-tls]   ciphers ${JSON.stringify(s.ciphers)}`);
if (failed > 0) { console.error(`[record-tls] ERROR: ${failed} connections failed: ${s.failures.join('; ')}`); process.exit(1); }
if (s.tcpdump.droppedByKernel !== 0) { console.error('[record-tls] ERROR: tcpdump lost packets'); process.exit(1); }
EOF
mv "$WORK/summary.json" "$OUT.json"
mv "$PARTIAL" "$OUT"
log "wrote $OUT and ${OUT##*/}.json"
