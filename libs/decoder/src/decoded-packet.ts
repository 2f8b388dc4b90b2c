import type { PacketSkipReason } from './errors';

/**
 * The result of decoding one frame down to TCP, reused for every packet. Addresses are
 * offsets into `data` (views, not copies); read them with the helpers in `address.ts`.
 */
export interface DecodedPacket {
  data: Uint8Array;
  tsSec: number;
  tsNsec: number;
  frame: number;
  /** The capture kept fewer bytes than were on the wire (snaplen): lengths past the end are real. */
  frameCut: boolean;
  skip: PacketSkipReason | null;

  // Innermost IP header in front of TCP
  ipVersion: 4 | 6;
  srcOffset: number;
  dstOffset: number;
  ttl: number;
  /** IP payload length from the header (may exceed what was captured). */
  ipPayloadLength: number;

  // TCP
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  tcpHeaderLength: number;
  /** TCP payload length per the IP header: what sequence numbers count. */
  payloadLength: number;
  /** Start and captured length of the payload within `data` (snaplen may cut it). */
  payloadOffset: number;
  payloadCaptured: number;
  options: TcpOptions;
}

export interface TcpOptions {
  mss: number; // -1 when absent
  windowScale: number; // -1 when absent
  sackPermitted: boolean;
  sackBlocks: number;
  hasTimestamp: boolean;
  tsVal: number;
  tsEcr: number;
  /** An option ran past the header or had an impossible length. */
  malformed: boolean;
  /** The snaplen cut the header inside its options: those past the cut are unknown. */
  truncated: boolean;
}

export function newDecodedPacket(): DecodedPacket {
  return {
    data: new Uint8Array(0), tsSec: 0, tsNsec: 0, frame: 0, frameCut: false, skip: null,
    ipVersion: 4, srcOffset: 0, dstOffset: 0, ttl: 0, ipPayloadLength: 0,
    srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, tcpHeaderLength: 0,
    payloadLength: 0, payloadOffset: 0, payloadCaptured: 0,
    options: { mss: -1, windowScale: -1, sackPermitted: false, sackBlocks: 0, hasTimestamp: false, tsVal: 0, tsEcr: 0, malformed: false, truncated: false },
  };
}
