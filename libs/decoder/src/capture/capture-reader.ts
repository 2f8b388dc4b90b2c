import { u32le } from '../bytes';
import type { CaptureError } from '../errors';
import { ByteQueue } from './byte-queue';
import { PcapFormat } from './pcap-format';
import { PcapngFormat } from './pcapng-format';
import { newRawPacket, type RawPacket } from './raw-packet';

export type CaptureFormatName = 'pcap' | 'pcapng';

/**
 * Streaming reader for pcap and pcapng: push chunks of any size in, packets come out
 * through the callback in order. Memory is bounded by the largest record (capped), not
 * by the file. After damage it emits nothing more and keeps the first error.
 */
export class CaptureReader {
  private readonly queue = new ByteQueue();
  private readonly packet = newRawPacket();
  private format: PcapFormat | PcapngFormat | null = null;
  private failure: CaptureError | null = null;

  constructor(private readonly onPacket: (p: RawPacket) => void) {}

  get formatName(): CaptureFormatName | null {
    return this.format?.name ?? null;
  }

  get error(): CaptureError | null {
    return this.failure;
  }

  /** Bytes of the input fully consumed so far. */
  get bytesRead(): number {
    return this.queue.consumed;
  }

  /**
   * Feed the next chunk. Returns false once the stream is known to be corrupt. The reader
   * keeps no reference to `chunk` after returning (an incomplete record is copied), so
   * callers may read every chunk into the same buffer.
   */
  push(chunk: Uint8Array): boolean {
    if (this.failure) return false;
    this.queue.push(chunk);
    try {
      return this.consume();
    } finally {
      this.queue.detach();
    }
  }

  private consume(): boolean {
    if (this.format === null) {
      const magic = this.queue.peek(4);
      if (magic === null) return true;
      const m = u32le(magic, 0);
      if (PcapFormat.sniff(m)) this.format = new PcapFormat();
      else if (PcapngFormat.sniff(m)) this.format = new PcapngFormat();
      else {
        this.failure = { code: 'capture.unknown_format', offset: 0, message: `not a pcap or pcapng file (magic 0x${m.toString(16).padStart(8, '0')})` };
        return false;
      }
    }
    this.failure = this.format.parse(this.queue, this.packet, this.onPacket);
    return this.failure === null;
  }

  /** Call at end of input: reports a truncated tail (or an empty file) as an error. */
  end(): CaptureError | null {
    if (this.failure) return this.failure;
    if (this.format === null) {
      this.failure = this.queue.length === 0
        ? { code: 'capture.truncated_header', offset: 0, message: 'empty file: no pcap or pcapng header' }
        : { code: 'capture.truncated_header', offset: 0, message: 'file too short to be a capture' };
    } else if (this.queue.length > 0) {
      this.failure = this.format.describeTail(this.queue);
    }
    return this.failure;
  }
}
