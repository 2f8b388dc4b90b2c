import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

/** PPPoE session stage: 6-byte header, then a 2-byte PPP protocol. */
export function decodePppoeSession(b: Uint8Array, c: LayerCursor): void {
  if (c.end - c.offset < 8) return stop(c, 'truncated');
  c.proto = u16be(b, c.offset + 6);
  c.offset += 8;
  c.next = Next.Ppp;
}
