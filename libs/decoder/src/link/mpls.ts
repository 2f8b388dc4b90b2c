import { Next, stop, type LayerCursor } from '../layer-cursor';

/** An MPLS label stack, then IP (by version nibble) or a pseudowire with Ethernet. */
export function decodeMpls(b: Uint8Array, c: LayerCursor, maxLabels: number): void {
  let o = c.offset;
  for (let n = 0; ; n++) {
    if (n >= maxLabels) return stop(c, 'ext_header_cap');
    if (c.end - o < 4) return stop(c, 'truncated');
    const bottom = b[o + 2] & 0x01;
    o += 4;
    if (bottom) break;
  }
  if (o >= c.end) return stop(c, 'truncated');
  const nibble = b[o] >> 4;
  if (nibble === 4 || nibble === 6) {
    c.offset = o;
    c.next = Next.IpByVersion;
  } else if (nibble === 0) {
    c.offset = o + 4; // pseudowire control word, then an Ethernet frame
    c.next = Next.Ethernet;
  } else {
    stop(c, 'not_ip');
  }
}
