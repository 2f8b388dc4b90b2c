import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeCiscoHdlc } from './cisco-hdlc';

// Address (0F unicast, 8F broadcast), control 00, then an EtherType. Every frame of
// /work/shared/captures/public/suricata-verify/chdlc-http.pcap starts 0F 00 08 00.
describe('decodeCiscoHdlc', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['unicast, IPv4 (chdlc-http.pcap frame 1)', '0f00 0800 4500', { next: Next.EtherType, proto: 0x0800, offset: 4 }],
    ['broadcast, SLARP 0x8035: passed on, the EtherType step says not IP (frame 1 with 8F 00 80 35)', '8f00 8035 0000', { next: Next.EtherType, proto: 0x8035, offset: 4 }],
    ['cut inside the protocol (frame 1, 3 bytes)', '0f00 08', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeCiscoHdlc)).toEqual(outcome(bytes, changes));
  });
});
