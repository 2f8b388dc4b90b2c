/**
 * Errors are values with stable codes inside the decoder (never thrown out of the
 * public API); the apps turn them into one clear line for a person.
 */
export type CaptureErrorCode =
  | 'capture.unknown_format'
  | 'capture.truncated_header'
  | 'capture.truncated_record'
  | 'capture.record_too_large'
  | 'capture.bad_block'
  | 'capture.bad_byte_order_magic'
  | 'capture.unknown_interface'
  | 'capture.bad_version';

export interface CaptureError {
  code: CaptureErrorCode;
  /** Byte offset in the file where the damage starts. */
  offset: number;
  message: string;
}

/** Why a packet could not be decoded all the way down to TCP. Counted, never thrown. */
export type PacketSkipReason =
  | 'truncated' // a header ran past the captured bytes
  | 'unsupported_link' // link type we do not decode
  | 'not_ip' // ARP, LLDP, ...
  | 'not_tcp' // UDP, ICMP, ... (after tunnels)
  | 'ip_fragment' // non-first fragment, or first fragment (counted, not reassembled)
  | 'bad_header' // impossible header lengths / versions
  | 'ext_header_cap' // IPv6 extension chain or encapsulation depth over its cap
  | 'bad_timestamp'; // a capture time no clock gives (see packet-time.ts)

export const PACKET_SKIP_REASONS: readonly PacketSkipReason[] = [
  'truncated', 'unsupported_link', 'not_ip', 'not_tcp', 'ip_fragment', 'bad_header', 'ext_header_cap', 'bad_timestamp',
];
