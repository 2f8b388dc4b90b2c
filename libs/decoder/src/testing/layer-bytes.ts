// Test-only: run one layer decoder over a header's bytes, as the packet decoder calls it, and
// read back the cursor relative to the header's first byte. The header is placed AT bytes into
// its buffer, and bytes that are not the layer's follow its end, so a decoder that read from 0
// instead of the cursor, or past the cursor's end instead of stopping, gives other values.
import type { PacketSkipReason } from '../errors';
import { Next, type LayerCursor } from '../layer-cursor';

export const AT = 3;
const AFTER = [0x45, 0x00, 0x00, 0x3c, 0x45, 0x00]; // what an IPv4 header would start with

/** A cursor's `next` before the layer ran: every layer must set it (or stop). */
export const NOT_SET = -1 as Next;

/** Bytes from hex, whitespace ignored: `'0800 4500'`. */
export function hex(text: string): number[] {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`not hex bytes: ${text}`);
  return Array.from(Buffer.from(clean, 'hex'));
}

/** The cursor after a layer, offsets relative to the header's first byte. */
export interface LayerOutcome {
  next: Next;
  offset: number;
  end: number;
  proto: number;
  depth: number;
  skip: PacketSkipReason | null;
}

/**
 * Runs `decode` on `bytes` (hex or numbers) with the cursor at their first byte and its end
 * at their last; `proto` is what the layer before left in the cursor.
 */
export function runLayer(bytes: string | readonly number[], decode: (b: Uint8Array, c: LayerCursor) => void, proto = -1): LayerOutcome {
  const header = typeof bytes === 'string' ? hex(bytes) : bytes;
  const b = new Uint8Array(AT + header.length + AFTER.length).fill(0xee);
  b.set(header, AT);
  b.set(AFTER, AT + header.length);
  const c: LayerCursor = { next: NOT_SET, offset: AT, end: AT + header.length, proto, depth: 0, skip: null };
  decode(b, c);
  return { next: c.next, offset: c.offset - AT, end: c.end - AT, proto: c.proto, depth: c.depth, skip: c.skip };
}

/** The outcome expected of `bytes`: the cursor as it was, with `changes`. */
export function outcome(bytes: string | readonly number[], changes: Partial<LayerOutcome>, proto = -1): LayerOutcome {
  const length = typeof bytes === 'string' ? hex(bytes).length : bytes.length;
  return { next: NOT_SET, offset: 0, end: length, proto, depth: 0, skip: null, ...changes };
}

/**
 * A layer that stopped decoding: `next` is Done and the reason is counted. Where the cursor
 * was left then does not matter (the packet decoder reads only the reason).
 */
export const stopped = (skip: PacketSkipReason): Partial<LayerOutcome> => ({
  next: Next.Done, skip, offset: expect.any(Number), end: expect.any(Number), proto: expect.any(Number), depth: expect.any(Number),
});
