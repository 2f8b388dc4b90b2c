import { CaptureReader } from './capture/capture-reader';
import type { RawPacket } from './capture/raw-packet';
import type { CaptureError } from './errors';
import { PacketDecoder, type PacketDecoderOptions } from './packet-decoder';
import { tlsEvent } from './event/tls-event';
import type { Connection } from './tcp/connection';
import { ConnTracker, type ConnTrackerOptions } from './tcp/conn-tracker';
import { TlsStreams } from './tls/tls-streams';

export interface CaptureAnalyzerOptions extends ConnTrackerOptions, PacketDecoderOptions {
  /**
   * Make each connection's TLS event part when its session is done and let the session go
   * (unless a ladder is recorded): same events, far less kept alive. Off by default, since
   * then `Connection.tls` is null after the handshake.
   */
  summarizeTlsEarly?: boolean;
  /** Decode TLS handshakes (on any port, by content): the tracker's stream hook. Default true. */
  tls?: boolean;
}

export interface AnalyzerError {
  code: CaptureError['code'] | 'internal';
  offset: number;
  message: string;
}

/**
 * The whole offline pipeline: capture bytes in (any chunking), ended connections out.
 * Never throws: capture damage and internal faults come back as one error value, after
 * every good packet before it was analysed.
 */
export class CaptureAnalyzer {
  readonly decoder: PacketDecoder;
  readonly tracker: ConnTracker;
  private readonly reader: CaptureReader;
  private failure: AnalyzerError | null = null;
  packets = 0;
  tcpPackets = 0;

  constructor(onConnection: (c: Connection) => void, options: CaptureAnalyzerOptions = {}) {
    this.decoder = new PacketDecoder(options);
    const early = options.summarizeTlsEarly === true && options.recordLadder !== true;
    const streams = options.tls === false ? null : new TlsStreams(options.recordLadder === true);
    this.tracker = new ConnTracker(onConnection, { ...options, streams, ...(early ? { onTlsDone: (c: Connection) => summarize(c, options.onTlsDone) } : {}) });
    this.reader = new CaptureReader((raw) => this.onPacket(raw));
  }

  get error(): AnalyzerError | null {
    return this.failure;
  }

  get bytesRead(): number {
    return this.reader.bytesRead;
  }

  get formatName(): string | null {
    return this.reader.formatName;
  }

  /** Feed capture bytes. Returns false once the input is known to be bad. */
  push(chunk: Uint8Array): boolean {
    if (this.failure) return false;
    try {
      if (!this.reader.push(chunk)) this.failure = this.reader.error;
    } catch (e) {
      this.failure = internal(e, this.reader.bytesRead);
    }
    return this.failure === null;
  }

  /** End of input: flushes every connection (even after an error) and reports the first error. */
  end(): AnalyzerError | null {
    try {
      if (!this.failure) this.failure = this.reader.end();
      this.tracker.flush();
    } catch (e) {
      this.failure ??= internal(e, this.reader.bytesRead);
    }
    return this.failure;
  }

  private onPacket(raw: RawPacket): void {
    this.packets++;
    const p = this.decoder.decode(raw);
    if (p === null) return;
    this.tcpPackets++;
    this.tracker.packet(p);
  }
}

function summarize(c: Connection, next: ((c: Connection) => void) | undefined): void {
  next?.(c);
  c.tlsSummary = tlsEvent(c.tls);
  c.tls = null;
}

function internal(e: unknown, offset: number): AnalyzerError {
  return { code: 'internal', offset, message: `internal decoder fault: ${e instanceof Error ? e.message : String(e)}` };
}
