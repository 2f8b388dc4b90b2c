import { countedFirst, countedGrown, firstPart, grownTo } from './partial-bytes';
import { u24At } from './byte-reader';

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

// What the assembler waits for (ws's receiver.js: a state, and one loop over it in `push`).
/** A message boundary: whole messages are handed over where they lie. */
const MESSAGE = 0;
/** The rest of a message header split across records (its first bytes in `partial`). */
const HEADER = 1;
/** The rest of a message split across records (in `partial`, `have` of `size` bytes). */
const BODY = 2;
/** The rest of an oversized message's body: `skip` bytes passed over, not buffered. */
const SKIP = 3;

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
  private state = MESSAGE;
  /** HEADER, BODY: the message, its 4 header bytes first; its buffer grows as bytes arrive (grownFor). */
  private partial: Uint8Array | null = null;
  private have = 0;
  /** BODY: the message's size, header included. */
  private size = 0;
  /** HEADER, BODY: the length the budget counts for `partial` (partial-bytes.ts). */
  private counted = 0;
  /** SKIP: body bytes still to pass over. */
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
    while (o < end) {
      switch (this.state) {
        case MESSAGE:
          o = this.message(b, o, end);
          break;
        case HEADER:
          o = this.header(b, o, end);
          break;
        case BODY:
          o = this.body(b, o, end);
          break;
        default:
          o = this.skipped(o, end);
          break;
      }
    }
  }

  /**
   * Lets go of what it holds; the next bytes start a message. (A stop while a record is read
   * does not end that record: its later whole messages are still handed over.)
   */
  stop(): void {
    this.state = MESSAGE;
    this.partial = null;
    this.have = this.size = this.skip = 0;
  }

  /** Bytes held for a message not yet complete (for the tracker's memory budget). */
  get heldBytes(): number {
    return this.partial === null ? 0 : this.counted;
  }

  /** MESSAGE: the message at `o`, handed over in place when whole; else it waits in `partial`. */
  private message(b: Uint8Array, o: number, end: number): number {
    const left = end - o;
    if (left < 4) {
      const p = (this.partial = new Uint8Array(4));
      this.counted = 4;
      for (let i = 0; i < left; i++) p[i] = b[o + i];
      this.have = left;
      this.state = HEADER;
      return end;
    }
    const len = u24At(b, o + 1);
    if (len > this.max) return o + 4 + this.startSkip(b[o], len, left - 4);
    if (left < 4 + len) {
      this.size = 4 + len;
      this.partial = firstPart(b, o, end);
      this.counted = countedFirst(left, this.size);
      this.have = left;
      this.state = BODY;
      return end;
    }
    this.deliver(b[o], b, o + 4, len);
    return o + 4 + len;
  }

  /** HEADER: the rest of the header; then the message's size is known (or it is skipped). */
  private header(b: Uint8Array, o: number, end: number): number {
    const p = this.partial as Uint8Array;
    const n = Math.min(4 - this.have, end - o);
    for (let i = 0; i < n; i++) p[this.have + i] = b[o + i];
    this.have += n;
    if (this.have < 4) return o + n;
    const len = u24At(p, 1);
    if (len > this.max) {
      this.partial = null;
      return o + n + this.startSkip(p[0], len, end - o - n);
    }
    this.size = 4 + len;
    this.state = BODY;
    return this.body(b, o + n, end); // (an empty message is whole now)
  }

  /** BODY: more of the message; handed over once whole. */
  private body(b: Uint8Array, o: number, end: number): number {
    const n = Math.min(this.size - this.have, end - o);
    this.counted = countedGrown(this.counted, this.have + n, this.size);
    const p = (this.partial = grownTo(this.partial as Uint8Array, this.have, this.have + n, this.counted));
    p.set(b.subarray(o, o + n), this.have);
    this.have += n;
    if (this.have === this.size) {
      this.partial = null;
      this.state = MESSAGE;
      this.deliver(p[0], p, 4, this.size - 4);
    }
    return o + n;
  }

  /** SKIP: passes over what it can of the oversized message's body. */
  private skipped(o: number, end: number): number {
    const n = Math.min(this.skip, end - o);
    this.skip -= n;
    if (this.skip === 0) this.state = MESSAGE;
    return o + n;
  }

  /** Reports an oversized message and skips its body; returns how many of `available` bytes it used. */
  private startSkip(type: number, len: number, available: number): number {
    this.sink.oversized(type, len);
    const n = Math.min(len, available);
    this.skip = len - n;
    this.state = this.skip > 0 ? SKIP : MESSAGE;
    return n;
  }

  private deliver(type: number, b: Uint8Array, offset: number, length: number): void {
    if (this.inPlace !== null) this.inPlace.messageAt(type, b, offset, length);
    else this.sink.message(type, b.subarray(offset, offset + length));
  }
}
