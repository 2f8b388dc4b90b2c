import { newRawPacket, type RawPacket } from '@shakewatch/decoder';
import { openLive, type LiveCapture, type PacketBatch } from '@shakewatch/pcap';
import type { Logger } from 'pino';
import { FlowBypass } from './flow-bypass';
import type { CaptureCounters, PacketSource } from './packet-source';

/**
 * The default kernel-side filter: every TCP segment and nothing else. Handshake
 * analysis needs the ACK that completes the handshake (a pure ACK) and the TLS bytes
 * that continue a record across segments, which no stateless BPF expression can tell
 * from bulk data; so bulk data is let through, and the decoder makes it cheap (after a
 * handshake, a segment costs a header decode and a table lookup). See the README for
 * narrower filters and what each loses.
 */
export const DEFAULT_FILTER = 'tcp';

/**
 * Packets reach the agent in kernel blocks (libpcap without immediate mode: TPACKET_V3),
 * a block as soon as it fills or at most this long after its first packet. Metrics do not
 * need packets sooner (timestamps are the kernel's, snapshots go out every few seconds),
 * and one wake-up per block instead of one per packet or two halves the agent's CPU time
 * (bench/README.md, "Live path"); the ring also packs small packets instead of giving each
 * a frame the size of the MTU, so the same buffer holds several times as many.
 */
export const BLOCK_TIMEOUT_MS = 100;

export interface LiveSourceOptions {
  interfaces: string[];
  filter: string;
  snaplen: number;
  bufferBytes: number;
  promiscuous: boolean;
  /** The flow bypass (segments of connections the agent learned all it reports of, dropped in C), or null: --no-bypass. */
  bypass: { idleTimeoutSeconds: number; maxConnections?: number } | null;
}

/** Live capture on one or more interfaces through libs/pcap, batches unpacked here. */
export class LiveSource implements PacketSource {
  readonly description: string;
  readonly live = true;
  readonly bypass: FlowBypass | null;
  private captures: LiveCapture[] = [];
  /** The capture whose batch is being read, and the packet's place in it (the bypass adds from there). */
  private current: LiveCapture | null = null;
  private index = -1;
  private finish: (() => void) | null = null;
  private stopping = false;

  constructor(private readonly options: LiveSourceOptions, private readonly log: Logger) {
    this.description = `live capture on ${options.interfaces.join(', ')} (filter "${options.filter}"${options.bypass ? '' : ', no bypass'})`;
    this.bypass = options.bypass ? new FlowBypass(options.bypass, log, () => this.current, () => this.index) : null;
  }

  run(onPacket: (p: RawPacket) => void, onOpen?: () => void): Promise<void> {
    const raw = newRawPacket();
    let frame = 0;
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    for (const [interfaceId, device] of this.options.interfaces.entries()) {
      const capture = openLive({
        device,
        filter: this.options.filter,
        snaplen: this.options.snaplen,
        bufferSize: this.options.bufferBytes,
        promiscuous: this.options.promiscuous,
        immediate: false,
        timeoutMs: BLOCK_TIMEOUT_MS,
      });
      this.captures.push(capture);
      this.bypass?.attach(capture);
      this.log.info({ device, linkType: capture.linkType, timestamps: capture.timestampPrecision }, 'capturing');
      capture.onBatch((b: PacketBatch) => {
        raw.linkType = capture.linkType;
        raw.interfaceId = interfaceId;
        this.current = capture;
        for (let i = 0; i < b.count; i++) {
          this.index = i;
          raw.frame = ++frame;
          raw.tsSec = b.timestampSeconds[i];
          raw.tsNsec = b.timestampNanoseconds[i];
          raw.origLen = b.originalLengths[i];
          raw.data = b.data;
          raw.offset = b.offsets[i];
          raw.caplen = b.capturedLengths[i];
          onPacket(raw);
        }
        this.current = null;
        this.index = -1;
      });
    }
    onOpen?.();
    return done;
  }

  /**
   * Stops after the kernel has handed over its last, partly filled block (it does so
   * BLOCK_TIMEOUT_MS after the block's first packet), so packets seen before the stop
   * still reach the final snapshot.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    setTimeout(() => {
      for (const c of this.captures) c.close(); // idempotent; stats() keeps the last counts
      this.finish?.();
    }, this.captures.length > 0 ? BLOCK_TIMEOUT_MS + 50 : 0);
  }

  counters(): CaptureCounters {
    const sum: CaptureCounters = { received: 0, dropped: 0, interfaceDropped: 0 };
    for (const c of this.captures) {
      const s = c.stats();
      sum.received += s.received;
      sum.dropped += s.dropped;
      sum.interfaceDropped += s.interfaceDropped;
    }
    return sum;
  }
}
