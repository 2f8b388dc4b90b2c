import { u16be } from '../bytes';
import type { DecodedPacket } from '../decoded-packet';
import { Next, stop, type LayerCursor } from '../layer-cursor';

export const IPV4_MIN_HEADER = 20;

/**
 * IPv4 with options. Fragments are counted by the caller, not reassembled: a TCP
 * header split across fragments is rare and reassembly is a memory risk on a sniffer.
 * A total length of 0 is TSO/offload capture: the captured bytes are the packet.
 */
export function decodeIpv4(b: Uint8Array, c: LayerCursor, p: DecodedPacket): void {
  const o = c.offset;
  if (c.end - o < IPV4_MIN_HEADER) return stop(c, 'truncated');
  if (b[o] >> 4 !== 4) return stop(c, 'bad_header');
  const ihl = (b[o] & 0x0f) * 4;
  if (ihl < IPV4_MIN_HEADER) return stop(c, 'bad_header');
  if (c.end - o < ihl) return stop(c, 'truncated');
  let total = u16be(b, o + 2);
  if (total === 0) total = c.end - o;
  if (total < ihl) return stop(c, 'bad_header');
  const fragment = u16be(b, o + 6) & 0x3fff; // MF flag or a fragment offset
  p.ipVersion = 4;
  p.srcOffset = o + 12;
  p.dstOffset = o + 16;
  p.ttl = b[o + 8];
  p.ipPayloadLength = total - ihl;
  if (fragment !== 0) return stop(c, 'ip_fragment');
  c.proto = b[o + 9];
  c.offset = o + ihl;
  c.end = Math.min(c.end, o + total);
  c.next = Next.IpProto;
}
