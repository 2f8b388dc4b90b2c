import { u16le } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

const NFULA_PAYLOAD = 9;

/** Linux NFLOG: a 4-byte header, then TLVs (host-order lengths); the payload TLV is raw IP. */
export function decodeNflog(b: Uint8Array, c: LayerCursor): void {
  let o = c.offset + 4;
  for (let n = 0; n < 64; n++) {
    if (c.end - o < 4) return stop(c, 'truncated');
    const len = u16le(b, o);
    const type = u16le(b, o + 2) & 0x7fff;
    if (len < 4) return stop(c, 'bad_header');
    if (type === NFULA_PAYLOAD) {
      c.offset = o + 4;
      c.end = Math.min(c.end, o + len);
      c.next = Next.IpByVersion;
      return;
    }
    o += (len + 3) & ~3;
  }
  stop(c, 'ext_header_cap');
}
