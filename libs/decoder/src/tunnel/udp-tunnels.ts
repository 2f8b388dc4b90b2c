import { u16be } from '../bytes';
import { Next, stop, type LayerCursor } from '../layer-cursor';
import { ETH_TRANSPARENT_BRIDGING } from '../link/ether-types';

/** UDP ports whose payload is another packet we follow (IANA-assigned ports). */
export const VXLAN_PORT = 4789;
export const GENEVE_PORT = 6081;
export const GTP_U_PORT = 2152;

/**
 * UDP header; continues only into the tunnels above, otherwise the packet is not TCP.
 * Either port names the tunnel, the lower one first, as Wireshark's UDP dissector tries
 * them: VTEPs send VXLAN from port 4789 as well as to it (RFC 7348 only fixes the
 * destination), and ERSPAN'd VXLAN 4789 -> 4790 is VXLAN, not VXLAN-GPE.
 */
export function decodeUdpTunnel(b: Uint8Array, c: LayerCursor): void {
  const o = c.offset;
  if (c.end - o < 8) return stop(c, 'truncated');
  const src = u16be(b, o);
  const dst = u16be(b, o + 2);
  const low = src < dst ? src : dst;
  if (!tunnelOnPort(b, o + 8, c, low) && !tunnelOnPort(b, o + 8, c, low === src ? dst : src)) stop(c, 'not_tcp');
}

function tunnelOnPort(b: Uint8Array, payload: number, c: LayerCursor, port: number): boolean {
  switch (port) {
    case VXLAN_PORT: decodeVxlan(b, payload, c); return true;
    case GENEVE_PORT: decodeGeneve(b, payload, c); return true;
    case GTP_U_PORT: decodeGtpU(b, payload, c); return true;
    default: return false;
  }
}

/** VXLAN: 8-byte header (I flag set), then an Ethernet frame. */
function decodeVxlan(b: Uint8Array, o: number, c: LayerCursor): void {
  if (c.end - o < 8) return stop(c, 'truncated');
  if (!(b[o] & 0x08)) return stop(c, 'not_tcp');
  c.offset = o + 8;
  c.next = Next.Ethernet;
}

/** Geneve: 8 bytes plus options, then the protocol named by an EtherType. */
function decodeGeneve(b: Uint8Array, o: number, c: LayerCursor): void {
  if (c.end - o < 8) return stop(c, 'truncated');
  if (b[o] >> 6 !== 0) return stop(c, 'not_tcp');
  const optLen = (b[o] & 0x3f) * 4;
  c.proto = u16be(b, o + 2);
  c.offset = o + 8 + optLen;
  c.next = c.proto === ETH_TRANSPARENT_BRIDGING ? Next.Ethernet : Next.EtherType;
}

/** GTP-U (3GPP TS 29.281) T-PDU: user IP packets from a mobile core. */
function decodeGtpU(b: Uint8Array, o: number, c: LayerCursor): void {
  if (c.end - o < 8) return stop(c, 'truncated');
  const flags = b[o];
  if (flags >> 5 !== 1 || b[o + 1] !== 0xff) return stop(c, 'not_tcp'); // version 1, T-PDU only
  let h = o + 8;
  if (flags & 0x07) {
    if (c.end - h < 4) return stop(c, 'truncated');
    let ext = flags & 0x04 ? b[h + 3] : 0;
    h += 4;
    for (let n = 0; ext !== 0; n++) {
      if (n >= 8) return stop(c, 'ext_header_cap');
      if (c.end - h < 1) return stop(c, 'truncated');
      const len = b[h] * 4;
      if (len === 0 || c.end - h < len) return stop(c, 'truncated');
      ext = b[h + len - 1];
      h += len;
    }
  }
  c.offset = h;
  c.next = Next.IpByVersion;
}
