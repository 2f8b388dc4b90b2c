// TLS ExtensionType: code -> name, as in the IANA "TLS ExtensionType Values" registry.
// LEGACY_EXTENSION_TYPES holds values IANA never assigned (or reserved) that clients send anyway,
// named as tshark 4.0 names them. See README.md.
import { greaseName, hex, isGrease } from './grease';

export const EXTENSION_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'server_name'],
  [1, 'max_fragment_length'],
  [2, 'client_certificate_url'],
  [3, 'trusted_ca_keys'],
  [4, 'truncated_hmac'],
  [5, 'status_request'],
  [6, 'user_mapping'],
  [7, 'client_authz'],
  [8, 'server_authz'],
  [9, 'cert_type'],
  [10, 'supported_groups'], // formerly elliptic_curves
  [11, 'ec_point_formats'],
  [12, 'srp'],
  [13, 'signature_algorithms'],
  [14, 'use_srtp'],
  [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'],
  [17, 'status_request_v2'],
  [18, 'signed_certificate_timestamp'],
  [19, 'client_certificate_type'],
  [20, 'server_certificate_type'],
  [21, 'padding'],
  [22, 'encrypt_then_mac'],
  [23, 'extended_master_secret'],
  [24, 'token_binding'],
  [25, 'cached_info'],
  [26, 'tls_lts'],
  [27, 'compress_certificate'],
  [28, 'record_size_limit'],
  [29, 'pwd_protect'],
  [30, 'pwd_clear'],
  [31, 'password_salt'],
  [32, 'ticket_pinning'],
  [33, 'tls_cert_with_extern_psk'],
  [34, 'delegated_credential'],
  [35, 'session_ticket'], // formerly SessionTicket TLS
  [36, 'TLMSP'],
  [37, 'TLMSP_proxying'],
  [38, 'TLMSP_delegate'],
  [39, 'supported_ekt_ciphers'],
  [41, 'pre_shared_key'],
  [42, 'early_data'],
  [43, 'supported_versions'],
  [44, 'cookie'],
  [45, 'psk_key_exchange_modes'],
  [47, 'certificate_authorities'],
  [48, 'oid_filters'],
  [49, 'post_handshake_auth'],
  [50, 'signature_algorithms_cert'],
  [51, 'key_share'],
  [52, 'transparency_info'],
  [53, 'connection_id (deprecated)'],
  [54, 'connection_id'],
  [55, 'external_id_hash'],
  [56, 'external_session_id'],
  [57, 'quic_transport_parameters'],
  [58, 'ticket_request'],
  [59, 'dnssec_chain'],
  [60, 'sequence_number_encryption_algorithms'],
  [61, 'rrc'],
  [62, 'tls_flags'],
  [0xfd00, 'ech_outer_extensions'],
  [0xfe0d, 'encrypted_client_hello'],
  [0xff01, 'renegotiation_info'],
]);

/**
 * Not assigned by IANA but seen on the wire. 17513 and 17613 are both ALPS (Chrome moved to
 * 17613 in 2024): both are named application_settings.
 */
export const LEGACY_EXTENSION_TYPES: ReadonlyMap<number, string> = new Map([
  [40, 'Reserved (key_share)'], // TLS 1.3 drafts <= 22
  [46, 'Reserved (ticket_early_data_info)'], // TLS 1.3 drafts
  [13172, 'next_protocol_negotiation'], // NPN, draft-agl-tls-nextprotoneg
  [17513, 'application_settings'], // ALPS, draft-vvv-tls-alps
  [17613, 'application_settings'],
  [30031, 'channel_id_old'],
  [30032, 'channel_id'],
  [0xffa5, 'quic_transport_parameters (drafts version)'], // QUIC drafts
  [0xffce, 'encrypted_server_name'], // ESNI, draft-ietf-tls-esni <= 02
]);

/** The extension's name, 'GREASE (0x1a1a)' for RFC 8701 values, else the hex code ('0x0040'). */
export function extensionTypeName(code: number): string {
  const name = EXTENSION_TYPES.get(code) ?? LEGACY_EXTENSION_TYPES.get(code);
  if (name !== undefined) return name;
  return isGrease(code) ? greaseName(code) : hex(code, 4);
}
