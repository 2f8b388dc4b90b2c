import type { RawPacket } from './capture/raw-packet';
import { newDecodedPacket, type DecodedPacket } from './decoded-packet';
import { validCaptureTime } from './capture/packet-time';
import { PACKET_SKIP_REASONS, type PacketSkipReason } from './errors';
import { Next, newCursor, stop, type LayerCursor } from './layer-cursor';
import { decodeCiscoHdlc } from './link/cisco-hdlc';
import { ETH_TRANSPARENT_BRIDGING } from './link/ether-types';
import { decodeEthernet } from './link/ethernet';
import { LinkType } from './link/link-types';
import { decodeLinuxSll, decodeLinuxSll2 } from './link/linux-sll';
import { decodeMpls } from './link/mpls';
import { decodeNflog } from './link/nflog';
import { decodeNullLoopback } from './link/null-loopback';
import { decodePppFrame, decodePppProtocol } from './link/ppp';
import { decodePppoeSession } from './link/pppoe';
import { decodeRadiotap80211 } from './link/radiotap-80211';
import { decodeVlan } from './link/vlan';
import { decodeIpv4 } from './network/ipv4';
import { decodeIpv6 } from './network/ipv6';
import { decodeTcp } from './transport/tcp';
import { decodeGre } from './tunnel/gre';
import { decodeUdpTunnel } from './tunnel/udp-tunnels';

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_MPLS = 0x8847;
const ETH_MPLS_MULTICAST = 0x8848;
const ETH_PPPOE_SESSION = 0x8864;

const IPPROTO_IPIP = 4;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_IPV6 = 41;
const IPPROTO_GRE = 47;

export interface PacketDecoderOptions {
  /** Cap on headers passed through (VLAN tags, labels, tunnels, IPv6 extensions). */
  maxEncapsulations?: number;
  maxIpv6Extensions?: number;
  maxMplsLabels?: number;
}

/**
 * Decodes frames down to the innermost TCP header, like gopacket's DecodingLayerParser:
 * one preallocated result object and one cursor, reused for every packet; each layer
 * lives in its own file. Anything that is not TCP is counted by reason, never thrown.
 */
export class PacketDecoder {
  readonly packet: DecodedPacket = newDecodedPacket();
  readonly skipped: Record<PacketSkipReason, number>;
  private readonly cursor: LayerCursor = newCursor();
  private readonly maxEncapsulations: number;
  private readonly maxIpv6Extensions: number;
  private readonly maxMplsLabels: number;

  constructor(options: PacketDecoderOptions = {}) {
    this.maxEncapsulations = options.maxEncapsulations ?? 16;
    this.maxIpv6Extensions = options.maxIpv6Extensions ?? 8;
    this.maxMplsLabels = options.maxMplsLabels ?? 8;
    this.skipped = Object.fromEntries(PACKET_SKIP_REASONS.map((r) => [r, 0])) as Record<PacketSkipReason, number>;
  }

  /** The TCP segment in this frame, or null (and the reason counted in `skipped`). */
  decode(raw: RawPacket): DecodedPacket | null {
    const p = this.packet;
    if (!validCaptureTime(raw.tsSec, raw.tsNsec)) {
      // Before anything else: a frame at an impossible time is no use whatever it holds.
      p.skip = 'bad_timestamp';
      this.skipped.bad_timestamp++;
      return null;
    }
    const c = this.cursor;
    const b = raw.data;
    p.data = b;
    p.tsSec = raw.tsSec;
    p.tsNsec = raw.tsNsec;
    p.frame = raw.frame;
    p.frameCut = raw.caplen < raw.origLen;
    c.offset = raw.offset;
    c.end = raw.offset + raw.caplen;
    c.depth = 0;
    c.skip = null;
    if (raw.linkType === LinkType.ETHERNET && c.end - c.offset >= 14 && b[c.offset + 12] === 0x08 && b[c.offset + 13] === 0x00 && this.maxEncapsulations >= 2) {
      // Ethernet II with IPv4, most frames there are: straight to IPv4, as the two steps would.
      c.offset += 14;
      c.proto = ETH_IPV4;
      c.depth = 2;
      c.next = Next.Ipv4;
    } else {
      this.startLink(raw.linkType, b, c);
    }
    while (c.next !== Next.Done) {
      if (++c.depth > this.maxEncapsulations) {
        stop(c, 'ext_header_cap');
        break;
      }
      this.step(b, c, p);
    }
    p.skip = c.skip;
    if (c.skip !== null) {
      this.skipped[c.skip]++;
      return null;
    }
    return p;
  }

  private startLink(linkType: number, b: Uint8Array, c: LayerCursor): void {
    switch (linkType) {
      case LinkType.ETHERNET: c.next = Next.Ethernet; return;
      case LinkType.RAW:
      case LinkType.RAW_OPENBSD:
      case LinkType.RAW_BSDOS: c.next = Next.IpByVersion; return;
      case LinkType.IPV4: c.next = Next.Ipv4; return;
      case LinkType.IPV6: c.next = Next.Ipv6; return;
      case LinkType.LINUX_SLL: return decodeLinuxSll(b, c);
      case LinkType.LINUX_SLL2: return decodeLinuxSll2(b, c);
      case LinkType.NULL: return decodeNullLoopback(b, c, false);
      case LinkType.LOOP: return decodeNullLoopback(b, c, true);
      case LinkType.PPP:
      case LinkType.PPP_HDLC: return decodePppFrame(b, c);
      case LinkType.C_HDLC: return decodeCiscoHdlc(b, c);
      case LinkType.NFLOG: return decodeNflog(b, c);
      case LinkType.IEEE802_11_RADIOTAP: return decodeRadiotap80211(b, c);
      default: return stop(c, 'unsupported_link');
    }
  }

  private step(b: Uint8Array, c: LayerCursor, p: DecodedPacket): void {
    switch (c.next) {
      case Next.Ethernet: return decodeEthernet(b, c);
      case Next.EtherType: return this.etherType(b, c);
      case Next.Ppp: return decodePppProtocol(c);
      case Next.Ipv4: return decodeIpv4(b, c, p);
      case Next.Ipv6: return decodeIpv6(b, c, p, this.maxIpv6Extensions);
      case Next.IpByVersion: {
        if (c.offset >= c.end) return stop(c, 'truncated');
        const v = b[c.offset] >> 4;
        if (v === 4) c.next = Next.Ipv4;
        else if (v === 6) c.next = Next.Ipv6;
        else stop(c, 'not_ip');
        return;
      }
      case Next.IpProto: return this.ipProto(b, c, p);
      default: return stop(c, 'bad_header');
    }
  }

  private etherType(b: Uint8Array, c: LayerCursor): void {
    switch (c.proto) {
      case ETH_IPV4: c.next = Next.Ipv4; return;
      case ETH_IPV6: c.next = Next.Ipv6; return;
      case ETH_VLAN:
      case ETH_QINQ:
      case ETH_QINQ_OLD: return decodeVlan(b, c);
      case ETH_MPLS:
      case ETH_MPLS_MULTICAST: return decodeMpls(b, c, this.maxMplsLabels);
      case ETH_PPPOE_SESSION: return decodePppoeSession(b, c);
      case ETH_TRANSPARENT_BRIDGING: c.next = Next.Ethernet; return;
      default: return stop(c, 'not_ip');
    }
  }

  private ipProto(b: Uint8Array, c: LayerCursor, p: DecodedPacket): void {
    switch (c.proto) {
      case IPPROTO_TCP: return decodeTcp(b, c, p);
      case IPPROTO_UDP: return decodeUdpTunnel(b, c);
      case IPPROTO_GRE: return decodeGre(b, c);
      case IPPROTO_IPIP: c.next = Next.Ipv4; return;
      case IPPROTO_IPV6: c.next = Next.Ipv6; return;
      default: return stop(c, 'not_tcp');
    }
  }
}
