import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

/** Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10): 16 bytes, protocol last. */
export function decodeLinuxSll(b: Uint8Array, c: LayerCursor): void {
  if (c.end - c.offset < 16) return stop(c, 'truncated');
  c.proto = u16be(b, c.offset + 14);
  c.offset += 16;
  c.next = Next.EtherType;
}

/** Linux cooked capture v2 (`-i any` with libpcap >= 1.10): 20 bytes, protocol first. */
export function decodeLinuxSll2(b: Uint8Array, c: LayerCursor): void {
  if (c.end - c.offset < 20) return stop(c, 'truncated');
  c.proto = u16be(b, c.offset);
  c.offset += 20;
  c.next = Next.EtherType;
}
