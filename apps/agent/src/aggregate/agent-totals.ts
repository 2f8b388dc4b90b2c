import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { alertDescriptionName, alertLevelName, cipherSuiteName, CLIENT, ecsTlsVersion, type Connection, type PacketSkipReason, type TlsSession } from '@shakewatch/decoder';
import { BoundedLabel } from './bounded-label';

/** Handshake latencies from loopback (tens of microseconds) to a slow WAN retry (10 s). */
export const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface CaptureCounters {
  received: number;
  kernelDropped: number;
  interfaceDropped: number;
}

export interface TrackerHealth {
  tracked: number;
  evicted: number;
  skipped: Record<PacketSkipReason, number>;
}

/**
 * The agent's cumulative aggregates, with DESIGN.md's metric names and labels, in a
 * registry of our own. Handshakes are folded in as they complete, TLS sessions when
 * their outcome is known, connection states when connections end; capture and tracker
 * counters are brought up to date at each snapshot.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly cipher = new BoundedLabel('cipher', 64);
  private readonly version = new BoundedLabel('version', 16);
  private readonly alert = new BoundedLabel('description', 48);
  private readonly last = new Map<string, number>();

  private readonly handshakeSeconds = new Histogram({ name: 'shakewatch_tcp_handshake_duration_seconds', help: 'TCP handshake iRTT: SYN to the client ACK of the SYN-ACK.', labelNames: ['agent'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly connections = new Counter({ name: 'shakewatch_tcp_connections_total', help: 'TCP connections ended, by Zeek conn_state.', labelNames: ['agent', 'conn_state'] as const, registers: [this.registry] });
  private readonly resets = new Counter({ name: 'shakewatch_tcp_resets_total', help: 'Connections ended or refused by a reset, by the sender and phase of the first RST.', labelNames: ['agent', 'sender', 'phase'] as const, registers: [this.registry] });
  private readonly synRetransmits = new Counter({ name: 'shakewatch_tcp_syn_retransmits_total', help: 'SYNs sent again with the same ISN.', labelNames: ['agent'] as const, registers: [this.registry] });
  private readonly tlsHandshakes = new Counter({ name: 'shakewatch_tls_handshakes_total', help: 'TLS handshakes that negotiated a version, by version and cipher suite.', labelNames: ['agent', 'version', 'cipher'] as const, registers: [this.registry] });
  private readonly tlsDuration = new Histogram({ name: 'shakewatch_tls_handshake_duration_seconds', help: 'Client Hello to the end of the handshake, as seen on the wire.', labelNames: ['agent', 'version'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly tlsAlerts = new Counter({ name: 'shakewatch_tls_alerts_total', help: 'TLS alerts (the first fatal one of each connection), by level and description.', labelNames: ['agent', 'level', 'description'] as const, registers: [this.registry] });
  private readonly packets = new Counter({ name: 'shakewatch_capture_packets_total', help: 'Packets received by the capture (cumulative).', labelNames: ['agent'] as const, registers: [this.registry] });
  private readonly dropped = new Counter({ name: 'shakewatch_capture_dropped_packets_total', help: 'Packets dropped before the agent saw them, by where: kernel buffer or interface.', labelNames: ['agent', 'where'] as const, registers: [this.registry] });
  private readonly tracked = new Gauge({ name: 'shakewatch_agent_tracked_connections', help: 'Connections tracked right now.', labelNames: ['agent'] as const, registers: [this.registry] });
  private readonly evicted = new Counter({ name: 'shakewatch_agent_evicted_connections_total', help: 'Connections evicted because the table was full.', labelNames: ['agent'] as const, registers: [this.registry] });
  private readonly skipped = new Counter({ name: 'shakewatch_agent_skipped_packets_total', help: 'Packets not decoded down to TCP, by reason.', labelNames: ['agent', 'reason'] as const, registers: [this.registry] });
  private readonly folded = new Counter({ name: 'shakewatch_agent_label_values_folded_total', help: 'Label values folded into "other" because a label hit its cap.', labelNames: ['agent', 'label'] as const, registers: [this.registry] });

  constructor(private readonly agent: string) {}

  /** A completed three-way handshake (called as it completes). */
  handshake(c: Connection): void {
    if (c.rttNs >= 0) this.handshakeSeconds.observe({ agent: this.agent }, c.rttNs / 1e9);
  }

  /** A TLS session that has its outcome: negotiated, failed with an alert, or not TLS. */
  tls(t: TlsSession): void {
    if (!t.isTls) return;
    const agent = this.agent;
    const v = t.version;
    const version = this.version.value((v !== null ? ecsTlsVersion(v)?.version : undefined) ?? 'unknown');
    if (t.serverHello) this.tlsHandshakes.inc({ agent, version, cipher: this.cipher.value(cipherSuiteName(t.serverHello.cipherSuite)) });
    if (t.established && t.startSec >= 0) this.tlsDuration.observe({ agent, version }, ((t.endSec - t.startSec) * 1e9 + (t.endNsec - t.startNsec)) / 1e9);
    const alert = t.alerts.find((a) => a.level === 2) ?? t.alerts[0];
    if (alert) {
      const level = alert.level === null ? 'encrypted' : alertLevelName(alert.level);
      const description = alert.description === null ? 'encrypted' : this.alert.value(alertDescriptionName(alert.description));
      this.tlsAlerts.inc({ agent, level, description });
    }
  }

  /** An ended connection: its Zeek state, how it was reset, SYN retries. */
  ended(c: Connection): void {
    const agent = this.agent;
    this.connections.inc({ agent, conn_state: c.connState });
    if (c.firstRstSide !== -1) this.resets.inc({ agent, sender: c.firstRstSide === CLIENT ? 'client' : 'server', phase: c.resetPhase ?? 'established' });
    const retries = c.anomalies.syn_retransmission ?? 0;
    if (retries > 0) this.synRetransmits.inc({ agent }, retries);
  }

  /** Bring the counters owned by the capture and the tracker up to their cumulative values. */
  update(capture: CaptureCounters, health: TrackerHealth): void {
    const agent = this.agent;
    this.advance(this.packets, { agent }, capture.received);
    this.advance(this.dropped, { agent, where: 'kernel' }, capture.kernelDropped);
    this.advance(this.dropped, { agent, where: 'interface' }, capture.interfaceDropped);
    this.tracked.set({ agent }, health.tracked);
    this.advance(this.evicted, { agent }, health.evicted);
    for (const [reason, n] of Object.entries(health.skipped)) this.advance(this.skipped, { agent, reason }, n);
    for (const l of [this.cipher, this.version, this.alert]) this.advance(this.folded, { agent, label: l.name }, l.folded);
  }

  /** Counters only go up: add what a source's cumulative count gained since last time. */
  private advance<L extends string>(c: Counter<L>, labels: Partial<Record<L, string>>, total: number): void {
    const key = `${(c as unknown as { name: string }).name}${JSON.stringify(labels)}`;
    const delta = total - (this.last.get(key) ?? 0);
    if (delta > 0 || !this.last.has(key)) c.inc(labels, Math.max(delta, 0));
    this.last.set(key, Math.max(total, this.last.get(key) ?? 0));
  }

  /** Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
