import { randomUUID } from 'node:crypto';
import type { Snapshot } from '@shakewatch/protocol';
import type { Logger } from 'pino';
import { AgentTotals } from './aggregate/agent-totals';
import { DirectionClassifier } from './aggregate/direction';
import { PortLabeler } from './aggregate/port-labeler';
import { hostAddresses, LocalAddresses } from './capture/local-addresses';
import type { PacketSource } from './capture/packet-source';
import type { LoadedRunConfig } from './cli/run-config';
import { describeWriteError } from './cli/stdout-writer';
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
    const bypass = source.bypass ?? null;
    this.pipeline = new DecodingPipeline({
      maxConnections: config.maxConnections,
      memoryBudgetBytes: config.memoryBudgetMiB * 1024 * 1024,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
      synTimeoutSeconds: config.synTimeoutSeconds,
      onConnection: bypass !== null
        ? (c) => {
            this.totals.ended(c);
            bypass.ended(c);
          }
        : (c) => this.totals.ended(c),
      onHandshake: (c) => this.totals.handshake(c),
      onTlsOutcome: (t) => this.totals.tls(t),
      onLearned: bypass !== null ? (c) => bypass.learned(c) : undefined,
    });
    this.localAddresses = new LocalAddresses(config.localAddresses, source.live ? hostAddresses : null, (a) => this.direction.setAddresses(a), log);
    this.stdout = config.printMetrics ? new StdoutPublisher(config.agentId, (e) => this.stdoutFailed(e)) : null;
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
    // Before the first packet: a replay delivers packets while its first chunk is read.
    this.localAddresses.start();
    let timer = null as NodeJS.Timeout | null;
    let opened = false as boolean;
    // Publishing starts once the source is open: a source that fails to open (no such
    // interface, an unreadable file) publishes nothing, not a snapshot of zeros.
    const onOpen = () => {
      opened = true;
      this.log.info({ source: this.source.description, bootId: this.bootId, localAddresses: this.localAddresses.addresses.length }, 'agent started');
      this.hub?.start();
      timer = this.stdout ? setInterval(() => this.stdout?.publish(this.snapshot()), this.config.intervalSeconds * 1000) : null;
      timer?.unref();
    };
    let failure: unknown = null;
    try {
      await this.source.run((raw) => this.pipeline.packet(raw), onOpen);
      if (!opened) onOpen(); // a source that ended before it had anything (an empty FIFO)
    } catch (e) {
      failure = e;
    }
    if (timer) clearInterval(timer);
    this.localAddresses.stop();
    if (!opened) {
      this.log.error({ source: this.source.description }, `cannot start: ${messageOf(failure)}`);
      throw failure;
    }
    this.pipeline.flush();
    this.stdout?.publish(this.snapshot());
    await this.hub?.stop();
    const st = this.pipeline.tracker.stats;
    const counts = { packets: this.source.counters().received, connections: st.connectionsCreated, evicted: st.evicted };
    if (failure !== null) {
      // Damage part-way through: the good packets before it are counted (as inspect shows them).
      this.log.error(counts, `source failed, final snapshot flushed: ${messageOf(failure)}`);
      throw failure;
    }
    this.log.info(counts, this.stopping ? 'agent stopped, final snapshot flushed' : 'source ended, final snapshot flushed');
  }

  /** SIGTERM/SIGINT: stop the source; run() then flushes and publishes the last snapshot. */
  stop(signal: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ signal }, 'stopping');
    this.source.stop();
  }

  /** stdout closed (`| head`): stop as on SIGTERM, quietly; any other write error: one error line and exit 1. */
  private stdoutFailed(e: unknown): void {
    const line = describeWriteError(e);
    if (line === null) return this.stop('stdout closed');
    this.log.error({ code: (e as NodeJS.ErrnoException)?.code }, line);
    this.log.flush();
    process.exit(1);
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
    this.totals.tracker({
      tracked: st.active, evicted: st.evicted, halfOpen: st.halfOpen, memoryBytes: this.pipeline.tracker.memoryUsed(),
      shed: { out_of_order: st.shedOutOfOrder, half_open: st.shedHalfOpen, connection: st.shedConnections },
      evictedSegments: st.evictedSegments, timeJumpsHeld: st.timeJumpsHeld, skipped: this.pipeline.decoder.skipped,
    });
    if (this.source.bypass) this.totals.bypass(this.source.bypass.stats());
    return this.totals.families();
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
