import { copyBytes } from '../bytes';
import { countedFirst, countedGrown, firstPart, grownTo } from './partial-bytes';

/** A record body may be at most 2^14 + 2048 bytes (ciphertext, RFC 5246 6.2.3). */
export const MAX_RECORD_BODY = 16384 + 2048;

export interface RecordSink {
  /** A record's body, as a view (valid only during the call). Not called when the sink has `recordAt`. */
  record(type: number, version: number, body: Uint8Array): void;
  /**
   * A record's body in place, `length` bytes of `b` from `offset` (valid only during the call):
   * when the sink has it, the stream calls it instead of `record`, and makes no view per record.
   */
  recordAt?(type: number, version: number, b: Uint8Array, offset: number, length: number): void;
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

/** The fewer than 5 bytes from `o` may begin a TLS record header (as far as they go). */
function mayStartTlsRecord(b: Uint8Array, o: number): boolean {
  const left = b.length - o;
  return b[o] >= 20 && b[o] <= 24 && (left < 2 || b[o + 1] === 3) && (left < 3 || b[o + 2] <= 4) && (left < 4 || b[o + 3] <= MAX_RECORD_BODY >> 8);
}

/** An SSLv2-framed ClientHello: 2-byte length with the top bit, type 1, version 3.x or 2. */
export function looksLikeSslv2Hello(b: Uint8Array, o = 0): boolean {
  return b.length - o >= 5 && (b[o] & 0x80) !== 0 && b[o + 2] === 1 && (b[o + 3] === 3 || (b[o + 3] === 0 && b[o + 4] === 2));
}

/** An SSLv2 SERVER-HELLO: 2-byte length with the top bit, type 4, session-id-hit 0/1, version 2. */
export function looksLikeSslv2ServerHello(b: Uint8Array, o = 0): boolean {
  return b.length - o >= 7 && (b[o] & 0x80) !== 0 && b[o + 2] === 4 && b[o + 3] <= 1 && b[o + 5] === 0 && b[o + 6] === 2;
}

// What the stream waits for (ws's receiver.js: a state, and one loop over it in `push`).
/** The first record: a TLS header (5 bytes) or SSLv2 framing (an SSLv2 hello's first 7). */
const FRAMING = 0;
/** A record header, at a record boundary (bytes of one split across deliveries are carried). */
const HEADER = 1;
/** The rest of a record split across deliveries. */
const BODY = 2;
/** Not TLS records, or stopped: nothing more is read. */
const STOPPED = 3;

/**
 * Splits one direction's byte stream into records. Whole records in one delivery are
 * read where they lie (a sink with `recordAt` gets the delivery and an offset, no view).
 * A record that spans deliveries is copied into a buffer that doubles as its bytes arrive,
 * up to the size its header claims (a 16 kB Certificate record over 30 small segments
 * is a handful of allocations, and a header claiming 18 kB followed by nothing costs what
 * arrived, not 18 kB); only a header split across deliveries joins a few carried bytes to
 * the next delivery.
 */
export class RecordStream {
  private state = FRAMING;
  /** FRAMING, HEADER: bytes of a header split across deliveries (fewer than it takes). */
  private carry: Uint8Array | null = null;
  /**
   * BODY: the record, header included, how much of it arrived and its size: the buffer
   * grows with the bytes that arrive (grownFor), never to what a header claims before they do.
   */
  private partial: Uint8Array | null = null;
  private have = 0;
  private size = 0;
  /** BODY: the length the budget counts for `partial` (partial-bytes.ts). */
  private counted = 0;
  /** The stream opened with an SSLv2-framed record: later non-TLS records are SSLv2 too. */
  private sslv2 = false;
  /** The sink, when it reads records in place. */
  private readonly inPlace: Pick<Required<RecordSink>, 'recordAt'> | null;

  constructor(private readonly sink: RecordSink) {
    this.inPlace = sink.recordAt !== undefined ? (sink as Pick<Required<RecordSink>, 'recordAt'>) : null;
  }

  push(data: Uint8Array): void {
    if (this.state === STOPPED) return;
    let b = data;
    if (this.carry !== null) {
      b = new Uint8Array(this.carry.length + data.length);
      b.set(this.carry);
      b.set(data, this.carry.length);
      this.carry = null;
    }
    let o = 0;
    while (o < b.length) {
      switch (this.state) {
        case FRAMING:
          o = this.framing(b, o);
          break;
        case HEADER:
          o = this.records(b, o);
          break;
        case BODY:
          o = this.body(b, o);
          break;
        default:
          return;
      }
    }
  }

  /** No more records from this stream: what it held is let go. */
  stop(): void {
    this.state = STOPPED;
    this.partial = this.carry = null;
  }

  /** Bytes this stream holds for records not yet complete (for the tracker's memory budget). */
  get heldBytes(): number {
    return (this.partial === null ? 0 : this.counted) + (this.carry?.length ?? 0);
  }

  /** FRAMING: TLS or SSLv2 framing, told from the first bytes (carried until there are enough). */
  private framing(b: Uint8Array, o: number): number {
    const left = b.length - o;
    if (left < 5 || (left < 7 && !looksLikeTlsRecord(b, o))) {
      this.carry = copyBytes(b, o, b.length);
      return b.length;
    }
    this.sslv2 = !looksLikeTlsRecord(b, o) && (looksLikeSslv2Hello(b, o) || looksLikeSslv2ServerHello(b, o));
    this.state = HEADER;
    return o;
  }

  /** HEADER: every whole record of `b` from `o`, in place; what is left waits for more bytes. */
  private records(b: Uint8Array, o: number): number {
    while (o < b.length && this.state === HEADER) {
      const left = b.length - o;
      if (left >= 5 && looksLikeTlsRecord(b, o)) {
        const len = (b[o + 3] << 8) | b[o + 4];
        if (left < 5 + len) break;
        if (this.inPlace !== null) this.inPlace.recordAt(b[o], (b[o + 1] << 8) | b[o + 2], b, o + 5, len);
        else this.sink.record(b[o], (b[o + 1] << 8) | b[o + 2], b.subarray(o + 5, o + 5 + len));
        o += 5 + len;
      } else if (this.sslv2) {
        // SSLv2 records can be shorter than a TLS header: one is read once it is whole.
        const size = this.recordSize(b, o);
        if (size < 0 || size > left) break;
        this.sink.sslv2(b.subarray(o + ((b[o] & 0x80) !== 0 ? 2 : 3), o + size));
        o += size;
      } else if (left >= 5) {
        this.state = STOPPED;
        this.sink.malformed('not a TLS record header');
      } else {
        break;
      }
    }
    if (o < b.length && this.state === HEADER) this.holdRest(b, o);
    return b.length;
  }

  /** The start of a record at `o`, the last bytes of `b`: carried while its header is incomplete, else its BODY begins. */
  private holdRest(b: Uint8Array, o: number): void {
    const size = this.recordSize(b, o);
    if (size < 0) {
      this.carry = copyBytes(b, o, b.length);
      return;
    }
    this.have = b.length - o;
    this.size = size;
    this.partial = firstPart(b, o, b.length);
    this.counted = countedFirst(this.have, size);
    this.state = BODY;
  }

  /** BODY: more of the split record; once whole, it is read as any record. */
  private body(b: Uint8Array, o: number): number {
    const n = Math.min(this.size - this.have, b.length - o);
    this.counted = countedGrown(this.counted, this.have + n, this.size);
    const p = (this.partial = grownTo(this.partial as Uint8Array, this.have, this.have + n, this.counted));
    p.set(b.subarray(o, o + n), this.have);
    this.have += n;
    if (this.have < this.size) return o + n;
    this.partial = null;
    this.state = HEADER;
    this.records(p, 0); // exactly one record: its size came from its header
    return o + n;
  }

  /**
   * Size of the (incomplete) record at `o`, header included; -1 while its header is
   * incomplete. After SSLv2 framing, fewer than 5 bytes that may begin a TLS header wait for
   * the rest of it: TLS records follow an SSLv2-compatible CLIENT-HELLO.
   */
  private recordSize(b: Uint8Array, o: number): number {
    const left = b.length - o;
    if (left >= 5 && looksLikeTlsRecord(b, o)) return 5 + ((b[o + 3] << 8) | b[o + 4]);
    if (!this.sslv2 || left < 3 || (left < 5 && mayStartTlsRecord(b, o))) return -1;
    return (b[o] & 0x80) !== 0 ? 2 + (((b[o] & 0x7f) << 8) | b[o + 1]) : 3 + (((b[o] & 0x3f) << 8) | b[o + 1]);
  }
}
