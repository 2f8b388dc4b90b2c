import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll';

// Linux cooked captures (`tcpdump -i any`). Frames from test/fixtures/captures/ and
// /work/shared/captures/public/ (see its MANIFEST.md).
describe('decodeLinuxSll (v1: packet type, ARPHRD, address length, 8 address bytes, protocol)', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['IPv4 sent by this host (tcpdump/tcp-handshake-nano.pcap frame 1)', '0004 0200 0000 0000000000000000 0800 4500', { next: Next.EtherType, proto: 0x0800, offset: 16 }],
    ['IPv6 to this host over loopback (ndpi/quic-v2.pcapng frame 1)', '0000 0304 0006 0000000000000000 86dd 602b', { next: Next.EtherType, proto: 0x86dd, offset: 16 }],
    ['ARP sent by this host (suricata-verify/urgent11-cve-2019-12260.pcap frame 1)', '0004 0001 0006 000c29d07ef80000 0806 0001', { next: Next.EtherType, proto: 0x0806, offset: 16 }],
    ['cut before the protocol (tcpdump/tcp-handshake-nano.pcap frame 1, 15 bytes)', '0004 0200 0000 0000000000000000 08', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeLinuxSll)).toEqual(outcome(bytes, changes));
  });
});

describe('decodeLinuxSll2 (v2: protocol, reserved, interface index, ARPHRD, packet type, address length, 8 address bytes)', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['IPv4 sent by this host on interface 2 (tcp-any-sll2.pcap frame 1)', '0800 0000 00000002 0001 04 06 e6e0b2b823660000 4500', { next: Next.EtherType, proto: 0x0800, offset: 20 }],
    ['cut inside the address (tcp-any-sll2.pcap frame 1, 19 bytes)', '0800 0000 00000002 0001 04 06 e6e0b2b8236600', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeLinuxSll2)).toEqual(outcome(bytes, changes));
  });
});
