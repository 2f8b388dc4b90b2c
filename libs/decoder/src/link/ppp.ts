import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

/** PPP framing on a PPP link: optional FF 03 address/control, then the protocol. */
export function decodePppFrame(b: Uint8Array, c: LayerCursor): void {
  let o = c.offset;
  if (c.end - o >= 2 && b[o] === 0xff && b[o + 1] === 0x03) o += 2;
  if (c.end - o < 2) return stop(c, 'truncated');
  // Protocol-field compression: an odd first byte is a one-byte protocol.
  if (b[o] & 0x01) {
    c.proto = b[o];
    c.offset = o + 1;
  } else {
    c.proto = u16be(b, o);
    c.offset = o + 2;
  }
  c.next = Next.Ppp;
}

/** Map a PPP protocol number to the next layer. */
export function decodePppProtocol(c: LayerCursor): void {
  if (c.proto === PPP_IPV4) c.next = Next.Ipv4;
  else if (c.proto === PPP_IPV6) c.next = Next.Ipv6;
  else stop(c, 'not_ip');
}
