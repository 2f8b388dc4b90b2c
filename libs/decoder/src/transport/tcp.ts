import { u16be, u32be } from '../bytes';
import type { DecodedPacket } from '../decoded-packet';
import { Next, stop, type LayerCursor } from '../layer-cursor';
import { decodeTcpOptions } from './tcp-options';

export const TCP_MIN_HEADER = 20;

/**
 * TCP header and options; the payload stays a view into the frame. A snaplen that cuts
 * into the options (a 68-byte snaplen and a SYN with 20 option bytes) still gives the
 * fixed header, as tshark decodes it: the segment counts, its cut options are unknown.
 */
export function decodeTcp(b: Uint8Array, c: LayerCursor, p: DecodedPacket): void {
  const o = c.offset;
  if (c.end - o < TCP_MIN_HEADER) return stop(c, 'truncated');
  const hlen = (b[o + 12] >> 4) * 4;
  if (hlen < TCP_MIN_HEADER) return stop(c, 'bad_header');
  p.srcPort = u16be(b, o);
  p.dstPort = u16be(b, o + 2);
  p.seq = u32be(b, o + 4);
  p.ack = u32be(b, o + 8);
  p.flags = b[o + 13] | ((b[o + 12] & 0x01) << 8);
  p.window = u16be(b, o + 14);
  p.tcpHeaderLength = hlen;
  p.payloadLength = Math.max(0, p.ipPayloadLength - hlen);
  p.payloadOffset = Math.min(o + hlen, c.end);
  p.payloadCaptured = Math.min(c.end - p.payloadOffset, p.payloadLength);
  decodeTcpOptions(b, o + TCP_MIN_HEADER, o + hlen, p.options, Math.min(c.end, o + hlen));
  c.next = Next.Done;
}
