import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeVlan } from './vlan';

// The bytes after an 802.1Q/802.1ad EtherType: TCI (priority, DEI, VLAN id), then the inner
// EtherType. Frames from test/fixtures/captures/ and /work/shared/captures/public/ (MANIFEST.md).
describe('decodeVlan', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['VLAN 42, IPv4 inside (tcp-vlan.pcap frame 1, bytes 14-19)', '002a 0800 4500', { next: Next.EtherType, proto: 0x0800, offset: 4 }],
    ['outermost of three stacked tags, VLAN 30 (zeek/vlan-qinqinq.pcap frame 1, bytes 14-19)', '001e 8100 0014', { next: Next.EtherType, proto: 0x8100, offset: 4 }],
    ['innermost of the three, VLAN 10, IPv4 inside (same frame, bytes 22-27)', '000a 0800 4500', { next: Next.EtherType, proto: 0x0800, offset: 4 }],
    ['802.1ad service tag 1525, customer tag inside (arkime/dot1ad.pcap frame 1, bytes 14-19)', '05f5 8100 001e', { next: Next.EtherType, proto: 0x8100, offset: 4 }],
    ['cut inside the tag (tcp-vlan.pcap frame 1, 3 bytes)', '002a 08', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeVlan)).toEqual(outcome(bytes, changes));
  });
});
