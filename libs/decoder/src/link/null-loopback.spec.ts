import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeNullLoopback } from './null-loopback';

// A 4-byte address family, then the IP packet. DLT_NULL writes it in the capturing host's
// byte order; LINKTYPE_LOOP (OpenBSD) in network order. Real headers are from
// /work/shared/captures/public/ (MANIFEST.md); the rest are those with another family value
// (AF_INET6 is 10 on Linux, 24 on OpenBSD/NetBSD, 28 on FreeBSD, 30 on macOS).
describe('decodeNullLoopback', () => {
  it.each<[string, string, boolean, Partial<LayerOutcome>]>([
    ['DLT_NULL, AF_INET6 30 little-endian, macOS (ja4/tls-alpn-h2.pcap frame 1)', '1e000000 6002', false, { next: Next.Ipv6, offset: 4 }],
    ['DLT_NULL, AF_INET 2 little-endian (ja4/http1-with-cookies.pcapng frame 1)', '02000000 4500', false, { next: Next.Ipv4, offset: 4 }],
    ['DLT_NULL, AF_INET 2 big-endian (a big-endian host)', '00000002 4500', false, { next: Next.Ipv4, offset: 4 }],
    ['DLT_NULL, AF_INET6 10 little-endian (Linux)', '0a000000 6002', false, { next: Next.Ipv6, offset: 4 }],
    ['DLT_NULL, AF_INET6 24 little-endian (OpenBSD)', '18000000 6002', false, { next: Next.Ipv6, offset: 4 }],
    ['DLT_NULL, AF_INET6 28 big-endian (FreeBSD on a big-endian host)', '0000001c 6002', false, { next: Next.Ipv6, offset: 4 }],
    ['DLT_NULL, AF_LINK 18: not IP', '12000000 0000', false, stopped('not_ip')],
    ['DLT_NULL cut inside the family (3 bytes)', '1e0000', false, stopped('truncated')],
    ['LOOP, AF_INET 2 in network order', '00000002 4500', true, { next: Next.Ipv4, offset: 4 }],
    ['LOOP, AF_INET6 24 in network order (OpenBSD)', '00000018 6002', true, { next: Next.Ipv6, offset: 4 }],
    ['LOOP is never host order: 02 00 00 00 is no family', '02000000 4500', true, stopped('not_ip')],
  ])('%s', (_name, bytes, networkOrder, changes) => {
    expect(runLayer(bytes, (b, c) => decodeNullLoopback(b, c, networkOrder))).toEqual(outcome(bytes, changes));
  });
});
