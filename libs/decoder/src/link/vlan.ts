import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

/** 802.1Q / 802.1ad tag: 2 bytes TCI, then the inner EtherType. Stacks (QinQ) loop back here. */
export function decodeVlan(b: Uint8Array, c: LayerCursor): void {
  if (c.end - c.offset < 4) return stop(c, 'truncated');
  c.proto = u16be(b, c.offset + 2);
  c.offset += 4;
  c.next = Next.EtherType;
}
