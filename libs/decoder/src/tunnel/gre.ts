import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';
import { ETH_TRANSPARENT_BRIDGING } from '../link/ether-types';
import { decodePppFrame } from '../link/ppp';

const ERSPAN_II = 0x88be;
const ERSPAN_III = 0x22eb;
const PPP = 0x880b;

/** GRE (RFC 2784/2890, and PPTP's enhanced version 1); ERSPAN II/III carry Ethernet. */
export function decodeGre(b: Uint8Array, c: LayerCursor): void {
  const o = c.offset;
  if (c.end - o < 4) return stop(c, 'truncated');
  const flags = u16be(b, o);
  const version = flags & 0x7;
  const proto = u16be(b, o + 2);
  let h = o + 4;
  if (flags & 0x8000) h += 4; // checksum + reserved
  if (flags & 0x2000) h += 4; // key (always present in version 1)
  if (flags & 0x1000) h += 4; // sequence number
  if (version === 1 && flags & 0x0080) h += 4; // acknowledgment number
  if (h > c.end) return stop(c, 'truncated');
  if (proto === ERSPAN_II) {
    h += 8;
  } else if (proto === ERSPAN_III) {
    if (c.end - h < 12) return stop(c, 'truncated');
    const hasSubheader = b[h + 11] & 0x01;
    h += hasSubheader ? 20 : 12;
  }
  c.offset = h;
  if (proto === ETH_TRANSPARENT_BRIDGING || proto === ERSPAN_II || proto === ERSPAN_III) {
    c.next = Next.Ethernet;
  } else if (proto === PPP) {
    decodePppFrame(b, c);
  } else {
    c.proto = proto;
    c.next = Next.EtherType;
  }
}
