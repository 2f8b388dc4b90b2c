import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeGre } from './gre';

// GRE headers: flags and version, protocol type, then the optional fields the flags announce
// (checksum+reserved C 0x8000, key K 0x2000, sequence S 0x1000; in PPTP's version 1 also an
// acknowledgment A 0x0080). Real ones are from /work/shared/captures/public/ (MANIFEST.md); the
// others set other flags and protocols on them, with the fields those ask for.
const ETHERNET = '563b70be43ec e6e0b2b82366 0800'; // tcp-normal-close.pcap frame 1's Ethernet header
// version 2 and VLAN, session 20, timestamp, security group tag, then flags ending in the O bit
const ERSPAN_III = '2000 0014 00000000 0000 0000';
const ERSPAN_III_O = '2000 0014 00000000 0000 0001';

describe('decodeGre', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['no options, IPv4 (ja4/gre-sample.pcap frame 1, bytes 34-39)', '0000 0800 4500', { next: Next.EtherType, proto: 0x0800, offset: 4 }],
    ['sequence number, ERSPAN type II, then Ethernet (ja4/gre-erspan-vxlan.pcap frame 1, bytes 34-53)', '1000 88be 00000000 10000014 00000001 ffddffff',
      { next: Next.Ethernet, offset: 4 + 4 + 8 }],
    ['checksum, IPv4', '8000 0800 1c460000 4500', { next: Next.EtherType, proto: 0x0800, offset: 8 }],
    ['key and sequence number, IPv4', '3000 0800 0000002a 00000001 4500', { next: Next.EtherType, proto: 0x0800, offset: 12 }],
    ['checksum, key and sequence number, IPv6', 'b000 86dd 1c460000 0000002a 00000001 6001', { next: Next.EtherType, proto: 0x86dd, offset: 16 }],
    ['bit 0x0080 in version 0 is reserved, not an acknowledgment', '1080 0800 00000001 4500', { next: Next.EtherType, proto: 0x0800, offset: 8 }],
    ['key, transparent Ethernet bridging (6558, as NVGRE sends)', `2000 6558 00000100 ${ETHERNET}`, { next: Next.Ethernet, offset: 8 }],
    ['sequence number, ERSPAN type III (22eb), then Ethernet', `1000 22eb 00000000 ${ERSPAN_III} ${ETHERNET}`, { next: Next.Ethernet, offset: 8 + 12 }],
    ['ERSPAN type III with its 8-byte platform subheader (O bit)', `1000 22eb 00000000 ${ERSPAN_III_O} 0000000000000000 ${ETHERNET}`, { next: Next.Ethernet, offset: 8 + 12 + 8 }],
    ['PPTP (version 1: key, sequence, acknowledgment), PPP with FF 03, IPv4', '3081 880b 00080001 00000002 00000001 ff03 0021 4500',
      { next: Next.Ppp, proto: 0x0021, offset: 16 + 4 }],
    ['PPTP without an acknowledgment, PPP compressed to 21, IPv4', '3001 880b 00080001 00000002 21 4500', { next: Next.Ppp, proto: 0x21, offset: 12 + 1 }],
    ['a protocol type the packet decoder does not follow (WCCP 883e): passed on as an EtherType', '0000 883e 0000', { next: Next.EtherType, proto: 0x883e, offset: 4 }],
    ['cut inside the base header (3 bytes)', '0000 08', stopped('truncated')],
    ['key announced, cut inside it', '2000 0800 0000', stopped('truncated')],
    ['ERSPAN type III cut inside its header', '1000 22eb 00000000 2000 0014 00000000 0000', stopped('truncated')],
    ['PPTP with nothing after its header', '3081 880b 00080001 00000002 00000001', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeGre)).toEqual(outcome(bytes, changes));
  });
});
