import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeRadiotap80211 } from './radiotap-80211';

// /work/shared/captures/public/arkime/80211http.pcap: a 36-byte radiotap header (version 0,
// length 24 00 little-endian), the 802.11 header (frame control, duration, addresses, sequence
// control), LLC/SNAP, IPv4. Frame 1 is a data frame to the AP (frame control 08 01), frame 2
// one from it (08 02). The other rows change frame 1's frame control (and add the fields it
// then announces) as other data frames have it.
const RADIOTAP_1 = '00002400 2f4000a0 20080000 00000000 28eb6828 00000000 10169e09 a000ba00 0000ba00';
const RADIOTAP_2 = '00002400 2f4000a0 20080000 00000000 89ef6828 00000000 10169e09 a000e700 0000e700';
const REST_1 = '0201 882593406b6f f8a9d01e90a3 882593406b6f 20b7'; // duration, 3 addresses, sequence
const REST_2 = 'd500 f8a9d01e90a3 882593406b6f 882593406b6f 003e';
const LLC_IPV4 = 'aaaa03 000000 0800 4500';
const frame1 = (frameControl: string, extra = ''): string => `${RADIOTAP_1} ${frameControl} ${REST_1} ${extra} ${LLC_IPV4}`;

describe('decodeRadiotap80211', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['data to the AP (frame 1)', frame1('0801'), { next: Next.EtherType, proto: 0x0800, offset: 36 + 24 + 8 }],
    ['data from the AP (frame 2)', `${RADIOTAP_2} 0802 ${REST_2} ${LLC_IPV4}`, { next: Next.EtherType, proto: 0x0800, offset: 36 + 24 + 8 }],
    ['a minimal 8-byte radiotap header instead (length 08 00)', `00000800 00000000 0801 ${REST_1} ${LLC_IPV4}`, { next: Next.EtherType, proto: 0x0800, offset: 8 + 24 + 8 }],
    ['QoS data (88 01): 2 bytes of QoS control', frame1('8801', '0000'), { next: Next.EtherType, proto: 0x0800, offset: 36 + 26 + 8 }],
    ['QoS data with the +HTC/order bit (88 81): and 4 bytes of HT control', frame1('8881', '0000 00000000'), { next: Next.EtherType, proto: 0x0800, offset: 36 + 30 + 8 }],
    ['four addresses, to and from DS (08 03): a fourth address', frame1('0803', '882593406b6f'), { next: Next.EtherType, proto: 0x0800, offset: 36 + 30 + 8 }],
    ['protected (08 41): encrypted, nothing to read', frame1('0841'), stopped('not_ip')],
    ['null data (48 01): no payload', frame1('4801'), stopped('not_ip')],
    ['a beacon (80 00): management', frame1('8000'), stopped('not_ip')],
    ['an association request (00 00): management, even with SNAP-like bytes after its header', frame1('0000'), stopped('not_ip')],
    ['cut inside the radiotap header (3 bytes)', '000024', stopped('truncated')],
    ['cut inside the 802.11 header (frame 1, 36 + 23 bytes)', `${RADIOTAP_1} 0801 ${REST_1.slice(0, -2)}`, stopped('truncated')],
    ['cut inside the SNAP header (frame 1, 36 + 24 + 5 bytes)', `${RADIOTAP_1} 0801 ${REST_1} aaaa03 0000`, stopped('truncated')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeRadiotap80211)).toEqual(outcome(bytes, changes));
  });
});
