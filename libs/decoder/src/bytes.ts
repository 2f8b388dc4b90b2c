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
