import { ALERT_LEVELS, BYPASS_PACKET_RESULTS, BYPASS_TABLE_EVENTS, CODE_LABEL_VALUE, CONN_STATES, DIRECTIONS, DROP_PLACES, FOLDED_LABELS, LABEL_CAPS, MAX_PORT_LABELS, OPEN_LABEL_VALUE, PORT_LABEL_VALUE, RESET_PHASES, RESET_SENDERS, SHED_STATES } from './label-values';

/**
 * The metric families an agent reports: names, types, help, labels and buckets. The one
 * source for the agent's aggregates, the hub's /metrics, the dashboard and the alert
 * rules. Every series also carries `agent`, which is not listed here: the hub sets it
 * from the authenticated agent id, never from what the agent's snapshot says.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A label's allowed values: a closed list, or a pattern with at most `max` distinct values. */
export type LabelDomain = { values: readonly string[] } | { pattern: RegExp; max: number };

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

/** Handshake latencies from loopback (tens of microseconds) to a slow WAN retry (10 s). */
export const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const LABEL_DOMAINS: Readonly<Record<string, LabelDomain>> = {
  direction: { values: DIRECTIONS },
  port: { pattern: PORT_LABEL_VALUE, max: MAX_PORT_LABELS + 1 },
  conn_state: { values: CONN_STATES },
  sender: { values: RESET_SENDERS },
  phase: { values: RESET_PHASES },
  version: { pattern: OPEN_LABEL_VALUE, max: LABEL_CAPS.version + 1 },
  cipher: { pattern: OPEN_LABEL_VALUE, max: LABEL_CAPS.cipher + 1 },
  level: { values: ALERT_LEVELS },
  description: { pattern: OPEN_LABEL_VALUE, max: LABEL_CAPS.description + 1 },
  where: { values: DROP_PLACES },
  reason: { pattern: CODE_LABEL_VALUE, max: 16 },
  label: { values: FOLDED_LABELS },
  state: { values: SHED_STATES },
  event: { values: BYPASS_TABLE_EVENTS },
  result: { values: BYPASS_PACKET_RESULTS },
};

const family = <const F extends MetricFamily>(f: F): F => f;

/** What an agent measures, in the order /metrics lists them. */
export const AGENT_FAMILIES = {
  tcpHandshakeDuration: family({ name: 'shakewatch_tcp_handshake_duration_seconds', type: 'histogram', help: 'TCP handshake iRTT: SYN to the client ACK of the SYN-ACK, by direction.', labels: ['direction'], buckets: LATENCY_BUCKETS }),
  tcpConnections: family({ name: 'shakewatch_tcp_connections_total', type: 'counter', help: 'TCP connections ended, by direction, server port and Zeek conn_state.', labels: ['direction', 'port', 'conn_state'] }),
  tcpResets: family({ name: 'shakewatch_tcp_resets_total', type: 'counter', help: 'Connections ended or refused by a reset, by direction, server port, and the sender and phase of the first RST.', labels: ['direction', 'port', 'sender', 'phase'] }),
  tcpSynRetransmits: family({ name: 'shakewatch_tcp_syn_retransmits_total', type: 'counter', help: 'SYNs sent again with the same ISN, by direction.', labels: ['direction'] }),
  tlsHandshakes: family({ name: 'shakewatch_tls_handshakes_total', type: 'counter', help: 'TLS handshakes that negotiated a version, by version and cipher suite.', labels: ['version', 'cipher'] }),
  tlsHandshakeDuration: family({ name: 'shakewatch_tls_handshake_duration_seconds', type: 'histogram', help: 'Client Hello to the end of the TLS handshake, as seen on the wire, by version.', labels: ['version'], buckets: LATENCY_BUCKETS }),
  tlsAlerts: family({ name: 'shakewatch_tls_alerts_total', type: 'counter', help: 'TLS alerts (the first fatal one of each connection), by level and description.', labels: ['level', 'description'] }),
  capturePackets: family({ name: 'shakewatch_capture_packets_total', type: 'counter', help: 'Packets received by the capture.', labels: [] }),
  captureDropped: family({ name: 'shakewatch_capture_dropped_packets_total', type: 'counter', help: 'Packets dropped before the agent saw them, by where: kernel buffer or interface.', labels: ['where'] }),
  trackedConnections: family({ name: 'shakewatch_agent_tracked_connections', type: 'gauge', help: 'Connections tracked right now.', labels: [] }),
  evictedConnections: family({ name: 'shakewatch_agent_evicted_connections_total', type: 'counter', help: 'Connections evicted because the table was full.', labels: [] }),
  halfOpenConnections: family({ name: 'shakewatch_agent_half_open_connections', type: 'gauge', help: 'Tracked connections that are one SYN so far (kept compact; part of the tracked connections).', labels: [] }),
  stateMemory: family({ name: 'shakewatch_agent_state_memory_bytes', type: 'gauge', help: 'Connection and reassembly state held, by the agent\'s accounting (kept within its memory budget).', labels: [] }),
  stateShed: family({ name: 'shakewatch_agent_state_shed_total', type: 'counter', help: 'State let go to stay within the memory budget, by what: out-of-order bytes held for reassembly, half-open connections, connections.', labels: ['state'] }),
  evictedSegments: family({ name: 'shakewatch_agent_evicted_segments_total', type: 'counter', help: 'Segments of evicted connections, counted and otherwise ignored (not each a new connection).', labels: [] }),
  timeJumpsHeld: family({ name: 'shakewatch_agent_time_jumps_held_total', type: 'counter', help: 'Packets stamped far ahead of the clock, not believed (ending no idle connection) unless the next packet confirmed the jump.', labels: [] }),
  skippedPackets: family({ name: 'shakewatch_agent_skipped_packets_total', type: 'counter', help: 'Packets not decoded down to TCP, by reason.', labels: ['reason'] }),
  foldedLabelValues: family({ name: 'shakewatch_agent_label_values_folded_total', type: 'counter', help: 'Label values folded into "other" because a label hit its cap.', labels: ['label'] }),
  bypassConnections: family({ name: 'shakewatch_agent_bypass_connections', type: 'gauge', help: 'Connections in the live capture\'s bypass table now: the agent has learned all it reports of them, and their segments without SYN, FIN or RST are counted and dropped before JavaScript.', labels: [] }),
  bypassTable: family({ name: 'shakewatch_agent_bypass_table_total', type: 'counter', help: 'Bypass table events: connections added, refused (full: the table was full; late: a SYN, FIN or RST of the connection had already been let through), and let go at a SYN, FIN or RST, idle, or ended by the agent.', labels: ['event'] }),
  bypassPackets: family({ name: 'shakewatch_agent_bypass_packets_total', type: 'counter', help: 'Packets the bypass looked at, by result: bypassed (dropped before JavaScript), passed_flags (a bypassed connection\'s SYN, FIN or RST), passed_refresh (one segment per minute of a bypassed connection), not_understood (not read by the header peek: passed up untouched).', labels: ['result'] }),
  bypassedBytes: family({ name: 'shakewatch_agent_bypassed_bytes_total', type: 'counter', help: 'Frame bytes of the packets bypassed (dropped before JavaScript).', labels: [] }),
  agentStartTime: family({ name: 'shakewatch_agent_start_time_seconds', type: 'gauge', help: 'When this agent process started (Unix time): a change means a restart, and its counters started again from zero.', labels: [] }),
} as const;

export type AgentFamilyKey = keyof typeof AGENT_FAMILIES;
export const AGENT_FAMILY_KEYS = Object.keys(AGENT_FAMILIES) as AgentFamilyKey[];

/** Series the hub adds per agent, from its registry (not from the snapshot). */
export const HUB_AGENT_FAMILIES = {
  agentUp: family({ name: 'shakewatch_agent_up', type: 'gauge', help: '1 while the agent is connected to this hub and reporting, 0 after it left (until the hub forgets it).', labels: [] }),
  agentLastSeen: family({ name: 'shakewatch_agent_last_seen_timestamp_seconds', type: 'gauge', help: 'When this hub last heard from the agent (Unix time).', labels: [] }),
  agentInfo: family({ name: 'shakewatch_agent_info', type: 'gauge', help: 'The agent\'s version and host name (value 1).', labels: ['version', 'hostname'] }),
} as const;

/** The hub's own health (prom-client, no `agent` label). */
export const HUB_FAMILIES = {
  connectedAgents: family({ name: 'shakewatch_hub_connected_agents', type: 'gauge', help: 'Agents connected to this hub now.', labels: [] }),
  knownAgents: family({ name: 'shakewatch_hub_known_agents', type: 'gauge', help: 'Agents this hub remembers (connected, or gone less than the TTL ago).', labels: [] }),
  messagesAccepted: family({ name: 'shakewatch_hub_messages_accepted_total', type: 'counter', help: 'Agent messages accepted, by type.', labels: ['type'] }),
  handovers: family({ name: 'shakewatch_hub_agent_handovers_total', type: 'counter', help: 'Agents that came here from another hub, their series hidden for the handover (SHAKEWATCH_HUB_HANDOVER_SECONDS).', labels: [] }),
  messagesIgnored: family({ name: 'shakewatch_hub_messages_ignored_total', type: 'counter', help: 'Snapshots ignored as stale or duplicate (sequence number not newer).', labels: [] }),
  rejected: family({ name: 'shakewatch_hub_rejected_total', type: 'counter', help: 'Connections and messages refused, by reason.', labels: ['reason'] }),
  scrapeDuration: family({ name: 'shakewatch_hub_scrape_duration_seconds', type: 'gauge', help: 'Time the previous /metrics took to render.', labels: [] }),
  scrapeBytes: family({ name: 'shakewatch_hub_scrape_bytes', type: 'gauge', help: 'Size of the previous /metrics response.', labels: [] }),
  scrapeSeries: family({ name: 'shakewatch_hub_scrape_series', type: 'gauge', help: 'Agent series in the previous /metrics response.', labels: [] }),
} as const;

/** Every family name and its labels (agent label included where it applies): for checking queries. */
export function allMetricLabels(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (f: MetricFamily, perAgent: boolean) => {
    const labels = new Set([...(perAgent ? ['agent'] : []), ...f.labels]);
    if (f.type === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) out.set(f.name + suffix, suffix === '_bucket' ? new Set([...labels, 'le']) : labels);
    } else out.set(f.name, labels);
  };
  for (const f of Object.values(AGENT_FAMILIES)) add(f, true);
  for (const f of Object.values(HUB_AGENT_FAMILIES)) add(f, true);
  for (const f of Object.values(HUB_FAMILIES)) add(f, false);
  return out;
}
