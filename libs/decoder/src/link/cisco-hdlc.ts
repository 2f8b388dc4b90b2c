import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

/** Cisco HDLC: address, control, then an EtherType. */
export function decodeCiscoHdlc(b: Uint8Array, c: LayerCursor): void {
  if (c.end - c.offset < 4) return stop(c, 'truncated');
  c.proto = u16be(b, c.offset + 2);
  c.offset += 4;
  c.next = Next.EtherType;
}
