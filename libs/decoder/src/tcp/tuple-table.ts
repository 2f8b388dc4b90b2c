import type { DecodedPacket } from '../decoded-packet';
import { ipv4Key } from './connection';

/** A packet matched a stored tuple as stored (sent by the entry's first sender) or reversed. */
export const AS_STORED = 0;
export const REVERSED = 1;

/** Entries an out-of-order time walks back past at most in the last-seen list (as the tracker's). */
const MAX_WALK = 64;

const NONE = -1;

/** A tuple hash's low bits mixed first (the tracker's hashes are always even). */
function mix(h: number): number {
  return h ^ (h >>> 15) ^ (h >>> 26);
}

/**
 * TCP 4-tuples in typed arrays, with no object per entry: hash chains, a free list, and a
 * list ordered by last-seen capture time (least recent first). Tables that must hold
 * hundreds of thousands of entries under attack (half-open connections, evicted tuples)
 * build on it; `bytes` is exactly what its arrays hold.
 *
 * Each entry also gets an `order` from a counter its owner passes in: ties in time are
 * broken by it, so two tables (or a table and the tracker's list) merge in the order one
 * list would have had.
 */
export class TupleTable {
  count = 0;
  capacity = 0;
  /** Least and most recently seen entries (NONE when empty). */
  head = NONE;
  tail = NONE;
  /** After `find`: AS_STORED or REVERSED. */
  matched = AS_STORED;
  lastSec = new Float64Array(0);
  lastNsec = new Uint32Array(0);
  order = new Float64Array(0);
  private version = new Uint8Array(0);
  private src4 = new Int32Array(0);
  private dst4 = new Int32Array(0);
  private sport = new Uint16Array(0);
  private dport = new Uint16Array(0);
  private hash = new Int32Array(0);
  private chain = new Int32Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  /** IPv6 source and destination, 32 bytes an entry: made at the first IPv6 entry. */
  private addr6: Uint8Array | null = null;
  private buckets = new Int32Array(0);
  private free = NONE;
  private arrayBytes = 0;

  /** Arrays are made at the first entry (a subclass's own arrays exist only after construction). */
  constructor(readonly maxCapacity: number) {}

  get full(): boolean {
    return this.count >= this.maxCapacity;
  }

  /** Bytes of all its arrays (allocated capacity, not only the entries in use). */
  get bytes(): number {
    return this.arrayBytes;
  }

  /** The entry of this packet's tuple (either direction), or NONE; sets `matched`. */
  find(h: number, p: DecodedPacket): number {
    if (this.count === 0) return NONE;
    const src = ipv4Key(p.ipVersion, p.data, p.srcOffset);
    const dst = ipv4Key(p.ipVersion, p.data, p.dstOffset);
    for (let i = this.buckets[mix(h) & (this.buckets.length - 1)]; i !== NONE; i = this.chain[i]) {
      if (this.hash[i] !== h || this.version[i] !== p.ipVersion) continue;
      if (p.srcPort === this.sport[i] && p.dstPort === this.dport[i] && src === this.src4[i] && dst === this.dst4[i] && this.same6(i, p, p.srcOffset, p.dstOffset)) {
        this.matched = AS_STORED;
        return i;
      }
      if (p.srcPort === this.dport[i] && p.dstPort === this.sport[i] && src === this.dst4[i] && dst === this.src4[i] && this.same6(i, p, p.dstOffset, p.srcOffset)) {
        this.matched = REVERSED;
        return i;
      }
    }
    return NONE;
  }

  /** A new entry for this packet's tuple (its sender stored first), seen at `sec/nsec`. The caller makes room when full. */
  insert(h: number, p: DecodedPacket, sec: number, nsec: number, order: number): number {
    if (this.free === NONE) this.resize(Math.min(this.maxCapacity, Math.max(256, this.capacity * 2)));
    const i = this.free;
    this.free = this.chain[i];
    this.version[i] = p.ipVersion;
    this.src4[i] = ipv4Key(p.ipVersion, p.data, p.srcOffset);
    this.dst4[i] = ipv4Key(p.ipVersion, p.data, p.dstOffset);
    this.sport[i] = p.srcPort;
    this.dport[i] = p.dstPort;
    this.hash[i] = h;
    if (p.ipVersion === 6) {
      if (this.addr6 === null) {
        this.addr6 = new Uint8Array(this.capacity * 32);
        this.arrayBytes += this.addr6.byteLength;
      }
      const a = this.addr6;
      a.set(p.data.subarray(p.srcOffset, p.srcOffset + 16), i * 32);
      a.set(p.data.subarray(p.dstOffset, p.dstOffset + 16), i * 32 + 16);
    }
    const b = mix(h) & (this.buckets.length - 1);
    this.chain[i] = this.buckets[b];
    this.buckets[b] = i;
    this.count++;
    this.link(i, sec, nsec, order);
    return i;
  }

  remove(i: number): void {
    const b = mix(this.hash[i]) & (this.buckets.length - 1);
    if (this.buckets[b] === i) this.buckets[b] = this.chain[i];
    else for (let j = this.buckets[b]; j !== NONE; j = this.chain[j]) if (this.chain[j] === i) { this.chain[j] = this.chain[i]; break; }
    this.unlink(i);
    this.chain[i] = this.free;
    this.free = i;
    this.count--;
  }

  /** The entry was seen again at `sec/nsec`: to its place in the last-seen list. */
  touch(i: number, sec: number, nsec: number, order: number): void {
    this.unlink(i);
    this.link(i, sec, nsec, order);
  }

  /** Writes the entry's stored source and destination address into `out` (at 0 and 16); returns its IP version. */
  addresses(i: number, out: Uint8Array): 4 | 6 {
    if (this.version[i] === 6) {
      out.set((this.addr6 as Uint8Array).subarray(i * 32, i * 32 + 32));
      return 6;
    }
    putIpv4(out, 0, this.src4[i]);
    putIpv4(out, 16, this.dst4[i]);
    return 4;
  }

  /** The entry seen next after `i` (NONE at the tail). */
  nextOf(i: number): number {
    return this.next[i];
  }

  srcPort(i: number): number {
    return this.sport[i];
  }

  dstPort(i: number): number {
    return this.dport[i];
  }

  tupleHash(i: number): number {
    return this.hash[i];
  }

  private same6(i: number, p: DecodedPacket, srcOffset: number, dstOffset: number): boolean {
    if (p.ipVersion === 4) return true;
    const a = this.addr6 as Uint8Array;
    const at = i * 32;
    for (let k = 0; k < 16; k++) if (a[at + k] !== p.data[srcOffset + k] || a[at + 16 + k] !== p.data[dstOffset + k]) return false;
    return true;
  }

  /** Seen after `sec/nsec`. */
  private later(i: number, sec: number, nsec: number): boolean {
    return this.lastSec[i] > sec || (this.lastSec[i] === sec && this.lastNsec[i] > nsec);
  }

  /** Into the last-seen list at its time's place (the tracker's rule: tail, or a capped walk back). */
  private link(i: number, sec: number, nsec: number, order: number): void {
    this.lastSec[i] = sec;
    this.lastNsec[i] = nsec;
    this.order[i] = order;
    let p = this.tail;
    if (this.head !== NONE && this.later(this.head, sec, nsec)) p = NONE;
    for (let steps = 0; p !== NONE && this.later(p, sec, nsec) && steps < MAX_WALK; steps++) p = this.prev[p];
    const n = p === NONE ? this.head : this.next[p];
    this.prev[i] = p;
    this.next[i] = n;
    if (p !== NONE) this.next[p] = i;
    else this.head = i;
    if (n !== NONE) this.prev[n] = i;
    else this.tail = i;
  }

  private unlink(i: number): void {
    const p = this.prev[i];
    const n = this.next[i];
    if (p !== NONE) this.next[p] = n;
    else this.head = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tail = p;
  }

  private arrays(): ArrayBufferView[] {
    return [this.lastSec, this.lastNsec, this.order, this.version, this.src4, this.dst4, this.sport, this.dport, this.hash, this.chain, this.prev, this.next, ...this.payload()];
  }

  /** A subclass's own per-entry arrays (counted in `bytes`, grown with the table by `resizePayload`). */
  protected payload(): ArrayBufferView[] {
    return [];
  }

  protected resizePayload(_capacity: number): void {
    // none here
  }

  private resize(capacity: number): void {
    if (capacity <= this.capacity) throw new Error('tuple table full'); // callers make room first
    const old = this.capacity;
    this.lastSec = grow(this.lastSec, capacity);
    this.lastNsec = grow(this.lastNsec, capacity);
    this.order = grow(this.order, capacity);
    this.version = grow(this.version, capacity);
    this.src4 = grow(this.src4, capacity);
    this.dst4 = grow(this.dst4, capacity);
    this.sport = grow(this.sport, capacity);
    this.dport = grow(this.dport, capacity);
    this.hash = grow(this.hash, capacity);
    this.chain = grow(this.chain, capacity);
    this.prev = grow(this.prev, capacity);
    this.next = grow(this.next, capacity);
    if (this.addr6 !== null) this.addr6 = grow(this.addr6, capacity * 32);
    this.resizePayload(capacity);
    this.capacity = capacity;
    // New slots onto the free list (lowest first), then every entry into chains sized to the capacity.
    for (let i = capacity - 1; i >= old; i--) {
      this.chain[i] = this.free;
      this.free = i;
    }
    const size = Math.max(256, 1 << Math.ceil(Math.log2(capacity)));
    this.arrayBytes = size * 4 + (this.addr6?.byteLength ?? 0);
    for (const a of this.arrays()) this.arrayBytes += a.byteLength;
    if (size === this.buckets.length) return;
    this.buckets = new Int32Array(size).fill(NONE);
    const mask = size - 1;
    for (let i = this.head; i !== NONE; i = this.next[i]) {
      const b = mix(this.hash[i]) & mask;
      this.chain[i] = this.buckets[b];
      this.buckets[b] = i;
    }
  }
}

/** A typed array of `length`, the old contents first. */
export function grow<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(a: T, length: number): T {
  const out = new (a.constructor as new (n: number) => T)(length);
  out.set(a);
  return out;
}

function putIpv4(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}
