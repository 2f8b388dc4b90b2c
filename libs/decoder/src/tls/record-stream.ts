/** TLS record content types. */
export const ContentType = { CHANGE_CIPHER_SPEC: 20, ALERT: 21, HANDSHAKE: 22, APPLICATION_DATA: 23, HEARTBEAT: 24 } as const;

/** A record body may be at most 2^14 + 2048 bytes (ciphertext, RFC 5246 6.2.3). */
export const MAX_RECORD_BODY = 16384 + 2048;

export interface RecordSink {
  record(type: number, version: number, body: Uint8Array): void;
  /** SSLv2-compatible ClientHello framing (the whole record body). */
  sslv2Hello(body: Uint8Array): void;
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

/**
 * Splits one direction's byte stream into records. Bytes of a record that spans
 * deliveries are copied into a carry buffer; whole records in one delivery are views.
 */
export class RecordStream {
  private carry: Uint8Array | null = null;
  private first = true;
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
      if (!looksLikeTlsRecord(b) && looksLikeSslv2Hello(b)) {
        const len = ((b[0] & 0x7f) << 8) | b[1];
        if (b.length < 2 + len) {
          this.first = true;
          this.carry = b.slice();
          return;
        }
        this.sink.sslv2Hello(b.subarray(2, 2 + len));
        o = 2 + len;
      }
    }
    while (o < b.length && !this.broken) {
      if (b.length - o < 5) break;
      if (!looksLikeTlsRecord(b, o)) {
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
}
