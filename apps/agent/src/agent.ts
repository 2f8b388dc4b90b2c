import { ConnTracker, PacketDecoder, type Connection, type RawPacket } from '@shakewatch/decoder';
import type { Logger } from 'pino';
import { AgentMetrics } from '../metrics/agent-metrics';
import type { PacketSource } from './packet-source';
import type { RunConfig } from './run-config';

/**
 * The agent's pipeline: packets from a source, decoded to TCP, tracked per connection,
 * folded into cumulative metrics as connections end. Snapshots go to `emit` every
 * interval and once more, after every connection is flushed, when the agent stops.
 */
export class AgentRuntime {
  readonly metrics: AgentMetrics;
  private readonly decoder = new PacketDecoder();
  private readonly tracker: ConnTracker;
  private stopping = false;

  constructor(private readonly config: RunConfig, private readonly source: PacketSource, private readonly log: Logger, private readonly emit: (snapshot: string) => void) {
    this.metrics = new AgentMetrics(config.agentId);
    this.tracker = new ConnTracker((c) => this.ended(c), {
      maxConnections: config.maxConnections,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
      reuseConnections: true, // ended() keeps nothing of a connection
      onHandshake: (c) => this.metrics.handshake(c),
      onTlsDone: (c) => {
        if (c.tls) this.metrics.tls(c.tls);
        c.tls = null; // counted: let the parsed hellos die young
      },
    });
  }

  async run(): Promise<void> {
    this.log.info({ source: this.source.description }, 'agent started');
    const timer = this.config.printMetrics ? setInterval(() => void this.snapshot(), this.config.intervalSeconds * 1000) : null;
    timer?.unref();
    try {
      await this.source.run((raw: RawPacket) => {
        const p = this.decoder.decode(raw);
        if (p !== null) this.tracker.packet(p);
      });
    } finally {
      if (timer) clearInterval(timer);
      this.tracker.flush();
      await this.snapshot();
      const st = this.tracker.stats;
      this.log.info({ packets: this.source.counters().received, connections: st.connectionsCreated, evicted: st.evicted }, this.stopping ? 'agent stopped, final snapshot flushed' : 'source ended, final snapshot flushed');
    }
  }

  /** A connection ends: its state, and the TLS outcome if the session never finished. */
  private ended(c: Connection): void {
    if (!c.tlsDone && c.tls) this.metrics.tls(c.tls);
    this.metrics.ended(c);
  }

  /** SIGTERM/SIGINT: stop the source; run() then flushes and emits the last snapshot. */
  stop(signal: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ signal }, 'stopping');
    this.source.stop();
  }

  private async snapshot(): Promise<void> {
    const st = this.tracker.stats;
    this.metrics.update(this.source.counters(), { tracked: st.active, evicted: st.evicted, skipped: this.decoder.skipped });
    if (this.config.printMetrics) this.emit(await this.metrics.text());
  }
}
