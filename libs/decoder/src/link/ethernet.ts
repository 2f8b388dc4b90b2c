import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

export const ETHERNET_HEADER = 14;

/** Ethernet II, or IEEE 802.3 with LLC/SNAP (the EtherType after the SNAP header). */
export function decodeEthernet(b: Uint8Array, c: LayerCursor): void {
  const o = c.offset;
  if (c.end - o < ETHERNET_HEADER) return stop(c, 'truncated');
  const typeOrLength = u16be(b, o + 12);
  if (typeOrLength >= 0x0600) {
    c.proto = typeOrLength;
    c.offset = o + ETHERNET_HEADER;
    c.next = Next.EtherType;
    return;
  }
  decodeLlc(b, o + ETHERNET_HEADER, c);
}

/** 802.2 LLC: only SNAP (AA AA 03, then OUI and EtherType) carries IP in practice. */
export function decodeLlc(b: Uint8Array, o: number, c: LayerCursor): void {
  if (c.end - o < 3) return stop(c, 'truncated');
  if (b[o] !== 0xaa || b[o + 1] !== 0xaa || b[o + 2] !== 0x03) return stop(c, 'not_ip');
  if (c.end - o < 8) return stop(c, 'truncated');
  c.proto = u16be(b, o + 6);
  c.offset = o + 8;
  c.next = Next.EtherType;
}
