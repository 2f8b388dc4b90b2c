import { grownFor } from '../bytes';
import { u24At as u24 } from './byte-reader';

export interface HandshakeSink {
  /** A message's body, as a view (valid only during the call). Not called when the sink has `messageAt`. */
  message(type: number, body: Uint8Array): void;
  /**
   * A message's body in place, `length` bytes of `b` from `offset` (valid only during the
   * call): when the sink has it, the assembler calls it instead of `message`, with no view.
   */
  messageAt?(type: number, b: Uint8Array, offset: number, length: number): void;
  /** A message longer than the cap: its type is known, its body is skipped, not buffered. */
  oversized(type: number, length: number): void;
}

/**
 * Splits one direction's handshake-record bodies into handshake messages (a message may
 * span many records, and a record may hold many messages). A message that spans records
 * is copied into a buffer that doubles as its bytes arrive, up to the size its header
 * claims: a chain fragmented over 20 records costs a few copies, and a header claiming
 * 256 kB followed by nothing costs what arrived. A message over `max` bytes is skipped instead of
 * buffered: a huge Certificate must not blind us to the ServerKeyExchange and the
 * ChangeCipherSpec behind it (zeek/tls-fragmented-handshake.pcap: a 340 kB chain).
 */
export class HandshakeAssembler {
  /** The message being assembled: 4 header bytes, then its exact size once the header is complete. */
  private partial: Uint8Array | null = null;
  private have = 0;
  /** The partial message's size (4 until its header is complete); its buffer grows as bytes arrive (grownFor). */
  private size = 0;
  /** Body bytes still to skip of an oversized message. */
  private skip = 0;
  /** The sink, when it reads messages in place. */
  private readonly inPlace: Pick<Required<HandshakeSink>, 'messageAt'> | null;

  constructor(private readonly sink: HandshakeSink, private readonly max: number) {
    this.inPlace = sink.messageAt !== undefined ? (sink as Pick<Required<HandshakeSink>, 'messageAt'>) : null;
  }

  /**
   * One handshake record's body: `length` bytes of `b` from `offset` (all of `b` by default).
   * Bodies passed to the sink are valid only during the call.
   */
  push(b: Uint8Array, offset = 0, length = b.length - offset): void {
    const end = offset + length;
    let o = offset;
    if (this.skip > 0) {
      const n = Math.min(this.skip, length);
      this.skip -= n;
      o += n;
    }
    if (this.partial !== null) o = this.fill(b, o, end);
    while (o < end) {
      const left = end - o;
      if (left < 4) {
        this.size = 4;
        this.partial = new Uint8Array(4);
        for (let i = 0; i < left; i++) this.partial[i] = b[o + i];
        this.have = left;
        return;
      }
      const len = u24(b, o + 1);
      if (len > this.max) {
        o = this.startSkip(b[o], len, left - 4) + o + 4;
        continue;
      }
      if (left < 4 + len) {
        this.size = 4 + len;
        this.partial = grownFor(null, 0, left, this.size);
        this.partial.set(b.subarray(o, end));
        this.have = left;
        return;
      }
      this.deliver(b[o], b, o + 4, len);
      o += 4 + len;
    }
  }

  private deliver(type: number, b: Uint8Array, offset: number, length: number): void {
    if (this.inPlace !== null) this.inPlace.messageAt(type, b, offset, length);
    else this.sink.message(type, b.subarray(offset, offset + length));
  }

  /** Continues the partial message from `b[o, end)`; returns the offset after the bytes used. */
  private fill(b: Uint8Array, o: number, end: number): number {
    let p = this.partial as Uint8Array;
    if (this.have < 4) {
      const n = Math.min(4 - this.have, end - o);
      for (let i = 0; i < n; i++) p[this.have + i] = b[o + i];
      this.have += n;
      o += n;
      if (this.have < 4) return o;
      const len = u24(p, 1);
      if (len > this.max) {
        this.partial = null;
        return o + this.startSkip(p[0], len, end - o);
      }
      this.size = 4 + len;
    }
    const n = Math.min(this.size - this.have, end - o);
    this.partial = p = grownFor(p, this.have, this.have + n, this.size);
    p.set(b.subarray(o, o + n), this.have);
    this.have += n;
    if (this.have === this.size) {
      this.partial = null;
      this.deliver(p[0], p, 4, this.size - 4);
    }
    return o + n;
  }

  /** No more messages: what it held is let go. */
  stop(): void {
    this.partial = null;
    this.have = this.size = this.skip = 0;
  }

  /** Bytes held for a message not yet complete (for the tracker's memory budget). */
  get heldBytes(): number {
    return this.partial?.length ?? 0;
  }

  /** Reports an oversized message and skips its body; returns how many of `available` bytes it used. */
  private startSkip(type: number, len: number, available: number): number {
    this.sink.oversized(type, len);
    const n = Math.min(len, available);
    this.skip = len - n;
    return n;
  }
}
