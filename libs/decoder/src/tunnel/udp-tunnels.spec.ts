import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeUdpTunnel } from './udp-tunnels';

// A UDP header (ports, length, checksum), then the tunnel header either port names. Real ones
// are from /work/shared/captures/public/ (MANIFEST.md); the others change their tunnel header
// as said (GTP-U extension headers: a PDU session container, type 85, as 5G cores send).
const VXLAN_UDP = '12b5 12b6 0046 a3b7'; // ja4/gre-erspan-vxlan.pcap frame 1, bytes 84-91: 4789 -> 4790
const GENEVE_UDP = 'a9b3 17c1 005a 0000'; // ja4/tcpdump-geneve.pcap frame 3, bytes 34-41: 43443 -> 6081
const GTP_UDP = '0868 0868 0050 0000'; // ndpi/ja3_lots_of_cipher_suites_2_anon.pcap frame 1, bytes 34-41: 2152 -> 2152
const INNER_ETHERNET = 'ddddddddddd1 aabbccddccc1 0800';
const INNER_IPV4 = '4500 003c';

describe('decodeUdpTunnel', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['VXLAN, I flag, from 4789 to 4790 (gre-erspan-vxlan.pcap frame 1, bytes 84-113)', `${VXLAN_UDP} 0c000003 00000000 ${INNER_ETHERNET}`, { next: Next.Ethernet, offset: 16 }],
    ['Geneve, no options, Ethernet (tcpdump-geneve.pcap frame 3, bytes 34-63)', `${GENEVE_UDP} 0000 6558 00000b00 b69ed2495148 fe71d883724f 0800`,
      { next: Next.Ethernet, proto: 0x6558, offset: 16 }],
    ['GTP-U T-PDU with a sequence number (ja3_lots_of_cipher_suites_2_anon.pcap frame 1, bytes 34-57)', `${GTP_UDP} 32ff 0040 013c5b74 6e500000 ${INNER_IPV4}`,
      { next: Next.IpByVersion, offset: 8 + 12 }],
    ['GTP-U T-PDU, no optional fields (ja3_lots_of_cipher_suites_2_anon.pcap frame 2, bytes 34-53)', '0868 0868 004c 0000 30ff 003c 41b13f5c 4500 003c',
      { next: Next.IpByVersion, offset: 8 + 8 }],
    ['VXLAN to 4789 from port 2000: the lower port is no tunnel, the higher one names it', `07d0 12b5 0046 a3b7 0c000003 00000000 ${INNER_ETHERNET}`, { next: Next.Ethernet, offset: 16 }],
    ['Geneve with 8 bytes of options, IPv4', `${GENEVE_UDP} 0200 0800 00000b00 01020304 05060708 ${INNER_IPV4}`, { next: Next.EtherType, proto: 0x0800, offset: 8 + 8 + 8 }],
    ['GTP-U with one extension header (PDU session container)', `${GTP_UDP} 34ff 0040 013c5b74 0000 0085 01000100 ${INNER_IPV4}`, { next: Next.IpByVersion, offset: 8 + 12 + 4 }],
    ['GTP-U with two extension headers (8 and 4 bytes)', `${GTP_UDP} 34ff 0040 013c5b74 0000 0085 02000000 00000085 01000100 ${INNER_IPV4}`,
      { next: Next.IpByVersion, offset: 8 + 12 + 8 + 4 }],
    ['plain UDP, QUIC to 443 (zeek/quic-go_quic-go-handshake.pcap frame 5, bytes 22-33)', '9c94 01bb 04ec 5bb8 c2000000', stopped('not_tcp')],
    ['VXLAN without the I flag', `${VXLAN_UDP} 04000003 00000000 ${INNER_ETHERNET}`, stopped('not_tcp')],
    ['Geneve version 1', `${GENEVE_UDP} 4000 6558 00000b00 ${INNER_ETHERNET}`, stopped('not_tcp')],
    ['GTP-U echo request (message type 1), not a T-PDU', `${GTP_UDP} 3201 0004 00000000 6e500000`, stopped('not_tcp')],
    ['GTP version 2 (control plane)', `${GTP_UDP} 48ff 0040 013c5b74 6e500000`, stopped('not_tcp')],
    ['cut inside the UDP header (7 bytes)', '12b5 12b6 0046 a3', stopped('truncated')],
    ['cut inside the VXLAN header', `${VXLAN_UDP} 0c000003 0000`, stopped('truncated')],
    ['cut inside the GTP-U optional fields', `${GTP_UDP} 32ff 0040 013c5b74 6e50`, stopped('truncated')],
    ['a GTP-U extension header of length 0', `${GTP_UDP} 34ff 0040 013c5b74 0000 0085 00000100 ${INNER_IPV4}`, stopped('truncated')],
    ['GTP-U extension headers past the cap of 8', `${GTP_UDP} 34ff 0040 013c5b74 0000 0085 ${'01000085'.repeat(8)} 01000100 ${INNER_IPV4}`, stopped('ext_header_cap')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeUdpTunnel)).toEqual(outcome(bytes, changes));
  });
});
