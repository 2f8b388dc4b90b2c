import { formatIp } from '../address';
import { newDecodedPacket } from '../decoded-packet';
import { Next } from '../layer-cursor';
import { AT, outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeIpv6 } from './ipv6';

/** What IPv6 leaves in the packet: the header's fields, or null if it stopped before them. */
interface Ipv6Fields { src: string; dst: string; srcOffset: number; dstOffset: number; ttl: number; ipPayloadLength: number }

function run(bytes: string, maxExtensions: number): { cursor: LayerOutcome; ip: Ipv6Fields | null } {
  const p = newDecodedPacket();
  p.srcOffset = -1;
  let data: Uint8Array = new Uint8Array(0);
  const cursor = runLayer(bytes, (b, c) => {
    data = b;
    decodeIpv6(b, c, p, maxExtensions);
  });
  if (p.srcOffset < 0) return { cursor, ip: null };
  expect(p.ipVersion).toBe(6);
  return {
    cursor,
    ip: { src: formatIp(data, p.srcOffset, 6), dst: formatIp(data, p.dstOffset, 6), srcOffset: p.srcOffset - AT, dstOffset: p.dstOffset - AT, ttl: p.ttl, ipPayloadLength: p.ipPayloadLength },
  };
}

const fields = (src: string, dst: string, hopLimit: number, ipPayloadLength: number): Ipv6Fields => ({ src, dst, srcOffset: 8, dstOffset: 24, ttl: hopLimit, ipPayloadLength });
/** After a stop the addresses are already set; the payload length is read only by TCP, so any will do. */
const stoppedWith = (src: string, dst: string, hopLimit: number): Ipv6Fields => ({ ...fields(src, dst, hopLimit, 0), ipPayloadLength: expect.any(Number) });

// IPv6 headers as hex from test/fixtures/captures/ and /work/shared/captures/public/
// (MANIFEST.md), each named with its frame. None of those captures has an extension header
// other than Fragment: those rows put one into tcp-ipv6.pcap frame 1's header (next header
// changed to the extension's, payload length grown by its size).
// version/class/flow, payload length, next header, hop limit, source, destination
const ADDRS = 'fd770000000000000000000000000001 fd770000000000000000000000000002'; // fd77::1 -> fd77::2
const TCP_START = '94c4 1f90'; // tcp-ipv6.pcap frame 1's TCP ports, 38084 -> 8080
const LOOPBACK = '00000000000000000000000000000001'; // ::1

describe('decodeIpv6', () => {
  it.each<[string, string, number, Partial<LayerOutcome>, Ipv6Fields | null]>([
    ['TCP (tcp-ipv6.pcap frame 1, bytes 14-57): the capture here ends before the 40 payload bytes', `6001c471 0028 06 40 ${ADDRS} ${TCP_START}`, 8,
      { next: Next.IpProto, proto: 6, offset: 40, end: 44 }, fields('fd77::1', 'fd77::2', 64, 40)],
    ['UDP over loopback (ndpi/quic-v2.pcapng frame 1, bytes 16-59)', `602b9aeb 04d8 11 40 ${LOOPBACK} ${LOOPBACK} a466 115b`, 8,
      { next: Next.IpProto, proto: 17, offset: 40, end: 44 }, fields('::1', '::1', 64, 1240)],
    ['ICMPv6 neighbour solicitation (zeek/quic-go_quic-go-handshake.pcap frame 1, bytes 2-45)', `60000001 0020 3a ff ${'0'.repeat(32)} ff0200000000000000000001ff000004 8700 7a12`, 8,
      { next: Next.IpProto, proto: 58, offset: 40, end: 44 }, fields('::', 'ff02::1:ff00:4', 255, 32)],
    ['Fragment header, first fragment of TCP (suricata-verify/defrag-ipv6-tcp.pcap frame 1, bytes 0-47)', `60000000 01d8 2c 40 ${LOOPBACK} ${LOOPBACK} 06 00 0001 a1bc6572`, 8,
      stopped('ip_fragment'), stoppedWith('::1', '::1', 64)],
    ['Hop-by-hop (Router Alert, PadN), then TCP', `6001c471 0030 00 40 ${ADDRS} 06 00 05020000 0100 ${TCP_START}`, 8,
      { next: Next.IpProto, proto: 6, offset: 48, end: 52, depth: 1 }, fields('fd77::1', 'fd77::2', 64, 40)],
    ['Destination options (16 bytes: length 1), then Routing (8 bytes), then TCP', `6001c471 0040 3c 40 ${ADDRS} 2b 01 010c ${'00'.repeat(12)} 06 00 0000 00000000 ${TCP_START}`, 8,
      { next: Next.IpProto, proto: 6, offset: 64, end: 68, depth: 2 }, fields('fd77::1', 'fd77::2', 64, 40)],
    ['Authentication header (length 4: (4 + 2) * 4 = 24 bytes), then TCP', `6001c471 0040 33 40 ${ADDRS} 06 04 0000 00000100 00000001 ${'00'.repeat(12)} ${TCP_START}`, 8,
      { next: Next.IpProto, proto: 6, offset: 64, end: 68, depth: 1 }, fields('fd77::1', 'fd77::2', 64, 40)],
    ['No next header (59): passed on, the packet decoder says not TCP', `6001c471 0000 3b 40 ${ADDRS}`, 8,
      { next: Next.IpProto, proto: 59, offset: 40, end: 40 }, fields('fd77::1', 'fd77::2', 64, 0)],
    ['payload length 0, as offloaded segments are captured: the captured bytes are the payload', `6001c471 0000 06 40 ${ADDRS} ${TCP_START}`, 8,
      { next: Next.IpProto, proto: 6, offset: 40, end: 44 }, fields('fd77::1', 'fd77::2', 64, 4)],
    ['two extension headers where the cap is one', `6001c471 0040 3c 40 ${ADDRS} 2b 01 010c ${'00'.repeat(12)} 06 00 0000 00000000 ${TCP_START}`, 1,
      stopped('ext_header_cap'), stoppedWith('fd77::1', 'fd77::2', 64)],
    ['Hop-by-hop cut inside its first 8 bytes', `6001c471 0030 00 40 ${ADDRS} 06 00 0502`, 8, stopped('truncated'), stoppedWith('fd77::1', 'fd77::2', 64)],
    ['Hop-by-hop longer (length 5: 48 bytes) than the payload (16)', `6001c471 0010 00 40 ${ADDRS} 06 05 05020000 0100 ${TCP_START} 0000 0000`, 8,
      stopped('truncated'), stoppedWith('fd77::1', 'fd77::2', 64)],
    ['an IPv4 header where IPv6 was expected (tcp-normal-close.pcap frame 1, bytes 14-53)', '4500003c 6f014000 4006b71e 0a4d0001 0a4d0002 86801f90 0c109d6b 00000000 a002faf0 ff800000', 8,
      stopped('bad_header'), null],
    ['cut inside the fixed header (tcp-ipv6.pcap frame 1, 39 bytes)', `6001c471 0028 06 40 ${ADDRS}`.slice(0, -2), 8, stopped('truncated'), null],
  ])('%s', (_name, bytes, maxExtensions, changes, ip) => {
    expect(run(bytes, maxExtensions)).toEqual({ cursor: outcome(bytes, changes), ip });
  });
});
