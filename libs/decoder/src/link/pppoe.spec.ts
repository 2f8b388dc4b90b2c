import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodePppoeSession } from './pppoe';

// The bytes after EtherType 88 64: version/type 0x11, code 0 (session data), session id,
// length, then the PPP protocol. From /work/shared/captures/public/arkime/pppoe.pcap (bytes 14-23).
describe('decodePppoeSession', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['session 0x069d, length 50, IPv4 (frame 1, client to server)', '11 00 069d 0032 0021 4500', { next: Next.Ppp, proto: 0x0021, offset: 8 }],
    ['session 0x069d, length 46, IPv4 (frame 2, server to client)', '11 00 069d 002e 0021 4500', { next: Next.Ppp, proto: 0x0021, offset: 8 }],
    ['LCP inside the session (frame 1 with protocol C0 21): passed on, the PPP step says not IP', '11 00 069d 0032 c021 0901', { next: Next.Ppp, proto: 0xc021, offset: 8 }],
    ['cut inside the PPP protocol (frame 1, 7 bytes)', '11 00 069d 0032 00', stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodePppoeSession)).toEqual(outcome(bytes, changes));
  });
});
