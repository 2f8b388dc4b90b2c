import { Next } from '../layer-cursor';
import { outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeNflog } from './nflog';

// /work/shared/captures/public/arkime/nflog.pcap frame 1, bytes 0-51: the NFLOG header (AF_INET,
// version 0, resource 40), then TLVs with little-endian length and type, each padded to 4 bytes:
// PACKET_HDR, PREFIX (length 5: padded to 8), IFINDEX_OUTDEV, UID, GID, then PAYLOAD (type 9,
// length 64) holding the IPv4 packet, of which the first 4 bytes are here.
const HEADER = '02000028';
const TLVS = '08000100 00000316  05000a00 00000000  08000500 00000002  08000b00 0000064c  08000e00 00000402';
const PAYLOAD = '40000900 4500003c';

describe('decodeNflog', () => {
  it.each<[string, string, Partial<LayerOutcome>]>([
    ['the payload TLV after five others (frame 1): IP starts after its header, the capture ends first', `${HEADER} ${TLVS} ${PAYLOAD}`, { next: Next.IpByVersion, offset: 48, end: 52 }],
    ['a payload TLV shorter than the bytes after it (length 6): the layer ends with the TLV', `${HEADER} ${TLVS} 06000900 4500003c`, { next: Next.IpByVersion, offset: 48, end: 50 }],
    ['an empty TLV (length 4: its header only) before the payload TLV', `${HEADER} 04000100 ${PAYLOAD}`, { next: Next.IpByVersion, offset: 12, end: 16 }],
    ['a TLV length of 3, under its own header (then the payload TLV)', `${HEADER} 03000100 ${PAYLOAD}`, stopped('bad_header')],
    ['a TLV length under 4 (frame 1, first TLV length 2)', `${HEADER} 02000100 00000316 ${PAYLOAD}`, stopped('bad_header')],
    ['cut inside a TLV header (frame 1, 14 bytes)', `${HEADER} 08000100 00000316 0500`, stopped('truncated')],
    ['the TLVs end without a payload TLV (frame 1, 44 bytes)', `${HEADER} ${TLVS}`, stopped('truncated')],
    ['64 TLVs and no payload (frame 1\'s PACKET_HDR TLV 64 times)', `${HEADER} ${'08000100 00000316 '.repeat(64)} ${PAYLOAD}`, stopped('ext_header_cap')],
  ])('%s', (_name, bytes, changes) => {
    expect(runLayer(bytes, decodeNflog)).toEqual(outcome(bytes, changes));
  });
});
