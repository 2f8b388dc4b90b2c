import { copyBytes } from '../bytes';
import type { SegmentArena } from './segment-arena';
import { seqAdd, seqDiff } from '../tcp/seq';

export interface ReassemblerSink {
  /** In-order bytes; the view is valid only during the call. */
  data(bytes: Uint8Array): void;
  /** `bytes` of the stream were never captured: the consumer must resync or stop. */
  gap(bytes: number): void;
}

/** What a held out-of-order segment costs beside its bytes (its record and typed array), about. */
const PENDING_SEGMENT_BYTES = 192;

/** Distinct restarted ISNs remembered per direction (a bound: a SYN flood cannot grow it). */
const MAX_OTHER_STARTS = 4;

/**
 * Held segments, in sequence order, as parallel arrays (no object per segment: under a flood
 * of holes every held segment survived into the old generation, and the collector's copying
 * of millions of small records was a third of the time). Each segment is `len` bytes of
 * `buf` from `off`; `buf` is an arena slab or a copy of its own.
 */
interface Held {
  seq: number[];
  buf: Uint8Array[];
  off: number[];
  len: number[];
}

/**
 * In-order delivery of one direction's bytes: retransmissions and overlaps are
 * trimmed, out-of-order segments wait (copied) until the hole fills, and a hole that
 * the peer acknowledges past, or that would overflow the byte cap, becomes a gap.
 * `stop()` ends buffering for good, so bulk data after a handshake costs nothing.
 */
export class StreamReassembler {
  private next = 0;
  private started = false;
  /** Made at the first segment held (most streams never hold one); kept, emptied, once let go. */
  private held: Held | null = null;
  private pendingBytes = 0;
  active = true;
  gaps = 0;
  gapBytes = 0;
  /** Bytes delivered in order so far (bytes delivered before it was made count as one: resume). */
  delivered = 0;
  /**
   * Other first-byte sequence numbers announced before any byte was delivered: a SYN or
   * SYN-ACK sent again with a new ISN (a server that restarted the handshake, TFO retries;
   * suricata-verify/tcp-fastopen-syn-data-tls.pcap). The first data at one of them wins.
   */
  private otherStarts: number[] | null = null;

  /** `arena`: where held copies are cut from (counted by the tracker); without one, each is its own allocation. */
  constructor(readonly sink: ReassemblerSink, private readonly maxPendingBytes = 256 * 1024, private readonly arena: SegmentArena | null = null) {}

  /** Made new again for another stream (reassembly-pool.ts), after `stop()`: nothing held. */
  reuse(): void {
    this.next = this.pendingBytes = this.gaps = this.gapBytes = this.delivered = 0;
    this.started = false;
    this.active = true;
    this.otherStarts = null;
  }

  /** The sequence number of the first data byte (after a SYN: ISN + 1). */
  start(seq: number): void {
    seq >>>= 0;
    if (!this.started) {
      this.next = seq;
      this.started = true;
      return;
    }
    if (this.delivered > 0 || seq === this.next) return;
    const others = (this.otherStarts ??= []);
    if (others.length < MAX_OTHER_STARTS && !others.includes(seq)) others.push(seq);
  }

  /**
   * Bytes up to `next` (not before it) were delivered in order before this reassembler was
   * made (tls-feed.ts delivers in-order bytes without one): the stream goes on from there,
   * as if this one had delivered them (`delivered` counts them as one byte).
   */
  resume(next: number): void {
    this.next = next >>> 0;
    this.started = true;
    if (this.delivered === 0) this.delivered = 1;
  }

  segment(seq: number, data: Uint8Array): void {
    if (!this.active || data.length === 0) return;
    if (!this.started) this.start(seq);
    if (this.otherStarts !== null) this.pickStart(seq >>> 0);
    const behind = seqDiff(this.next, seq);
    if (behind >= data.length) return; // nothing new: a retransmission
    if (behind > 0) {
      data = data.subarray(behind);
      seq = this.next;
    }
    if (seq === this.next) {
      this.deliver(data);
      this.drain();
      return;
    }
    // Ahead of the next expected byte: keep a copy until the hole fills.
    while (this.pendingBytes + data.length > this.maxPendingBytes && this.heldCount > 0) this.skipToFirstPending();
    if (this.pendingBytes + data.length > this.maxPendingBytes) {
      this.declareGap(seqDiff(seq, this.next));
      this.next = seq;
      this.deliver(data);
      return;
    }
    this.insert(seq, data);
  }

  private get heldCount(): number {
    return this.held === null ? 0 : this.held.seq.length;
  }

  /** The peer acknowledged up to `ack`: a hole below it will never be filled from the capture. */
  acked(ack: number): void {
    if (!this.active || !this.started || this.heldCount === 0) return;
    if (seqDiff(ack, (this.held as Held).seq[0]) >= 0) this.skipToFirstPending();
  }

  /** Bytes held for out-of-order segments: what each costs beside its bytes, and the bytes unless an arena holds them. */
  get heldBytes(): number {
    return (this.arena === null ? this.pendingBytes : 0) + this.heldCount * PENDING_SEGMENT_BYTES;
  }

  /**
   * Give up the out-of-order bytes held (the tracker's memory budget): the hole before them
   * and the bytes themselves become one gap, and the stream goes on after them. Returns
   * the bytes let go.
   */
  shed(): number {
    const n = this.pendingBytes;
    const h = this.held;
    if (h === null || h.seq.length === 0) return 0;
    let end = this.next;
    for (let i = 0; i < h.seq.length; i++) if (seqDiff(seqAdd(h.seq[i], h.len[i]), end) > 0) end = seqAdd(h.seq[i], h.len[i]);
    this.dropPending();
    this.declareGap(seqDiff(end, this.next));
    this.next = end;
    return n;
  }

  stop(): void {
    this.active = false;
    this.dropPending();
  }

  private dropPending(): void {
    const h = this.held;
    if (h === null) return;
    if (this.arena !== null) for (const b of h.buf) this.arena.release(b);
    // Emptied, not dropped: a reassembler holds again after a shed, and a pooled one for
    // its next stream (under a flood of holes, five objects fewer made each time).
    h.seq.length = h.buf.length = h.off.length = h.len.length = 0;
    this.pendingBytes = 0;
  }

  /** Before the first delivery, data exactly at another announced start moves the stream there. */
  private pickStart(seq: number): void {
    const others = this.otherStarts as number[];
    if (this.delivered > 0) {
      this.otherStarts = null;
      return;
    }
    const i = others.indexOf(seq);
    if (i < 0) return;
    others[i] = this.next;
    this.next = seq;
  }

  private deliver(data: Uint8Array): void {
    this.next = seqAdd(this.next, data.length);
    this.delivered += data.length;
    this.sink.data(data);
  }

  private drain(): void {
    const h = this.held;
    while (this.active && h !== null && h.seq.length > 0) {
      const behind = seqDiff(this.next, h.seq[0]);
      if (behind < 0) return;
      const buf = h.buf[0];
      const off = h.off[0];
      const len = h.len[0];
      h.seq.shift();
      h.buf.shift();
      h.off.shift();
      h.len.shift();
      this.pendingBytes -= len;
      if (behind < len) this.deliver(buf.subarray(off + behind, off + len));
      this.arena?.release(buf);
    }
  }

  private skipToFirstPending(): void {
    const first = (this.held as Held).seq[0];
    const hole = seqDiff(first, this.next);
    if (hole > 0) {
      this.declareGap(hole);
      this.next = first;
    }
    this.drain();
  }

  private declareGap(bytes: number): void {
    this.gaps++;
    this.gapBytes += bytes;
    this.sink.gap(bytes);
  }

  /** A copy of `data` (from the arena, or its own) into the held segments at its place. */
  private insert(seq: number, data: Uint8Array): void {
    const h = (this.held ??= { seq: [], buf: [], off: [], len: [] });
    let buf: Uint8Array;
    let off = 0;
    if (this.arena === null) buf = copyBytes(data, 0, data.length); // owns its memory (a Buffer's slice is a view)
    else {
      off = this.arena.put(data);
      buf = this.arena.lastSlab;
    }
    let i = h.seq.length;
    while (i > 0 && seqDiff(h.seq[i - 1], seq) > 0) i--;
    if (i === h.seq.length) {
      h.seq.push(seq);
      h.buf.push(buf);
      h.off.push(off);
      h.len.push(data.length);
    } else {
      h.seq.splice(i, 0, seq);
      h.buf.splice(i, 0, buf);
      h.off.splice(i, 0, off);
      h.len.splice(i, 0, data.length);
    }
    this.pendingBytes += data.length;
  }
}
