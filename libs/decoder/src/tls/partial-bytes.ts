import { copyBytes } from '../bytes';

/** The least a split record's or message's buffer takes once it grows (bytes.ts's grownFor). */
const LEAST_GROWN = 256;

/*
 * A record or message split across deliveries waits in a buffer that grows as its bytes
 * arrive (grownFor's rule: at least 256 bytes, doubling, up to the size its header claims).
 * Its first bytes are copied exactly, though: under an attack of headers that claim kilobytes
 * followed by nothing, one per connection, a 256-byte buffer outside the heap each was most
 * of what a connection held (a short copy stays in the heap). The memory budget still counts
 * the length grownFor would have given (`counted`), so what it sheds does not change; the
 * buffer takes that length as soon as more bytes come.
 */

/** What the budget counts for a first part of `have` bytes of a `size`-byte whole. */
export function countedFirst(have: number, size: number): number {
  return Math.min(size, Math.max(have, LEAST_GROWN));
}

/** What the budget counts once `need` bytes are held (grownFor's growth from `counted`). */
export function countedGrown(counted: number, need: number, size: number): number {
  return counted >= need ? counted : Math.min(size, Math.max(need, LEAST_GROWN, counted * 2));
}

/** The first part: b[start, end), copied exactly. */
export function firstPart(b: Uint8Array, start: number, end: number): Uint8Array {
  return copyBytes(b, start, end);
}

/** `buf` when it holds `need` bytes, else a `length`-byte buffer with its first `have` bytes. */
export function grownTo(buf: Uint8Array, have: number, need: number, length: number): Uint8Array {
  if (buf.length >= need) return buf;
  const out = new Uint8Array(length);
  out.set(buf.subarray(0, have));
  return out;
}
