#!/usr/bin/env bash
# Installs the Debian packages Shakewatch needs, only those missing:
#   libpcap-dev  the live-capture binding (libs/pcap) builds against it during npm install
#   g++ make python3  node-gyp's toolchain for that build
#   tcpdump      tests and benchmarks record and compare with it
#   tshark       the decoding oracle in tests and benchmarks
#   iproute2     network namespaces for tests that record real traffic
#   time         /usr/bin/time -v for peak-memory figures in bench/
#   prometheus, prometheus-alertmanager  the real Prometheus (and promtool) and Alertmanager
#                the end-to-end suites and the demo start
#   curl openssl  real TLS clients and certificates for the traffic tests and the demo make
#   haproxy      checks deploy/multi-hub/haproxy.cfg (haproxy -c) in test/deploy
set -euo pipefail
want=(libpcap-dev g++ make python3 tcpdump tshark iproute2 time prometheus prometheus-alertmanager curl openssl haproxy)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
