import { CaptureReader } from './capture/capture-reader';
import type { RawPacket } from './capture/raw-packet';
import type { CaptureError } from './errors';
import { PacketDecoder, type PacketDecoderOptions } from './packet-decoder';
import type { Connection } from './tcp/connection';
import { ConnTracker, type ConnTrackerOptions } from './tcp/conn-tracker';

export interface CaptureAnalyzerOptions extends ConnTrackerOptions, PacketDecoderOptions {}

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
    this.tracker = new ConnTracker(onConnection, options);
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

function internal(e: unknown, offset: number): AnalyzerError {
  return { code: 'internal', offset, message: `internal decoder fault: ${e instanceof Error ? e.message : String(e)}` };
}
