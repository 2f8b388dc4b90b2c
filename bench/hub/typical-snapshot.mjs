// A realistic agent snapshot, shaped like libs/protocol's "typical" series budget: two
// directions, five server ports with three conn_states each, resets, two TLS versions with
// three cipher suites, two alert kinds, capture and health counters. Values grow a little
// with each round, as a live agent's totals do.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
export const protocol = require(join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../dist/out-tsc/libs/protocol/src/index.js'));
const { AGENT_FAMILIES: F, LATENCY_BUCKETS } = protocol;

const DIRS = ['inbound', 'outbound'];
const PORTS = ['443', '80', '22', '5432', 'other'];
const STATES = ['SF', 'REJ', 'RSTO'];

function histogram(n, scale) {
  const counts = [];
  let c = 0;
  for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
    c += Math.floor(n * Math.exp(-((i - 6) ** 2) / 8) / 3);
    counts.push(c);
  }
  counts.push(c + 1);
  return [counts, (c + 1) * scale];
}

/** The families of agent `i` at round `r` (cumulative: every value grows with r). */
export function typicalFamilies(i, r) {
  const k = r + 1;
  const fam = {};
  fam[F.tcpHandshakeDuration.name] = DIRS.map((d, j) => [[d], ...histogram(100 * k + i + j, 0.0008)]);
  fam[F.tcpConnections.name] = DIRS.flatMap((d) => PORTS.flatMap((p) => STATES.map((s, j) => [[d, p, s], k * (50 - j * 20) + (i % 7)])));
  fam[F.tcpResets.name] = DIRS.flatMap((d) => PORTS.flatMap((p) => [[[d, p, 'server', 'handshake'], k * 3], [[d, p, 'client', 'established'], k]]));
  fam[F.tcpSynRetransmits.name] = DIRS.map((d) => [[d], k]);
  fam[F.tlsHandshakes.name] = [[['1.3', 'TLS_AES_128_GCM_SHA256'], k * 40], [['1.3', 'TLS_AES_256_GCM_SHA384'], k * 10], [['1.2', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], k * 5]];
  fam[F.tlsHandshakeDuration.name] = [[['1.3'], ...histogram(50 * k, 0.002)], [['1.2'], ...histogram(5 * k, 0.003)]];
  fam[F.tlsAlerts.name] = [[['fatal', 'handshake_failure'], k], [['warning', 'close_notify'], k * 2]];
  fam[F.capturePackets.name] = [[[], k * 100_000 + i]];
  fam[F.captureDropped.name] = [[['kernel'], 0], [['interface'], 0]];
  fam[F.trackedConnections.name] = [[[], 100 + (i % 50)]];
  fam[F.evictedConnections.name] = [[[], 0]];
  fam[F.skippedPackets.name] = ['truncated', 'unsupported_link', 'not_ip', 'not_tcp', 'ip_fragment', 'bad_header', 'ext_header_cap'].map((r2) => [[r2], k]);
  fam[F.foldedLabelValues.name] = ['cipher', 'version', 'description', 'port'].map((l) => [[l], 0]);
  fam[F.agentStartTime.name] = [[[], 1_780_000_000 + i]];
  return fam;
}

/** Series (exposition lines) in a snapshot. */
export function seriesIn(families) {
  let n = 0;
  const byName = new Map(Object.values(F).map((f) => [f.name, f]));
  for (const [name, rows] of Object.entries(families)) n += rows.length * protocol.linesPerRow(byName.get(name));
  return n;
}
