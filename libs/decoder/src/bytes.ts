// Cheap big/little-endian reads on Uint8Array. Callers check lengths first (once per header).
export const u16be = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
export const u16le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
export const u32be = (b: Uint8Array, o: number): number =>
  ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
export const u32le = (b: Uint8Array, o: number): number =>
  (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

/** Smallest buffer a partly arrived message gets (what arrives first is usually more). */
const MIN_GROWN = 256;

/**
 * A buffer for a message of `size` bytes of which `need` have arrived, keeping the first
 * `have` bytes of `buf`: `buf` itself while it is big enough, else a copy at least twice
 * as big, capped at `size`. Memory follows the bytes that arrived, never a length field
 * alone (a header claiming 256 kB followed by 10 bytes costs 256 bytes), and a message
 * arriving in many small pieces costs a few copies, not one per piece.
 */
export function grownFor(buf: Uint8Array | null, have: number, need: number, size: number): Uint8Array {
  if (buf !== null && buf.length >= need) return buf;
  const out = new Uint8Array(Math.min(size, Math.max(need, MIN_GROWN, (buf?.length ?? 0) * 2)));
  if (buf !== null && have > 0) out.set(buf.subarray(0, have));
  return out;
}

/** Copies up to this long are made byte by byte (cheaper than a view and a memcpy). */
const SMALL_COPY = 64;

/**
 * A copy of b[start, end) that owns its memory, always a plain Uint8Array. Never a Node
 * Buffer's `slice` or `subarray` kept: those are views, and a view would keep the whole read
 * chunk (1 MiB or more) alive for as long as the copy lives.
 */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  const out = new Uint8Array(n);
  if (n > SMALL_COPY) out.set(b.subarray(start, end));
  else for (let i = 0; i < n; i++) out[i] = b[start + i];
  return out;
}

/**
 * `a` equals the a.length bytes of `b` from `bo` (the caller knows `b` holds them; to
 * compare two whole arrays, compare their lengths first).
 */
export function sameBytes(a: Uint8Array, b: Uint8Array, bo = 0): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[bo + i]) return false;
  return true;
}
