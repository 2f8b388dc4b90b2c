import { CLIENT, ecsTlsVersion, negotiatedCipher, PACKET_SKIP_REASONS, reportedAlert, tlsHandshakeSeconds, type Connection, type PacketSkipReason, type TlsSession } from '@shakewatch/decoder';
import { AGENT_FAMILIES, ALERT_LEVELS, DROP_PLACES, FOLDED_LABELS, LABEL_CAPS, SHED_STATES, type Snapshot } from '@shakewatch/protocol';
import type { BypassStats } from '@shakewatch/pcap';
import type { CaptureCounters } from '../capture/packet-source';
import { BoundedLabel } from './bounded-label';
import type { DirectionClassifier } from './direction';
import { HistogramRows, ValueRows } from './family-rows';
import type { PortLabeler } from './port-labeler';

export interface TrackerHealth {
  tracked: number;
  evicted: number;
  skipped: Record<PacketSkipReason, number>;
  halfOpen: number;
  memoryBytes: number;
  /** Cumulative counts of state let go for the memory budget, by SHED_STATES. */
  shed: Record<(typeof SHED_STATES)[number], number>;
  evictedSegments: number;
  timeJumpsHeld: number;
}

export interface AgentTotalsOptions {
  direction: DirectionClassifier;
  ports: PortLabeler;
  /** When the agent process started (Unix seconds). */
  startTimeSeconds: number;
}

const F = AGENT_FAMILIES;
const alertLevel = (level: string): string => ((ALERT_LEVELS as readonly string[]).includes(level) ? level : 'other');

/**
 * The agent's cumulative totals since it started, as data: rows of libs/protocol's metric
 * families (AGENT_FAMILIES), which a snapshot copies out as they are (`families()`), for
 * the hub or for the stdout renderer. Handshakes are folded in as they complete, TLS
 * sessions when their outcome is known, connections when they end; capture and tracker
 * counts are brought up to date before each snapshot. No `agent` label: who the agent is
 * is said by whoever renders or receives the snapshot.
 */
export class AgentTotals {
  private readonly cipher = new BoundedLabel('cipher', LABEL_CAPS.cipher);
  private readonly version = new BoundedLabel('version', LABEL_CAPS.version);
  private readonly description = new BoundedLabel('description', LABEL_CAPS.description);

  private readonly handshakeSeconds = new HistogramRows(F.tcpHandshakeDuration);
  private readonly connections = new ValueRows(F.tcpConnections);
  private readonly resets = new ValueRows(F.tcpResets);
  private readonly synRetransmits = new ValueRows(F.tcpSynRetransmits);
  private readonly tlsHandshakes = new ValueRows(F.tlsHandshakes);
  private readonly tlsSeconds = new HistogramRows(F.tlsHandshakeDuration);
  private readonly tlsAlerts = new ValueRows(F.tlsAlerts);
  private readonly packets = new ValueRows(F.capturePackets);
  private readonly dropped = new ValueRows(F.captureDropped);
  private readonly tracked = new ValueRows(F.trackedConnections);
  private readonly evicted = new ValueRows(F.evictedConnections);
  private readonly halfOpen = new ValueRows(F.halfOpenConnections);
  private readonly stateMemory = new ValueRows(F.stateMemory);
  private readonly stateShed = new ValueRows(F.stateShed);
  private readonly evictedSegments = new ValueRows(F.evictedSegments);
  private readonly timeJumpsHeld = new ValueRows(F.timeJumpsHeld);
  private readonly skipped = new ValueRows(F.skippedPackets);
  private readonly folded = new ValueRows(F.foldedLabelValues);
  private readonly bypassConnections = new ValueRows(F.bypassConnections);
  private readonly bypassTable = new ValueRows(F.bypassTable);
  private readonly bypassPackets = new ValueRows(F.bypassPackets);
  private readonly bypassedBytes = new ValueRows(F.bypassedBytes);
  private readonly startTime = new ValueRows(F.agentStartTime);
  private readonly all = [
    this.handshakeSeconds, this.connections, this.resets, this.synRetransmits, this.tlsHandshakes, this.tlsSeconds, this.tlsAlerts,
    this.packets, this.dropped, this.tracked, this.evicted, this.halfOpen, this.stateMemory, this.stateShed, this.evictedSegments, this.timeJumpsHeld,
    this.skipped, this.folded, this.bypassConnections, this.bypassTable, this.bypassPackets, this.bypassedBytes, this.startTime,
  ];

  constructor(private readonly options: AgentTotalsOptions) {
    // Series that exist from the start, at zero: a rate over them works from the first scrape.
    this.startTime.set([], options.startTimeSeconds);
    this.capture({ received: 0, dropped: 0, interfaceDropped: 0 });
    this.tracker({
      tracked: 0, evicted: 0, halfOpen: 0, memoryBytes: 0, evictedSegments: 0, timeJumpsHeld: 0,
      shed: Object.fromEntries(SHED_STATES.map((s) => [s, 0])) as TrackerHealth['shed'],
      skipped: Object.fromEntries(PACKET_SKIP_REASONS.map((r) => [r, 0])) as Record<PacketSkipReason, number>,
    });
  }

  /** A completed three-way handshake (as it completes): its iRTT, and its server port has answered. */
  handshake(c: Connection): void {
    this.options.ports.answered(c.serverPort);
    if (c.rttNs >= 0) this.handshakeSeconds.observe([this.options.direction.classify(c.clientAddr, c.serverAddr)], c.rttNs / 1e9);
  }

  /** A TLS session whose outcome is known: negotiated, failed with an alert, or not TLS. */
  tls(t: TlsSession): void {
    if (!t.isTls) return;
    const v = t.version;
    const version = this.version.value((v !== null ? ecsTlsVersion(v)?.version : undefined) ?? 'unknown');
    const cipher = negotiatedCipher(t);
    if (cipher !== undefined) this.tlsHandshakes.add([version, this.cipher.value(cipher)]);
    const seconds = tlsHandshakeSeconds(t);
    if (seconds !== undefined) this.tlsSeconds.observe([version], seconds);
    const alert = reportedAlert(t);
    if (alert) this.tlsAlerts.add([alertLevel(alert.level), alert.description === 'encrypted' ? 'encrypted' : this.description.value(alert.description)]);
  }

  /** An ended connection: its Zeek state, how it was reset, SYN retries; by direction and server port. */
  ended(c: Connection): void {
    const direction = this.options.direction.classify(c.clientAddr, c.serverAddr);
    const port = this.options.ports.label(c.serverPort);
    this.connections.add([direction, port, c.connState]);
    if (c.firstRstSide !== -1) this.resets.add([direction, port, c.firstRstSide === CLIENT ? 'client' : 'server', c.resetPhase ?? 'established']);
    const retries = c.anomalies.syn_retransmission ?? 0;
    if (retries > 0) this.synRetransmits.add([direction], retries);
  }

  /** The capture's cumulative counts (they only grow: a smaller one is ignored). */
  capture(counters: CaptureCounters): void {
    this.packets.raise([], counters.received);
    this.dropped.raise([DROP_PLACES[0]], counters.dropped);
    this.dropped.raise([DROP_PLACES[1]], counters.interfaceDropped);
  }

  /** The tracker's and the decoder's own counts. */
  tracker(health: TrackerHealth): void {
    this.tracked.set([], health.tracked);
    this.evicted.raise([], health.evicted);
    this.halfOpen.set([], health.halfOpen);
    this.stateMemory.set([], health.memoryBytes);
    for (const state of SHED_STATES) this.stateShed.raise([state], health.shed[state]);
    this.evictedSegments.raise([], health.evictedSegments);
    this.timeJumpsHeld.raise([], health.timeJumpsHeld);
    for (const [reason, n] of Object.entries(health.skipped)) this.skipped.raise([reason], n);
  }

  /**
   * A live capture's flow bypass counters (libs/pcap's table). Only an agent with the bypass
   * on calls this (from its first snapshot, at zero): the others have no rows of those families.
   */
  bypass(s: BypassStats): void {
    this.bypassConnections.set([], s.entries);
    this.bypassTable.raise(['added'], s.added);
    this.bypassTable.raise(['full'], s.full);
    this.bypassTable.raise(['late'], s.late);
    this.bypassTable.raise(['left_on_flags'], s.passedFlags);
    this.bypassTable.raise(['left_idle'], s.expired);
    this.bypassTable.raise(['left_by_agent'], s.removed);
    this.bypassPackets.raise(['bypassed'], s.bypassedPackets);
    this.bypassPackets.raise(['passed_flags'], s.passedFlags);
    this.bypassPackets.raise(['passed_refresh'], s.passedRefresh);
    this.bypassPackets.raise(['not_understood'], s.notUnderstood);
    this.bypassedBytes.raise([], s.bypassedBytes);
  }

  /** The cumulative totals, one entry per AGENT_FAMILIES name (a copy: later counts do not change it). */
  families(): Snapshot['families'] {
    const folds: Record<(typeof FOLDED_LABELS)[number], number> = {
      cipher: this.cipher.folded, version: this.version.folded, description: this.description.folded, port: this.options.ports.folded,
    };
    for (const label of FOLDED_LABELS) this.folded.set([label], folds[label]);
    const out: Snapshot['families'] = {};
    for (const rows of this.all) out[rows.family.name] = rows.snapshot();
    return out;
  }
}
