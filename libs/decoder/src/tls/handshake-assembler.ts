export interface HandshakeSink {
  message(type: number, body: Uint8Array): void;
  /** A message longer than the cap: its type is known, its body is skipped, not buffered. */
  oversized(type: number, length: number): void;
}

const u24 = (b: Uint8Array, o: number): number => (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];

/**
 * Splits one direction's handshake-record bodies into handshake messages (a message may
 * span many records, and a record may hold many messages). A message that spans records
 * is copied once into a buffer of its exact size, so a chain fragmented over 20 records
 * costs one copy, not 20 growing ones. A message over `max` bytes is skipped instead of
 * buffered: a huge Certificate must not blind us to the ServerKeyExchange and the
 * ChangeCipherSpec behind it (zeek/tls-fragmented-handshake.pcap: a 340 kB chain).
 */
export class HandshakeAssembler {
  /** The message being assembled: 4 header bytes, then its exact size once the header is complete. */
  private partial: Uint8Array | null = null;
  private have = 0;
  /** Body bytes still to skip of an oversized message. */
  private skip = 0;

  constructor(private readonly sink: HandshakeSink, private readonly max: number) {}

  /** One handshake record's body. Views passed to the sink are valid only during the call. */
  push(b: Uint8Array): void {
    let o = 0;
    if (this.skip > 0) {
      o = Math.min(this.skip, b.length);
      this.skip -= o;
    }
    if (this.partial !== null) o = this.fill(b, o);
    while (o < b.length) {
      const left = b.length - o;
      if (left < 4) {
        this.partial = new Uint8Array(4);
        this.partial.set(b.subarray(o));
        this.have = left;
        return;
      }
      const len = u24(b, o + 1);
      if (len > this.max) {
        o = this.startSkip(b[o], len, left - 4) + o + 4;
        continue;
      }
      if (left < 4 + len) {
        this.partial = new Uint8Array(4 + len);
        this.partial.set(b.subarray(o));
        this.have = left;
        return;
      }
      this.sink.message(b[o], b.subarray(o + 4, o + 4 + len));
      o += 4 + len;
    }
  }

  /** Continues the partial message from `b[o..]`; returns the offset after the bytes used. */
  private fill(b: Uint8Array, o: number): number {
    let p = this.partial as Uint8Array;
    if (this.have < 4) {
      const n = Math.min(4 - this.have, b.length - o);
      p.set(b.subarray(o, o + n), this.have);
      this.have += n;
      o += n;
      if (this.have < 4) return o;
      const len = u24(p, 1);
      if (len > this.max) {
        this.partial = null;
        return o + this.startSkip(p[0], len, b.length - o);
      }
      const full = new Uint8Array(4 + len);
      full.set(p);
      this.partial = p = full;
    }
    const n = Math.min(p.length - this.have, b.length - o);
    p.set(b.subarray(o, o + n), this.have);
    this.have += n;
    if (this.have === p.length) {
      this.partial = null;
      this.sink.message(p[0], p.subarray(4));
    }
    return o + n;
  }

  /** Reports an oversized message and skips its body; returns how many of `available` bytes it used. */
  private startSkip(type: number, len: number, available: number): number {
    this.sink.oversized(type, len);
    const n = Math.min(len, available);
    this.skip = len - n;
    return n;
  }
}
