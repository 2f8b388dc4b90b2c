import { hex } from '../testing/layer-bytes';
import { LINK_TYPE_NAMES, LinkType } from './link-types';

// The link type is bytes 20-23 of a pcap file header (all these files are little-endian);
// names are tcpdump.org/linktypes.html's LINKTYPE_ names without the prefix.
const u32le = (text: string): number => Buffer.from(hex(text)).readUInt32LE(0);

describe('LINK_TYPE_NAMES', () => {
  it.each<[string, string, string | undefined]>([
    ['test/fixtures/captures/tcp-normal-close.pcap', '01000000', 'ETHERNET'],
    ['test/fixtures/captures/tcp-any-sll2.pcap', '14010000', 'LINUX_SLL2'],
    ['public ja4/tls-alpn-h2.pcap', '00000000', 'NULL'],
    ['public zeek/quic-go_quic-go-handshake.pcap', '09000000', 'PPP'],
    ['public zeek/payload-syn.pcap', '65000000', 'RAW'],
    ['public suricata-verify/chdlc-http.pcap', '68000000', 'C_HDLC'],
    ['public tcpdump/tcp-handshake-nano.pcap', '71000000', 'LINUX_SLL'],
    ['public arkime/80211http.pcap', '7f000000', 'IEEE802_11_RADIOTAP'],
    ['public suricata-verify/defrag-ipv4-tcp-syn.pcap', 'e4000000', 'IPV4'],
    ['public suricata-verify/defrag-ipv6-tcp.pcap', 'e5000000', 'IPV6'],
    ['public arkime/nflog.pcap', 'ef000000', 'NFLOG'],
    ['LINKTYPE_LOOP (OpenBSD loopback)', '6c000000', 'LOOP'],
    ['LINKTYPE_PPP_HDLC', '32000000', 'PPP_HDLC'],
    ['LINKTYPE_USER0: not decoded, no name', '93000000', undefined],
    ['LINKTYPE_PPI: not decoded, no name', 'c0000000', undefined],
  ])('%s (link type %s)', (_source, bytes, name) => {
    expect(LINK_TYPE_NAMES[u32le(bytes)]).toBe(name);
  });

  it('names every link type, each value once', () => {
    expect(Object.keys(LINK_TYPE_NAMES)).toHaveLength(Object.keys(LinkType).length);
    for (const [name, value] of Object.entries(LinkType)) expect(LINK_TYPE_NAMES[value]).toBe(name);
  });
});
