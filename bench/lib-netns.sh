# Sourced by bench/record-large-capture.sh and bench/live/run-live.sh: the two throw-away
# namespaces both benchmarks run their traffic in. The caller sets NS_SRV NS_CLI IF_SRV
# IF_CLI IP_SRV IP_CLI and defines log(); its cleanup trap removes the namespaces.

# bench_netns_up SOMAXCONN: remove leftovers of an interrupted run (our own names only),
# then make the namespaces, a veth pair between them and nothing else: IPv6 off, a wide
# ephemeral port range for many short connections, offloads off so segments are wire-sized.
bench_netns_up() {
  local backlog=$1 pair
  ip netns del "$NS_CLI" 2>/dev/null || true
  ip netns del "$NS_SRV" 2>/dev/null || true
  ip netns add "$NS_SRV"
  ip netns add "$NS_CLI"
  ip link add "$IF_SRV" netns "$NS_SRV" type veth peer name "$IF_CLI" netns "$NS_CLI"
  for pair in "$NS_SRV $IF_SRV $IP_SRV" "$NS_CLI $IF_CLI $IP_CLI"; do
    set -- $pair
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="10000 65000" net.ipv4.tcp_tw_reuse=1 net.core.somaxconn="$backlog" net.ipv4.tcp_max_syn_backlog="$backlog"
    ip -n "$1" link set lo up
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set "$2" up
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || log "WARNING: could not turn offloads off on $2"
  done
}

# bench_certificate DIR NAME DAYS: a self-signed ECDSA P-256 certificate for NAME,
# written to DIR/cert.pem and DIR/key.pem.
bench_certificate() {
  log "self-signed certificate (openssl, ECDSA P-256)"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$3" \
    -subj "/CN=$2" -addext "subjectAltName=DNS:$2" \
    -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}

# The recorders' exit trap: the processes they started (PIDS), both namespaces, their
# work directory and a partial capture (WORK, PARTIAL) go, whatever ended the script.
bench_record_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS_CLI" 2>/dev/null || true
  ip netns del "$NS_SRV" 2>/dev/null || true
  rm -rf "$WORK" "$PARTIAL"
}
