/** TLS record content types. */
export const ContentType = { CHANGE_CIPHER_SPEC: 20, ALERT: 21, HANDSHAKE: 22, APPLICATION_DATA: 23, HEARTBEAT: 24 } as const;

/** A record body may be at most 2^14 + 2048 bytes (ciphertext, RFC 5246 6.2.3). */
export const MAX_RECORD_BODY = 16384 + 2048;

export interface RecordSink {
  record(type: number, version: number, body: Uint8Array): void;
  /**
   * An SSLv2-framed record's body: the SSLv2-compatible CLIENT-HELLO that opens a stream,
   * and in a pure SSLv2 handshake every later record (SERVER-HELLO, CLIENT-MASTER-KEY...).
   */
  sslv2(body: Uint8Array): void;
  /** The byte stream is not (or no longer) TLS records. */
  malformed(reason: string): void;
}

/** Does `b` start like a TLS record (type 20-24, version 3.x, sane length)? */
export function looksLikeTlsRecord(b: Uint8Array, o = 0): boolean {
  if (b.length - o < 5) return false;
  const type = b[o];
  return type >= 20 && type <= 24 && b[o + 1] === 3 && b[o + 2] <= 4 && ((b[o + 3] << 8) | b[o + 4]) <= MAX_RECORD_BODY;
}

/** An SSLv2-framed ClientHello: 2-byte length with the top bit, type 1, version 3.x or 2. */
export function looksLikeSslv2Hello(b: Uint8Array, o = 0): boolean {
  return b.length - o >= 5 && (b[o] & 0x80) !== 0 && b[o + 2] === 1 && (b[o + 3] === 3 || (b[o + 3] === 0 && b[o + 4] === 2));
}

/** An SSLv2 SERVER-HELLO: 2-byte length with the top bit, type 4, session-id-hit 0/1, version 2. */
export function looksLikeSslv2ServerHello(b: Uint8Array, o = 0): boolean {
  return b.length - o >= 7 && (b[o] & 0x80) !== 0 && b[o + 2] === 4 && b[o + 3] <= 1 && b[o + 5] === 0 && b[o + 6] === 2;
}

/**
 * Splits one direction's byte stream into records. Bytes of a record that spans
 * deliveries are copied into a carry buffer; whole records in one delivery are views.
 */
export class RecordStream {
  private carry: Uint8Array | null = null;
  private first = true;
  /** The stream opened with an SSLv2-framed record: later non-TLS records are SSLv2 too. */
  private sslv2 = false;
  broken = false;

  constructor(private readonly sink: RecordSink) {}

  push(data: Uint8Array): void {
    if (this.broken) return;
    let b = data;
    if (this.carry !== null) {
      const joined = new Uint8Array(this.carry.length + data.length);
      joined.set(this.carry);
      joined.set(data, this.carry.length);
      b = joined;
      this.carry = null;
    }
    let o = 0;
    if (this.first && b.length >= 5) {
      this.first = false;
      this.sslv2 = !looksLikeTlsRecord(b) && (looksLikeSslv2Hello(b) || looksLikeSslv2ServerHello(b));
    }
    while (o < b.length && !this.broken) {
      if (b.length - o < 5) break;
      if (!looksLikeTlsRecord(b, o)) {
        if (this.sslv2) {
          const used = this.sslv2Record(b, o);
          if (used === 0) break; // incomplete
          o += used;
          continue;
        }
        this.broken = true;
        this.sink.malformed('not a TLS record header');
        return;
      }
      const len = (b[o + 3] << 8) | b[o + 4];
      if (b.length - o < 5 + len) break;
      this.sink.record(b[o], (b[o + 1] << 8) | b[o + 2], b.subarray(o + 5, o + 5 + len));
      o += 5 + len;
    }
    if (o < b.length && !this.broken) this.carry = b.slice(o);
  }

  /**
   * One SSLv2 record at `o`: a 2-byte header (top bit set, 15-bit length) or a 3-byte one
   * (14-bit length, then a padding count). Returns the bytes used, 0 when incomplete.
   */
  private sslv2Record(b: Uint8Array, o: number): number {
    const twoByte = (b[o] & 0x80) !== 0;
    const header = twoByte ? 2 : 3;
    const len = twoByte ? ((b[o] & 0x7f) << 8) | b[o + 1] : ((b[o] & 0x3f) << 8) | b[o + 1];
    if (b.length - o < header + len) return 0;
    this.sink.sslv2(b.subarray(o + header, o + header + len));
    return header + len;
  }
}
