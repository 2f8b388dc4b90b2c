import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeMpls } from './mpls';

// Label stack entries: 20-bit label, 3-bit traffic class, bottom-of-stack bit, TTL. The real
// entry is from /work/shared/captures/public/zeek/mixed-vlan-mpls.pcap frame 1 (bytes 14-17:
// label 29, TC 6, bottom of stack, TTL 255, then IPv4 45 c0); the other rows change it as said.
const LABEL = '0001ddff';
const LABEL_NOT_BOTTOM = '0001dcff';

describe('decodeMpls', () => {
  it.each<[string, string, number, Partial<LayerOutcome>]>([
    ['one label, IPv4 after it (mixed-vlan-mpls.pcap frame 1)', `${LABEL} 45c0`, 8, { next: Next.IpByVersion, offset: 4 }],
    ['two labels, IPv4 after them', `${LABEL_NOT_BOTTOM} ${LABEL} 45c0`, 8, { next: Next.IpByVersion, offset: 8 }],
    ['one label, IPv6 after it (the first bytes of tcp-ipv6.pcap frame 1)', `${LABEL} 6001`, 8, { next: Next.IpByVersion, offset: 4 }],
    ['one label, pseudowire control word, then Ethernet', `${LABEL} 00000000 563b70be43ec`, 8, { next: Next.Ethernet, offset: 8 }],
    ['two labels where the cap is one', `${LABEL_NOT_BOTTOM} ${LABEL} 45c0`, 1, stopped('ext_header_cap')],
    ['cut inside the label', '0001dd', 8, stopped('truncated')],
    ['a bottom label with nothing after it', LABEL, 8, stopped('truncated')],
    ['no bottom-of-stack bit before the bytes end', `${LABEL_NOT_BOTTOM} ${LABEL_NOT_BOTTOM}`, 8, stopped('truncated')],
    ['after the stack, a first nibble that is neither IP nor a control word', `${LABEL} 15c0`, 8, stopped('not_ip')],
  ])('%s', (_name, bytes, maxLabels, changes) => {
    expect(runLayer(bytes, (b, c) => decodeMpls(b, c, maxLabels))).toEqual(outcome(bytes, changes));
  });
});
