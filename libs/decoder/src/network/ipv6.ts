import { u16be } from '../bytes';
import type { DecodedPacket } from '../decoded-packet';
import { Next, stop, type LayerCursor } from '../layer-cursor';

export const IPV6_HEADER = 40;

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH_HEADER = 51;
const DEST_OPTIONS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;

/** IPv6 and its extension-header chain (capped); the fragment header stops decoding. */
export function decodeIpv6(b: Uint8Array, c: LayerCursor, p: DecodedPacket, maxExtensions: number): void {
  const o = c.offset;
  if (c.end - o < IPV6_HEADER) return stop(c, 'truncated');
  if (b[o] >> 4 !== 6) return stop(c, 'bad_header');
  let payload = u16be(b, o + 4);
  if (payload === 0) payload = c.end - o - IPV6_HEADER; // jumbogram or offload capture
  p.ipVersion = 6;
  p.srcOffset = o + 8;
  p.dstOffset = o + 24;
  p.ttl = b[o + 7];
  let next = b[o + 6];
  let h = o + IPV6_HEADER;
  const end = Math.min(c.end, h + payload);
  for (let n = 0; ; n++) {
    if (next === FRAGMENT) {
      if (end - h < 8) return stop(c, 'truncated');
      p.ipPayloadLength = end - h;
      return stop(c, 'ip_fragment');
    }
    if (next !== HOP_BY_HOP && next !== ROUTING && next !== DEST_OPTIONS && next !== AUTH_HEADER && next !== MOBILITY && next !== HIP && next !== SHIM6) break;
    if (n >= maxExtensions) return stop(c, 'ext_header_cap');
    if (end - h < 8) return stop(c, 'truncated');
    const len = next === AUTH_HEADER ? (b[h + 1] + 2) * 4 : (b[h + 1] + 1) * 8;
    next = b[h];
    h += len;
    c.depth++;
  }
  if (h > end) return stop(c, 'truncated');
  p.ipPayloadLength = o + IPV6_HEADER + payload - h;
  c.proto = next;
  c.offset = h;
  c.end = end;
  c.next = Next.IpProto;
}
