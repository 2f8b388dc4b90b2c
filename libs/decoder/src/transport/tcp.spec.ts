import { newDecodedPacket, type TcpOptions } from '../decoded-packet';
import { Next } from '../layer-cursor';
import { AT, outcome, runLayer, stopped, type LayerOutcome } from '../testing/layer-bytes';
import { decodeTcp } from './tcp';
import { TcpFlag as F } from './tcp-flags';

interface TcpFields {
  srcPort: number; dstPort: number; seq: number; ack: number; flags: number; window: number;
  tcpHeaderLength: number; payloadLength: number; payloadOffset: number; payloadCaptured: number; options: TcpOptions;
}

/** `ipPayloadLength` is what the IP layer before found in its header. */
function run(bytes: string, ipPayloadLength: number): { cursor: LayerOutcome; tcp: TcpFields | null } {
  const p = newDecodedPacket();
  p.ipPayloadLength = ipPayloadLength;
  p.tcpHeaderLength = -1;
  const cursor = runLayer(bytes, (b, c) => decodeTcp(b, c, p));
  if (p.tcpHeaderLength < 0) return { cursor, tcp: null };
  const { srcPort, dstPort, seq, ack, flags, window, tcpHeaderLength, payloadLength, payloadCaptured } = p;
  return { cursor, tcp: { srcPort, dstPort, seq, ack, flags, window, tcpHeaderLength, payloadLength, payloadOffset: p.payloadOffset - AT, payloadCaptured, options: { ...p.options } } };
}

const NO_OPTIONS: TcpOptions = { mss: -1, windowScale: -1, sackPermitted: false, sackBlocks: 0, hasTimestamp: false, tsVal: 0, tsEcr: 0, malformed: false, truncated: false };
const options = (o: Partial<TcpOptions>): TcpOptions => ({ ...NO_OPTIONS, ...o });

// TCP headers as hex (ports, seq, ack, data offset/flags, window, checksum, urgent pointer, options),
// from test/fixtures/captures/ and /work/shared/captures/public/ (MANIFEST.md), each named with
// its frame; expected values as tshark shows those frames (absolute seq/ack). The rows after the
// real ones change one field of tcp-normal-close.pcap frame 1 as said.
const SYN_OPTIONS = '020405b4 0402080a 0813e14f 00000000 0103030a'; // MSS 1460, SACK permitted, TS, NOP, WS 10
const SYN = `8680 1f90 0c109d6b 00000000 a002 faf0 ff80 0000 ${SYN_OPTIONS}`; // tcp-normal-close.pcap frame 1
const SYN_FIELDS = { srcPort: 34432, dstPort: 8080, seq: 0x0c109d6b, ack: 0, window: 64240, tcpHeaderLength: 40, payloadLength: 0, payloadOffset: 40, payloadCaptured: 0 };
const SYN_OPTION_FIELDS = options({ mss: 1460, sackPermitted: true, hasTimestamp: true, tsVal: 135520591, tsEcr: 0, windowScale: 10 });

describe('decodeTcp', () => {
  it.each<[string, string, number, Partial<LayerOutcome>, TcpFields | null]>([
    ['SYN (tcp-normal-close.pcap frame 1, bytes 34-73)', SYN, 40,
      { next: Next.Done }, { ...SYN_FIELDS, flags: F.SYN, options: SYN_OPTION_FIELDS }],
    ['SYN-ACK (tcp-normal-close.pcap frame 2, bytes 34-73)', '1f90 8680 b536f3d0 0c109d6c a012 fe88 3ff6 0000 020405b4 0402080a 823490a5 0813e14f 0103030a', 40,
      { next: Next.Done }, { srcPort: 8080, dstPort: 34432, seq: 0xb536f3d0, ack: 0x0c109d6c, flags: F.SYN | F.ACK, window: 65160, tcpHeaderLength: 40, payloadLength: 0, payloadOffset: 40, payloadCaptured: 0,
        options: options({ mss: 1460, sackPermitted: true, hasTimestamp: true, tsVal: 2184482981, tsEcr: 135520591, windowScale: 10 }) }],
    ['PSH-ACK with 82 bytes of request, 4 of them here (tcp-normal-close.pcap frame 4, bytes 34-69)', '8680 1f90 0c109d6c b536f3d1 8018 003f 5267 0000 0101080a 0813e151 823490a5 47455420', 114,
      { next: Next.Done }, { srcPort: 34432, dstPort: 8080, seq: 0x0c109d6c, ack: 0xb536f3d1, flags: F.PSH | F.ACK, window: 63, tcpHeaderLength: 32, payloadLength: 82, payloadOffset: 32, payloadCaptured: 4,
        options: options({ hasTimestamp: true, tsVal: 135520593, tsEcr: 2184482981 }) }],
    ['FIN-ACK (tcp-normal-close.pcap frame 8, bytes 34-65)', '8680 1f90 0c109dbe b536f487 8011 003f 6bfe 0000 0101080a 0813e153 823490a9', 32,
      { next: Next.Done }, { srcPort: 34432, dstPort: 8080, seq: 0x0c109dbe, ack: 0xb536f487, flags: F.FIN | F.ACK, window: 63, tcpHeaderLength: 32, payloadLength: 0, payloadOffset: 32, payloadCaptured: 0,
        options: options({ hasTimestamp: true, tsVal: 135520595, tsEcr: 2184482985 }) }],
    ['RST-ACK aborting a connection (tcp-server-abort.pcap frame 6, bytes 34-65)', '2329 9f00 6debb11f 6fc0f68f 8014 0040 ee81 0000 0101080a ba99832a 257ec893', 32,
      { next: Next.Done }, { srcPort: 9001, dstPort: 40704, seq: 0x6debb11f, ack: 0x6fc0f68f, flags: F.RST | F.ACK, window: 64, tcpHeaderLength: 32, payloadLength: 0, payloadOffset: 32, payloadCaptured: 0,
        options: options({ hasTimestamp: true, tsVal: 3130622762, tsEcr: 629065875 }) }],
    ['RST-ACK refusing a SYN, no options (tcp-refused.pcap frame 2, bytes 34-53)', '1f91 e5a2 00000000 d6750ac0 5014 0000 b4ca 0000', 20,
      { next: Next.Done }, { srcPort: 8081, dstPort: 58786, seq: 0, ack: 0xd6750ac0, flags: F.RST | F.ACK, window: 0, tcpHeaderLength: 20, payloadLength: 0, payloadOffset: 20, payloadCaptured: 0, options: NO_OPTIONS }],
    ['SYN-ECE-CWR cut by the snaplen 6 bytes before the header ends (zeek/truncated-header.pcap frame 1, bytes 34-67)',
      'ed9b 0019 3e1775de 00000000 a0c2 16d0 90d6 0000 020405b4 0402 0808 00000001 0000', 40,
      // its timestamps option says length 8 (tshark: "option length should be 10"), and lies inside the capture
      { next: Next.Done }, { srcPort: 60827, dstPort: 25, seq: 1041724894, ack: 0, flags: F.SYN | F.ECE | F.CWR, window: 5840, tcpHeaderLength: 40, payloadLength: 0, payloadOffset: 34, payloadCaptured: 0,
        options: options({ mss: 1460, sackPermitted: true, malformed: true, truncated: true }) }],
    ['SYN with the AE bit (byte 12 a1): flag 0x100', SYN.replace('a002', 'a102'), 40,
      { next: Next.Done }, { ...SYN_FIELDS, flags: F.SYN | F.AE, options: SYN_OPTION_FIELDS }],
    ['data offset 4: shorter than the fixed header', SYN.replace('a002', '4002'), 40, stopped('bad_header'), null],
    ['cut inside the fixed header (19 bytes)', '8680 1f90 0c109d6b 00000000 a002 faf0 ff80 00', 40, stopped('truncated'), null],
  ])('%s', (_name, bytes, ipPayloadLength, changes, tcp) => {
    expect(run(bytes, ipPayloadLength)).toEqual({ cursor: outcome(bytes, changes), tcp });
  });
});
