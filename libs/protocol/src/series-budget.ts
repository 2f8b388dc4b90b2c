import { AGENT_FAMILIES, LABEL_DOMAINS, type MetricFamily } from './metric-families';
import { DEFAULT_PORT_LABELS } from './label-values';

/** Lines one series row of a family takes in /metrics (a histogram: its buckets, +Inf, _sum and _count). */
export function linesPerRow(f: MetricFamily): number {
  return f.type === 'histogram' ? (f.buckets?.length ?? 0) + 3 : 1;
}

/** Most distinct values of a label with the agent's default caps. */
function defaultMax(label: string): number {
  const d = LABEL_DOMAINS[label];
  if ('values' in d) return d.values.length;
  if (label === 'port') return DEFAULT_PORT_LABELS + 1;
  return d.max;
}

/**
 * Series per agent: the worst case with the default caps (every label at its cap and
 * every combination seen, which real traffic never does), and a typical busy host (two
 * directions, five server ports, three conn_states each, a few resets, two TLS versions
 * with three ciphers, two alert kinds).
 */
export function seriesBudget(): { worstCase: number; typical: number; perFamily: Record<string, number> } {
  const perFamily: Record<string, number> = {};
  let worstCase = 0;
  for (const f of Object.values(AGENT_FAMILIES)) {
    const rows = f.labels.reduce((n, l) => n * defaultMax(l), 1);
    perFamily[f.name] = rows * linesPerRow(f);
    worstCase += perFamily[f.name];
  }
  const F = AGENT_FAMILIES;
  const typicalRows: [MetricFamily, number][] = [
    [F.tcpHandshakeDuration, 2], [F.tcpConnections, 2 * 5 * 3], [F.tcpResets, 2 * 5 * 2], [F.tcpSynRetransmits, 2],
    [F.tlsHandshakes, 3], [F.tlsHandshakeDuration, 2], [F.tlsAlerts, 2], [F.capturePackets, 1], [F.captureDropped, 2],
    [F.trackedConnections, 1], [F.evictedConnections, 1], [F.skippedPackets, 7], [F.foldedLabelValues, 4], [F.agentStartTime, 1],
  ];
  const typical = typicalRows.reduce((n, [f, rows]) => n + rows * linesPerRow(f), 0);
  return { worstCase, typical, perFamily };
}
