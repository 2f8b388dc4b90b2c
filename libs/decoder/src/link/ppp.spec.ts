import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodePppFrame, decodePppProtocol } from './ppp';

// Real PPP headers from /work/shared/captures/public/zeek/quic-go_quic-go-handshake.pcap (DLT_PPP,
// no address/control bytes): frame 1 is IPv6 (00 57), frame 5 IPv4 (00 21). The other rows add
// what other PPP links send: FF 03 address/control (PPP in HDLC framing), protocol-field
// compression (an odd first byte is the whole protocol).
describe('decodePppFrame', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['IPv6 (quic-go handshake frame 1)', '0057 6000', { next: Next.Ppp, proto: 0x0057, offset: 2 }],
    ['IPv4 (quic-go handshake frame 5)', '0021 4500', { next: Next.Ppp, proto: 0x0021, offset: 2 }],
    ['FF 03, then IPv4', 'ff03 0021 4500', { next: Next.Ppp, proto: 0x0021, offset: 4 }],
    ['FF 03, then a compressed protocol field (21: IPv4)', 'ff03 21 4500', { next: Next.Ppp, proto: 0x21, offset: 3 }],
    ['a compressed protocol field (57: IPv6)', '57 6000', { next: Next.Ppp, proto: 0x57, offset: 1 }],
    ['LCP (C0 21): passed on, the protocol step says it is not IP', 'ff03 c021 0101', { next: Next.Ppp, proto: 0xc021, offset: 4 }],
    ['cut inside the protocol (frame 5, 1 byte)', '00', stopped('truncated')],
    ['FF 03 and nothing after it', 'ff03', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodePppFrame)).toEqual(outcome(bytes, changes));
  });
});

describe('decodePppProtocol', () => {
  it.each<[string, number, Partial<LayerOutcome>]>([
    ['0x0021 IPv4', 0x0021, { next: Next.Ipv4 }],
    ['0x0057 IPv6', 0x0057, { next: Next.Ipv6 }],
    ['0xc021 LCP', 0xc021, stopped('not_ip')],
    ['0x8021 IPCP', 0x8021, stopped('not_ip')],
    ['0x0281 MPLS (not followed)', 0x0281, stopped('not_ip')],
  ])('%s', (_name, proto, changes) => {
    expect(runLayer('', (_b, c) => decodePppProtocol(c), proto)).toEqual(outcome('', changes, proto));
  });
});
