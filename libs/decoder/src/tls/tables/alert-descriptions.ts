// TLS alerts: AlertDescription -> name, as in the IANA "TLS Alerts" registry (tls-parameters-6),
// and AlertLevel (RFC 5246 7.2; no IANA registry). IANA suffixes values TLS 1.3 no longer uses
// with "_RESERVED" (e.g. decryption_failed_RESERVED): the suffix is left out here, since the
// decoder still sees them in SSL 3.0 - TLS 1.2 traffic. See README.md.
import { hex } from './grease';

export const ALERT_DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [0, 'close_notify'],
  [10, 'unexpected_message'],
  [20, 'bad_record_mac'],
  [21, 'decryption_failed'], // IANA: _RESERVED
  [22, 'record_overflow'],
  [30, 'decompression_failure'], // IANA: _RESERVED
  [40, 'handshake_failure'],
  [41, 'no_certificate'], // IANA: _RESERVED (SSL 3.0)
  [42, 'bad_certificate'],
  [43, 'unsupported_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [46, 'certificate_unknown'],
  [47, 'illegal_parameter'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [50, 'decode_error'],
  [51, 'decrypt_error'],
  [52, 'too_many_cids_requested'], // RFC 9147
  [60, 'export_restriction'], // IANA: _RESERVED
  [70, 'protocol_version'],
  [71, 'insufficient_security'],
  [80, 'internal_error'],
  [86, 'inappropriate_fallback'], // RFC 7507
  [90, 'user_canceled'],
  [100, 'no_renegotiation'], // IANA: _RESERVED
  [109, 'missing_extension'],
  [110, 'unsupported_extension'],
  [111, 'certificate_unobtainable'], // IANA: _RESERVED
  [112, 'unrecognized_name'],
  [113, 'bad_certificate_status_response'],
  [114, 'bad_certificate_hash_value'], // IANA: _RESERVED
  [115, 'unknown_psk_identity'],
  [116, 'certificate_required'],
  [120, 'no_application_protocol'],
  [121, 'ech_required'], // draft-ietf-tls-esni
]);

/** Not in the IANA registry: sent by TLS 1.3 draft implementations. */
export const LEGACY_ALERT_DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [1, 'end_of_early_data'],
]);

export const ALERT_LEVELS: ReadonlyMap<number, string> = new Map([
  [1, 'warning'],
  [2, 'fatal'],
]);

/** The alert's name, else the hex code ('0x7b'). */
export function alertDescriptionName(code: number): string {
  return ALERT_DESCRIPTIONS.get(code) ?? LEGACY_ALERT_DESCRIPTIONS.get(code) ?? hex(code, 2);
}

/** 'warning', 'fatal', else the hex code ('0x03'). */
export function alertLevelName(code: number): string {
  return ALERT_LEVELS.get(code) ?? hex(code, 2);
}
