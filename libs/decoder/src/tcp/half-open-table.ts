import type { DecodedPacket } from '../decoded-packet';
import { TcpFlag } from '../transport/tcp-flags';
import { grow, TupleTable, AS_STORED } from './tuple-table';

/**
 * Connections that so far are one pure SYN (no ACK, RST, FIN or payload), maybe sent again
 * with the same ISN and flags: what a SYN flood is made of, and most of what an attacker
 * can make a host track. Each is ~100 bytes of typed arrays (`bytesPerEntry`) instead of a
 * Connection (~1 KB). The tracker turns an entry into a Connection, replaying its SYNs, as
 * soon as anything else arrives on the tuple, and when it ends.
 */
export class HalfOpenTable extends TupleTable {
  id = new Float64Array(0);
  seq = new Uint32Array(0);
  flags = new Uint16Array(0);
  firstSec = new Float64Array(0);
  firstNsec = new Uint32Array(0);
  /** SYNs seen (the first and its retransmissions). */
  syns = new Uint32Array(0);
  /** SYNs with malformed TCP options, and whether the first was one (the anomaly counts' order). */
  badOptions = new Uint32Array(0);
  firstBad = new Uint8Array(0);

  /** A pure SYN that may be kept here: nothing but a SYN's flags (ECN's may be there), no payload. */
  static holds(p: DecodedPacket): boolean {
    return (p.flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST | TcpFlag.FIN)) === TcpFlag.SYN && p.payloadLength === 0;
  }

  /** A new entry for this SYN, connection id `id`. */
  add(h: number, p: DecodedPacket, order: number, id: number): number {
    const i = this.insert(h, p, p.tsSec, p.tsNsec, order);
    this.id[i] = id;
    this.seq[i] = p.seq;
    this.flags[i] = p.flags;
    this.firstSec[i] = p.tsSec;
    this.firstNsec[i] = p.tsNsec;
    this.syns[i] = 1;
    this.badOptions[i] = p.options.malformed ? 1 : 0;
    this.firstBad[i] = p.options.malformed ? 1 : 0;
    return i;
  }

  /** After `find`: the packet is the entry's SYN again (same sender, ISN and flags), so the entry stays compact. */
  isSameSyn(i: number, p: DecodedPacket): boolean {
    return this.matched === AS_STORED && HalfOpenTable.holds(p) && p.seq === this.seq[i] && p.flags === this.flags[i];
  }

  /** The SYN was sent again. */
  again(i: number, p: DecodedPacket, order: number): void {
    this.syns[i]++;
    if (p.options.malformed) this.badOptions[i]++;
    this.touch(i, p.tsSec, p.tsNsec, order);
  }

  protected override payload(): ArrayBufferView[] {
    return [this.id, this.seq, this.flags, this.firstSec, this.firstNsec, this.syns, this.badOptions, this.firstBad];
  }

  protected override resizePayload(capacity: number): void {
    this.id = grow(this.id, capacity);
    this.seq = grow(this.seq, capacity);
    this.flags = grow(this.flags, capacity);
    this.firstSec = grow(this.firstSec, capacity);
    this.firstNsec = grow(this.firstNsec, capacity);
    this.syns = grow(this.syns, capacity);
    this.badOptions = grow(this.badOptions, capacity);
    this.firstBad = grow(this.firstBad, capacity);
  }
}

/**
 * About what one entry costs: 49 bytes of tuple-table arrays, 35 of its own, and up to two
 * 4-byte hash chain heads (the chains are a power of two at least as many as the entries).
 */
export const HALF_OPEN_ENTRY_BYTES = 92;
