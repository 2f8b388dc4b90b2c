import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeEthernet } from './ethernet';

// Frame headers as hex: test/fixtures/captures/ (ours) and /work/shared/captures/public/
// (see its MANIFEST.md), named per row with the frame number as Wireshark counts it.
describe('decodeEthernet', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    // destination, source, EtherType, then the first bytes of what follows
    ['Ethernet II, IPv4 (tcp-normal-close.pcap frame 1)', '563b70be43ec e6e0b2b82366 0800 4500', { next: Next.EtherType, proto: 0x0800, offset: 14 }],
    ['Ethernet II, IPv6 (tcp-ipv6.pcap frame 1)', '563b70be43ec e6e0b2b82366 86dd 6001', { next: Next.EtherType, proto: 0x86dd, offset: 14 }],
    ['Ethernet II, 802.1Q tag next (tcp-vlan.pcap frame 1)', '62dc060707f0 9e512785949f 8100 002a', { next: Next.EtherType, proto: 0x8100, offset: 14 }],
    ['Ethernet II, 802.1ad tag next (arkime/dot1ad.pcap frame 1)', '408f9d6ec7d8 88d98f5fc548 88a8 05f5', { next: Next.EtherType, proto: 0x88a8, offset: 14 }],
    ['Ethernet II, MPLS next (zeek/mixed-vlan-mpls.pcap frame 1)', '003096e6fc39 003096052838 8847 0001ddff', { next: Next.EtherType, proto: 0x8847, offset: 14 }],
    ['Ethernet II, PPPoE session next (arkime/pppoe.pcap frame 1)', '00901aa03da4 0011f513d7a3 8864 1100', { next: Next.EtherType, proto: 0x8864, offset: 14 }],
    // ARP is passed on like any EtherType: the packet decoder's EtherType step counts it as not IP
    ['Ethernet II, ARP (suricata-verify/tls13_draft18.pcap frame 18)', '3208c351cefe 82d3f75e2917 0806 0001', { next: Next.EtherType, proto: 0x0806, offset: 14 }],
    // 802.3: a length (0x0030) where the EtherType would be, then LLC AA AA 03, OUI 000000, EtherType
    ['IEEE 802.3 with LLC/SNAP, IPv4 (zeek/snap-tcp.pcap frame 1)', '66778899aabb 001122334455 0030 aaaa03 000000 0800 4500', { next: Next.EtherType, proto: 0x0800, offset: 22 }],
    // Malformed and unsupported variants of those frames
    ['cut inside the header (tcp-normal-close.pcap frame 1, 13 bytes)', '563b70be43ec e6e0b2b82366 08', stopped('truncated')],
    ['802.3 with an LLC that is not SNAP (snap-tcp.pcap frame 1, DSAP/SSAP 42 as STP has)', '66778899aabb 001122334455 0030 424203 000000 0800', stopped('not_ip')],
    ['802.3 with an LLC whose DSAP is SNAP but SSAP is not (snap-tcp.pcap frame 1, SSAP 42)', '66778899aabb 001122334455 0030 aa4203 000000 0800', stopped('not_ip')],
    ['802.3 with LLC/SNAP addresses but an I-frame control byte (snap-tcp.pcap frame 1, control 00)', '66778899aabb 001122334455 0030 aaaa00 000000 0800', stopped('not_ip')],
    ['802.3 cut inside the LLC header (snap-tcp.pcap frame 1, 16 bytes)', '66778899aabb 001122334455 0030 aaaa', stopped('truncated')],
    ['802.3 cut inside the SNAP header (snap-tcp.pcap frame 1, 20 bytes)', '66778899aabb 001122334455 0030 aaaa03 000000', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeEthernet)).toEqual(outcome(bytes, changes));
  });
});
