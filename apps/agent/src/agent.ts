import { randomUUID } from 'node:crypto';
import type { Snapshot } from '@shakewatch/protocol';
import type { Logger } from 'pino';
import { AgentTotals } from './aggregate/agent-totals';
import { DirectionClassifier } from './aggregate/direction';
import { PortLabeler } from './aggregate/port-labeler';
import { hostAddresses, LocalAddresses } from './capture/local-addresses';
import type { PacketSource } from './capture/packet-source';
import type { LoadedRunConfig } from './cli/run-config';
import { DecodingPipeline } from './pipeline/decoding-pipeline';
import { buildHello } from './publish/hello';
import { HubPublisher } from './publish/hub-publisher';
import { StdoutPublisher } from './publish/stdout-publisher';

/**
 * The agent: packets from a source, through the decoding pipeline, into cumulative totals
 * (handshakes as they complete, TLS outcomes as they are known, connections as they end),
 * published as snapshots: Prometheus text on stdout every interval (--print-metrics)
 * and/or to a hub. When the source ends or stop() is called, every tracked connection is
 * ended and counted, and the final snapshot goes to every publisher.
 */
export class Agent {
  /** This process's boot: a new one is a counter reset to Prometheus. */
  readonly bootId = randomUUID();
  readonly startedAt = Date.now() / 1000;
  private readonly pipeline: DecodingPipeline;
  private readonly totals: AgentTotals;
  private readonly direction = new DirectionClassifier();
  private readonly localAddresses: LocalAddresses;
  private readonly stdout: StdoutPublisher | null;
  private readonly hub: HubPublisher | null;
  private stopping = false;

  constructor(private readonly config: LoadedRunConfig, private readonly source: PacketSource, private readonly log: Logger) {
    const ports = new PortLabeler({ ports: config.ports, maxPorts: config.maxPorts });
    this.totals = new AgentTotals({ direction: this.direction, ports, startTimeSeconds: Math.floor(this.startedAt) });
    this.pipeline = new DecodingPipeline({
      maxConnections: config.maxConnections,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
      onConnection: (c) => this.totals.ended(c),
      onHandshake: (c) => this.totals.handshake(c),
      onTlsOutcome: (t) => this.totals.tls(t),
    });
    this.localAddresses = new LocalAddresses(config.localAddresses, source.live ? hostAddresses : null, (a) => this.direction.setAddresses(a), log);
    this.stdout = config.printMetrics ? new StdoutPublisher(config.agentId) : null;
    this.hub = config.hubs.length > 0 && config.hubAuth
      ? new HubPublisher({
          urls: config.hubs,
          auth: config.hubAuth,
          agentId: config.agentId,
          hello: buildHello({
            agentId: config.agentId,
            bootId: this.bootId,
            startedAt: this.startedAt,
            intervalSeconds: config.intervalSeconds,
            capture: config.read
              ? { source: 'file', interfaces: [], file: config.read }
              : { source: 'live', interfaces: config.interfaces, filter: config.filter, snaplen: config.snaplen, promiscuous: config.promiscuous },
          }),
          intervalSeconds: config.intervalSeconds,
          retryMaxSeconds: config.hubRetryMaxSeconds,
          takeSnapshot: () => this.snapshot(),
          log,
        })
      : null;
  }

  async run(): Promise<void> {
    this.localAddresses.start();
    this.log.info({ source: this.source.description, bootId: this.bootId, localAddresses: this.localAddresses.addresses.length }, 'agent started');
    this.hub?.start();
    const timer = this.stdout ? setInterval(() => this.stdout?.publish(this.snapshot()), this.config.intervalSeconds * 1000) : null;
    timer?.unref();
    try {
      await this.source.run((raw) => this.pipeline.packet(raw));
    } finally {
      if (timer) clearInterval(timer);
      this.localAddresses.stop();
      this.pipeline.flush();
      this.stdout?.publish(this.snapshot());
      await this.hub?.stop();
      const st = this.pipeline.tracker.stats;
      this.log.info({ packets: this.source.counters().received, connections: st.connectionsCreated, evicted: st.evicted }, this.stopping ? 'agent stopped, final snapshot flushed' : 'source ended, final snapshot flushed');
    }
  }

  /** SIGTERM/SIGINT: stop the source; run() then flushes and publishes the last snapshot. */
  stop(signal: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ signal }, 'stopping');
    this.source.stop();
  }

  /** The totals now, with the capture's and the tracker's own counts brought up to date. */
  private snapshot(): Snapshot['families'] {
    if (this.source.live && !this.stopping) {
      // A quiet link brings no packet to end idle connections with: the clock does.
      const now = Date.now();
      this.pipeline.advanceTo(Math.floor(now / 1000), (now % 1000) * 1e6);
    }
    const st = this.pipeline.tracker.stats;
    this.totals.capture(this.source.counters());
    this.totals.tracker({ tracked: st.active, evicted: st.evicted, skipped: this.pipeline.decoder.skipped });
    return this.totals.families();
  }
}
