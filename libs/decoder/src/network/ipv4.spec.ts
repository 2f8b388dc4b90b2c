import { formatIp } from '../address';
import { newDecodedPacket } from '../decoded-packet';
import { Next } from '../layer-cursor';
import { AT, outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeIpv4 } from './ipv4';

/** What IPv4 leaves in the packet: the header's fields, or null if it stopped before them. */
interface Ipv4Fields { src: string; dst: string; srcOffset: number; dstOffset: number; ttl: number; ipPayloadLength: number }

function run(bytes: string): { cursor: LayerOutcome; ip: Ipv4Fields | null } {
  const p = newDecodedPacket();
  p.srcOffset = -1;
  let data: Uint8Array = new Uint8Array(0);
  const cursor = runLayer(bytes, (b, c) => {
    data = b;
    decodeIpv4(b, c, p);
  });
  if (p.srcOffset < 0) return { cursor, ip: null };
  expect(p.ipVersion).toBe(4);
  return {
    cursor,
    ip: { src: formatIp(data, p.srcOffset, 4), dst: formatIp(data, p.dstOffset, 4), srcOffset: p.srcOffset - AT, dstOffset: p.dstOffset - AT, ttl: p.ttl, ipPayloadLength: p.ipPayloadLength },
  };
}

const fields = (src: string, dst: string, ttl: number, ipPayloadLength: number): Ipv4Fields => ({ src, dst, srcOffset: 12, dstOffset: 16, ttl, ipPayloadLength });

// IPv4 headers as hex, from test/fixtures/captures/ and /work/shared/captures/public/
// (MANIFEST.md), each named with its frame; the rows after the real ones change one field of
// tcp-normal-close.pcap frame 1's header as said.
// version/IHL, DSCP, total length, id, flags/fragment offset, TTL, protocol, checksum, source, destination
const SYN = '4500 003c 6f01 4000 4006 b71e 0a4d0001 0a4d0002'; // tcp-normal-close.pcap frame 1: 60 bytes, DF, TTL 64, TCP
const SYN_TCP = '8680 1f90'; // the first bytes of its TCP header (ports 34432 -> 8080)

describe('decodeIpv4', () => {
  it.each<[string, string, Partial<LayerOutcome>, Ipv4Fields | null]>([
    ['TCP, DF set (tcp-normal-close.pcap frame 1): the capture here ends before the 60 bytes', `${SYN} ${SYN_TCP}`,
      { next: Next.IpProto, proto: 6, offset: 20, end: 24 }, fields('10.77.0.1', '10.77.0.2', 64, 40)],
    ['TCP, then 2 bytes of Ethernet padding (zeek/mixed-vlan-mpls.pcap frame 2, bytes 18-59): the layer ends at the total length',
      '45c0 0028 0001 0000 ff06 a4ea 0a010201 0a220001  2af9 0017 98320ffc 8dd58ea5 5010 1020 99d6 0000  0000',
      { next: Next.IpProto, proto: 6, offset: 20, end: 40 }, fields('10.1.2.1', '10.34.0.1', 255, 20)],
    ['UDP (zeek/quic-go_quic-go-handshake.pcap frame 5, bytes 2-25)', '4500 0500 0000 4000 3f11 4ed6 c1a70064 c1a76464 9c94 01bb',
      { next: Next.IpProto, proto: 17, offset: 20, end: 24 }, fields('193.167.0.100', '193.167.100.100', 63, 1260)],
    ['first fragment, MF set (zeek/fragmented-syn.pcap frame 1)', '4500 002c 0001 2000 4006 8eba c0a80164 0a000005 3039 0050',
      stopped('ip_fragment'), fields('192.168.1.100', '10.0.0.5', 64, 24)],
    ['last fragment, offset 3 (zeek/fragmented-syn.pcap frame 2)', '4500 0024 0001 0003 4006 aebf c0a80164 0a000005 0402 080a',
      stopped('ip_fragment'), fields('192.168.1.100', '10.0.0.5', 64, 16)],
    ['IHL 6 with a Router Alert option (94 04 00 00), total 64', '4600 0040 6f01 4000 4006 b71e 0a4d0001 0a4d0002 94040000 8680 1f90',
      { next: Next.IpProto, proto: 6, offset: 24, end: 28 }, fields('10.77.0.1', '10.77.0.2', 64, 40)],
    ['total length 0, as offloaded segments are captured: the captured bytes are the packet', `4500 0000 6f01 4000 4006 b71e 0a4d0001 0a4d0002 ${SYN_TCP}`,
      { next: Next.IpProto, proto: 6, offset: 20, end: 24 }, fields('10.77.0.1', '10.77.0.2', 64, 4)],
    ['an IPv6 header where IPv4 was expected (tcp-ipv6.pcap frame 1, bytes 14-33)', '6001 c471 0028 0640 fd77 0000 0000 0000 0000 0000',
      stopped('bad_header'), null],
    ['IHL 4: shorter than the fixed header', `4400 003c 6f01 4000 4006 b71e 0a4d0001 0a4d0002 ${SYN_TCP}`, stopped('bad_header'), null],
    ['total length 16: shorter than the header', `4500 0010 6f01 4000 4006 b71e 0a4d0001 0a4d0002 ${SYN_TCP}`, stopped('bad_header'), null],
    ['cut inside the fixed header (19 bytes)', SYN.slice(0, -2), stopped('truncated'), null],
    ['IHL 6 but cut before the option (22 bytes)', '4600 0040 6f01 4000 4006 b71e 0a4d0001 0a4d0002 9404', stopped('truncated'), null],
  ])('%s', (_name, bytes, changes, ip) => {
    expect(run(bytes)).toEqual({ cursor: outcome(bytes, changes), ip });
  });
});
