import { u32be, u32le } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';

// Address families: AF_INET is 2 everywhere; AF_INET6 differs per OS (Linux 10,
// the BSDs 24, FreeBSD 28, macOS 30), and DLT_NULL is in the capturing host's order.
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

/** BSD loopback: a 4-byte address family. `networkOrder` for LINKTYPE_LOOP. */
export function decodeNullLoopback(b: Uint8Array, c: LayerCursor, networkOrder: boolean): void {
  if (c.end - c.offset < 4) return stop(c, 'truncated');
  const be = u32be(b, c.offset);
  const family = networkOrder ? be : be > 0xffff ? u32le(b, c.offset) : be;
  c.offset += 4;
  if (family === AF_INET) c.next = Next.Ipv4;
  else if (AF_INET6.has(family)) c.next = Next.Ipv6;
  else stop(c, 'not_ip');
}
