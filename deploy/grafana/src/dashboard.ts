// The Shakewatch Grafana dashboard, built with @grafana/grafana-foundation-sdk. Every query
// uses only metrics, labels and label values that libs/protocol defines (checked by
// test/deploy/grafana-dashboard.spec.ts). Variables: $datasource (a Prometheus), $agent
// (multi, all: agents any hub knows) and $direction (multi, all).
import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, CustomVariableBuilder, QueryVariableBuilder, RowBuilder, VariableRefresh, VariableSort, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DIRECTIONS } from '../../../libs/protocol/src/label-values';
import { LEGACY_TLS_VERSIONS, WEAK_CIPHERS } from './tls-policy';

const DS = { type: 'prometheus', uid: '${datasource}' };
/** Per-agent selectors: the chosen agents, and (where the metric has it) the chosen directions. */
const A = 'agent=~"$agent"';
const AD = `${A}, direction=~"$direction"`;
const RATE = '[$__rate_interval]';

type Panel = timeseries.PanelBuilder | heatmap.PanelBuilder | table.PanelBuilder | stat.PanelBuilder | piechart.PanelBuilder;

const q = (expr: string, legend = '', refId = 'A') => new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId);
const instant = (expr: string, refId = 'A') => new DataqueryBuilder().expr(expr).instant().format(PromQueryFormat.Table).refId(refId);
const legendTable = () => new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Right).showLegend(true).calcs(['mean', 'max']);

function graph(title: string, description: string, unit: string, targets: DataqueryBuilder[], w = 12): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder().title(title).description(description).datasource(DS).unit(unit).span(w).height(8).min(0).legend(legendTable());
  for (const t of targets) p.withTarget(t);
  return p;
}

function single(title: string, description: string, unit: string, expr: string, w = 6): stat.PanelBuilder {
  return new stat.PanelBuilder().title(title).description(description).datasource(DS).unit(unit).span(w).height(4).graphMode(common.BigValueGraphMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull'])).withTarget(q(expr));
}

function grid(title: string, description: string, targets: DataqueryBuilder[], w = 12): table.PanelBuilder {
  const p = new table.PanelBuilder().title(title).description(description).datasource(DS).span(w).height(8)
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } });
  for (const t of targets) p.withTarget(t);
  return p;
}

/** A table column of 0/1 flags, named, red where 1. */
const flagColumn = (name: string) => [
  { id: 'displayName', value: name },
  { id: 'custom.cellOptions', value: { type: 'color-background' } },
  { id: 'thresholds', value: { mode: 'absolute', steps: [{ color: 'transparent', value: null }, { color: 'red', value: 1 }] } },
];

const histogramQuantiles = (metric: string, selector: string, by: string, qs: number[]) =>
  qs.map((x, i) => q(`histogram_quantile(${x}, sum by (${by}, le) (rate(${metric}_bucket{${selector}}${RATE})))`, `p${Math.round(x * 100)} {{${by}}}`, String.fromCharCode(65 + i)));

const rows: [string, Panel[]][] = [
  ['Fleet', [
    single('Agents up', 'Agents that a hub has connected now (any hub).', 'none', `sum(max by (agent) (shakewatch_agent_up{${A}}))`),
    single('Agents down', 'Agents the hubs remember (until their TTL) that no hub has connected.', 'none', `count(max by (agent) (shakewatch_agent_up{${A}}) == 0) or vector(0)`),
    single('Handshakes / s', 'TCP handshakes completed per second, all chosen agents.', 'reqps', `sum(rate(shakewatch_tcp_handshake_duration_seconds_count{${AD}}${RATE}))`),
    single('Resets / s', 'Connections ended or refused by a reset, per second.', 'reqps', `sum(rate(shakewatch_tcp_resets_total{${AD}}${RATE}))`),
    grid('Agents: up and last seen', 'Per agent: connected to a hub (1) or not (0), seconds since a hub last heard from it, and its version and host name.', [
      instant(`max by (agent) (shakewatch_agent_up{${A}})`, 'A'),
      instant(`time() - max by (agent) (shakewatch_agent_last_seen_timestamp_seconds{${A}})`, 'B'),
      instant(`max by (agent, version, hostname) (shakewatch_agent_info{${A}})`, 'C'),
    ], 24)
      .overrideByName('Value #A', [{ id: 'displayName', value: 'up' }])
      .overrideByName('Value #B', [{ id: 'displayName', value: 'last seen' }, { id: 'unit', value: 's' }])
      .overrideByName('Value #C', [{ id: 'custom.hidden', value: true }]),
  ]],
  ['TCP handshakes', [
    graph('TCP handshake latency (iRTT) p50 / p90 / p99', 'SYN to the client ACK of the SYN-ACK (Wireshark\'s iRTT), per direction.', 's',
      histogramQuantiles('shakewatch_tcp_handshake_duration_seconds', AD, 'direction', [0.5, 0.9, 0.99])),
    new heatmap.PanelBuilder().title('TCP handshake latency heatmap').description('Handshakes per latency bucket (iRTT), all chosen agents and directions.')
      .datasource(DS).span(12).height(8).calculate(false)
      .yAxis(new common.AxisConfigBuilder().axisLabel('iRTT')).unit('s')
      .withTarget(q(`sum by (le) (increase(shakewatch_tcp_handshake_duration_seconds_bucket{${AD}}${RATE}))`, '{{le}}').format(PromQueryFormat.Heatmap)),
    graph('SYN retransmits', 'SYNs sent again with the same ISN, per direction: loss on the path or a server slow to answer. Counted when the connection ends: for a SYN never answered, once the agent gives it up, 130 s after the last SYN (SHAKEWATCH_AGENT_SYN_TIMEOUT_SECONDS).', 'reqps',
      [q(`sum by (direction) (rate(shakewatch_tcp_syn_retransmits_total{${AD}}${RATE}))`, '{{direction}}')]),
    graph('Handshakes by agent', 'TCP handshakes completed per second, per agent and direction.', 'reqps',
      [q(`sum by (agent, direction) (rate(shakewatch_tcp_handshake_duration_seconds_count{${AD}}${RATE}))`, '{{agent}} {{direction}}')]),
  ]],
  ['Connections', [
    graph('Connections by conn_state', 'TCP connections per second as they end, by Zeek conn_state (SF: normal; REJ: refused; S0: unanswered; RSTO/RSTR: reset by originator/responder...).', 'reqps',
      [q(`sum by (conn_state) (rate(shakewatch_tcp_connections_total{${AD}}${RATE}))`, '{{conn_state}}')]),
    graph('Refused (REJ) and unanswered (S0) connections', 'SYNs answered by a RST (REJ: nothing listens) and SYNs never answered (S0: filtered, or the server is down), per direction. An S0 connection is counted when the agent gives it up, 130 s after the last SYN of the client (SHAKEWATCH_AGENT_SYN_TIMEOUT_SECONDS): about three minutes after the first SYN of a Linux client, which sends it six times more.', 'reqps',
      [q(`sum by (conn_state, direction) (rate(shakewatch_tcp_connections_total{${AD}, conn_state=~"REJ|S0"}${RATE}))`, '{{conn_state}} {{direction}}')]),
    graph('Refused and unanswered by port', 'REJ and S0 connections per server port (the busiest ports; the rest is "other").', 'reqps',
      [q(`topk(10, sum by (port, conn_state) (rate(shakewatch_tcp_connections_total{${AD}, conn_state=~"REJ|S0"}${RATE})))`, '{{port}} {{conn_state}}')]),
    graph('Connections by port', 'All connections per second, per server port.', 'reqps',
      [q(`topk(10, sum by (port) (rate(shakewatch_tcp_connections_total{${AD}}${RATE})))`, '{{port}}')]),
  ]],
  ['Resets', [
    graph('Resets by sender and phase', 'Connections ended or refused by a reset: who sent the first RST, and when (handshake, established, closing).', 'reqps',
      [q(`sum by (sender, phase) (rate(shakewatch_tcp_resets_total{${AD}}${RATE}))`, '{{sender}} {{phase}}')]),
    graph('Resets by direction', 'Inbound: this host was the server; outbound: the client. The RST-spike alert compares each agent\'s rate here with its own last hour.', 'reqps',
      [q(`sum by (direction) (rate(shakewatch_tcp_resets_total{${AD}}${RATE}))`, '{{direction}}')]),
    graph('Resets by port', 'Resets per server port (the busiest ports; the rest is "other").', 'reqps',
      [q(`topk(10, sum by (port) (rate(shakewatch_tcp_resets_total{${AD}}${RATE})))`, '{{port}}')]),
    graph('Resets by agent', 'Resets per agent and direction.', 'reqps',
      [q(`sum by (agent, direction) (rate(shakewatch_tcp_resets_total{${AD}}${RATE}))`, '{{agent}} {{direction}}')]),
  ]],
  ['TLS', [
    graph('TLS handshakes by version', 'TLS handshakes that negotiated a version, per second.', 'reqps',
      [q(`sum by (version) (rate(shakewatch_tls_handshakes_total{${A}}${RATE}))`, 'TLS {{version}}')]),
    graph('Legacy TLS (< 1.2) and weak cipher handshakes', `Handshakes per second that negotiated TLS older than 1.2 (version =~ ${LEGACY_TLS_VERSIONS}) or a weak cipher suite (cipher =~ ${WEAK_CIPHERS}): should be none.`, 'reqps', [
      q(`sum by (agent, version) (rate(shakewatch_tls_handshakes_total{${A}, version=~\`${LEGACY_TLS_VERSIONS}\`}${RATE}))`, 'legacy {{agent}} TLS {{version}}', 'A'),
      q(`sum by (agent, cipher) (rate(shakewatch_tls_handshakes_total{${A}, cipher=~\`${WEAK_CIPHERS}\`}${RATE}))`, 'weak {{agent}} {{cipher}}', 'B'),
    ]),
    single('Legacy TLS share', 'Share of the time range\'s TLS handshakes that negotiated a version older than 1.2.', 'percentunit',
      `sum(increase(shakewatch_tls_handshakes_total{${A}, version=~\`${LEGACY_TLS_VERSIONS}\`}[$__range])) / clamp_min(sum(increase(shakewatch_tls_handshakes_total{${A}}[$__range])), 1)`),
    single('Weak cipher share', 'Share of the time range\'s TLS handshakes that negotiated a weak cipher suite.', 'percentunit',
      `sum(increase(shakewatch_tls_handshakes_total{${A}, cipher=~\`${WEAK_CIPHERS}\`}[$__range])) / clamp_min(sum(increase(shakewatch_tls_handshakes_total{${A}}[$__range])), 1)`),
    new piechart.PanelBuilder().title('Cipher suite share').description('Handshakes per negotiated cipher suite over the time range.')
      .datasource(DS).span(12).height(8).pieType(piechart.PieChartType.Donut)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
      .legend(new piechart.PieChartLegendOptionsBuilder().displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Right).showLegend(true).values([piechart.PieChartLegendValues.Percent]))
      .withTarget(q(`sum by (cipher) (increase(shakewatch_tls_handshakes_total{${A}}[$__range]))`, '{{cipher}}').instant()),
    grid('Cipher suites and versions', 'Handshakes over the time range per version and cipher suite, with legacy (TLS < 1.2) and weak suites flagged (1).', [
      instant(`sum by (version, cipher) (increase(shakewatch_tls_handshakes_total{${A}}[$__range]))`, 'A'),
      instant(`sum by (version, cipher) (increase(shakewatch_tls_handshakes_total{${A}, version=~\`${LEGACY_TLS_VERSIONS}\`}[$__range])) > bool 0`, 'B'),
      instant(`sum by (version, cipher) (increase(shakewatch_tls_handshakes_total{${A}, cipher=~\`${WEAK_CIPHERS}\`}[$__range])) > bool 0`, 'C'),
    ], 12)
      .overrideByName('Value #A', [{ id: 'displayName', value: 'handshakes' }])
      .overrideByName('Value #B', flagColumn('legacy TLS'))
      .overrideByName('Value #C', flagColumn('weak cipher')),
    graph('TLS handshake latency p50 / p99', 'Client Hello to the end of the TLS handshake as seen on the wire, per version.', 's',
      histogramQuantiles('shakewatch_tls_handshake_duration_seconds', A, 'version', [0.5, 0.99])),
    graph('TLS alerts by description', 'TLS alerts (the first fatal one of each connection) per second, by level and description.', 'reqps',
      [q(`sum by (level, description) (rate(shakewatch_tls_alerts_total{${A}}${RATE}))`, '{{level}} {{description}}')]),
  ]],
  ['Capture and agent health', [
    graph('Capture drops', 'Packets lost before the agent saw them (kernel: the capture ring overflowed; interface: the NIC), per agent. Should be zero.', 'pps',
      [q(`sum by (agent, where) (rate(shakewatch_capture_dropped_packets_total{${A}}${RATE}))`, '{{agent}} {{where}}')]),
    graph('Captured packets', 'Packets received by each agent\'s capture.', 'pps',
      [q(`sum by (agent) (rate(shakewatch_capture_packets_total{${A}}${RATE}))`, '{{agent}}')]),
    graph('Tracked connections', 'Connections each agent tracks right now.', 'none',
      [q(`sum by (agent) (shakewatch_agent_tracked_connections{${A}})`, '{{agent}}')], 8),
    graph('Evicted connections', 'Connections evicted because the table was full: raise SHAKEWATCH_AGENT_MAX_CONNECTIONS.', 'reqps',
      [q(`sum by (agent) (rate(shakewatch_agent_evicted_connections_total{${A}}${RATE}))`, '{{agent}}')], 8),
    graph('Connection state memory', 'Connection and reassembly state each agent holds, by its accounting: kept within its memory budget (SHAKEWATCH_AGENT_MEMORY_BUDGET_MIB, default 256 MiB).', 'bytes',
      [q(`sum by (agent) (shakewatch_agent_state_memory_bytes{${A}})`, '{{agent}}')], 8),
    graph('State shed for the memory budget', 'State let go to stay within the memory budget, per second: half_open (a SYN flood), out_of_order (reassembly buffers), connection. Should be zero.', 'reqps',
      [q(`sum by (agent, state) (rate(shakewatch_agent_state_shed_total{${A}}${RATE}))`, '{{agent}} {{state}}')], 8),
    graph('Folded label values', 'Label values folded into "other" because a label hit its cap, per label.', 'reqps',
      [q(`sum by (agent, label) (rate(shakewatch_agent_label_values_folded_total{${A}}${RATE}))`, '{{agent}} {{label}}')], 8),
    graph('Skipped packets', 'Packets not decoded down to TCP, by reason.', 'pps',
      [q(`sum by (agent, reason) (rate(shakewatch_agent_skipped_packets_total{${A}}${RATE}))`, '{{agent}} {{reason}}')]),
    graph('Agent uptime', 'Time since each agent process started (a drop is a restart).', 's',
      [q(`time() - max by (agent) (shakewatch_agent_start_time_seconds{${A}})`, '{{agent}}')]),
  ]],
  ['Hubs', [
    graph('Connected agents', 'Agents connected to each hub now, and those it remembers (connected or gone less than the TTL ago).', 'none', [
      q('sum by (instance) (shakewatch_hub_connected_agents)', '{{instance}} connected', 'A'),
      q('sum by (instance) (shakewatch_hub_known_agents)', '{{instance}} known', 'B'),
    ], 8),
    graph('Refused connections and messages', 'What each hub refused, by reason (bad token, oversized, invalid, rate limited...).', 'reqps',
      [q(`sum by (instance, reason) (rate(shakewatch_hub_rejected_total${RATE}))`, '{{instance}} {{reason}}')], 8),
    graph('Messages accepted', 'Agent messages each hub accepted, by type, snapshots it ignored as stale or duplicate, and agents that came from another hub (their series hidden for the handover, SHAKEWATCH_HUB_HANDOVER_SECONDS).', 'reqps', [
      q(`sum by (instance, type) (rate(shakewatch_hub_messages_accepted_total${RATE}))`, '{{instance}} {{type}}', 'A'),
      q(`sum by (instance) (rate(shakewatch_hub_messages_ignored_total${RATE}))`, '{{instance}} ignored', 'B'),
      q(`sum by (instance) (rate(shakewatch_hub_agent_handovers_total${RATE}))`, '{{instance}} handovers', 'C'),
    ], 8),
    graph('Scrape duration', 'Time each hub took to render its previous /metrics.', 's',
      [q('max by (instance) (shakewatch_hub_scrape_duration_seconds)', '{{instance}}')], 8),
    graph('Scrape size', 'Agent series and bytes in each hub\'s previous /metrics.', 'none', [
      q('max by (instance) (shakewatch_hub_scrape_series)', '{{instance}} series', 'A'),
      q('max by (instance) (shakewatch_hub_scrape_bytes)', '{{instance}} bytes', 'B'),
    ], 8),
  ]],
];

export function buildDashboard(): Dashboard {
  const d = new DashboardBuilder('Shakewatch')
    .uid('shakewatch')
    .description('TCP and TLS handshakes, resets and the agents and hubs that watch them (generated by deploy/grafana/src: npm run dashboard).')
    .tags(['shakewatch', 'tcp', 'tls'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(new QueryVariableBuilder('agent').label('Agent').datasource(DS)
      .query('label_values(shakewatch_agent_up, agent)').definition('label_values(shakewatch_agent_up, agent)')
      .multi(true).includeAll(true).allValue('.+').refresh(VariableRefresh.OnTimeRangeChanged).sort(VariableSort.AlphabeticalAsc))
    .withVariable(new CustomVariableBuilder('direction').label('Direction').values(DIRECTIONS.join(','))
      .multi(true).includeAll(true).allValue('.+'));
  for (const [title, panels] of rows) {
    d.withRow(new RowBuilder(title));
    for (const p of panels) d.withPanel(p);
  }
  return d.build();
}

/** The file's bytes: stable key order as built, two-space indent, a final newline. */
export const dashboardJson = (): string => `${JSON.stringify(buildDashboard(), null, 2)}\n`;
