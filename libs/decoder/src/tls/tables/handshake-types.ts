// TLS HandshakeType and ContentType: code -> name, as in the IANA "TLS HandshakeType"
// (tls-parameters-7) and "TLS ContentType" (tls-parameters-5) registries. IANA suffixes types
// TLS 1.3 no longer uses with "_RESERVED" (e.g. server_key_exchange_RESERVED): the suffix is
// left out here, since the decoder still sees them in TLS 1.2 and earlier. See README.md.
import { hex } from './grease';

/** The handshake types the decoder acts on, by name (HANDSHAKE_TYPES names every code). */
export const HandshakeType = {
  HELLO_REQUEST: 0, CLIENT_HELLO: 1, SERVER_HELLO: 2, NEW_SESSION_TICKET: 4, END_OF_EARLY_DATA: 5,
  ENCRYPTED_EXTENSIONS: 8, CERTIFICATE: 11, SERVER_KEY_EXCHANGE: 12, CERTIFICATE_REQUEST: 13,
  SERVER_HELLO_DONE: 14, CERTIFICATE_VERIFY: 15, CLIENT_KEY_EXCHANGE: 16, FINISHED: 20, CERTIFICATE_STATUS: 22,
} as const;

/** Record content types, by name (CONTENT_TYPES names every code). */
export const ContentType = { CHANGE_CIPHER_SPEC: 20, ALERT: 21, HANDSHAKE: 22, APPLICATION_DATA: 23, HEARTBEAT: 24 } as const;

/** SSLv2 message types the decoder acts on, by name (SSL2_MESSAGE_TYPES names every code). */
export const Sslv2Message = { ERROR: 0, CLIENT_HELLO: 1, CLIENT_MASTER_KEY: 2, SERVER_HELLO: 4 } as const;

export const HANDSHAKE_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'hello_request'], // IANA: _RESERVED
  [1, 'client_hello'],
  [2, 'server_hello'],
  [3, 'hello_verify_request'], // IANA: _RESERVED (DTLS 1.2)
  [4, 'new_session_ticket'],
  [5, 'end_of_early_data'],
  [6, 'hello_retry_request'], // IANA: _RESERVED (TLS 1.3 drafts)
  [8, 'encrypted_extensions'],
  [9, 'request_connection_id'], // RFC 9147
  [10, 'new_connection_id'], // RFC 9147
  [11, 'certificate'],
  [12, 'server_key_exchange'], // IANA: _RESERVED
  [13, 'certificate_request'],
  [14, 'server_hello_done'], // IANA: _RESERVED
  [15, 'certificate_verify'],
  [16, 'client_key_exchange'], // IANA: _RESERVED
  [17, 'client_certificate_request'], // RFC 9261
  [20, 'finished'],
  [21, 'certificate_url'], // IANA: _RESERVED
  [22, 'certificate_status'], // IANA: _RESERVED
  [23, 'supplemental_data'], // IANA: _RESERVED
  [24, 'key_update'],
  [25, 'compressed_certificate'], // RFC 8879
  [26, 'ekt_key'], // RFC 8870
  [254, 'message_hash'],
]);

/** Not in the IANA registry: Next Protocol Negotiation (draft-agl-tls-nextprotoneg). */
export const LEGACY_HANDSHAKE_TYPES: ReadonlyMap<number, string> = new Map([
  [67, 'next_protocol'],
]);

/** SSL 2.0 message types (SSL_MT_*, draft-hickman-netscape-ssl-00). */
export const SSL2_MESSAGE_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'error'],
  [1, 'client_hello'],
  [2, 'client_master_key'],
  [3, 'client_finished'],
  [4, 'server_hello'],
  [5, 'server_verify'],
  [6, 'server_finished'],
  [7, 'request_certificate'],
  [8, 'client_certificate'],
]);

export const CONTENT_TYPES: ReadonlyMap<number, string> = new Map([
  [20, 'change_cipher_spec'],
  [21, 'alert'],
  [22, 'handshake'],
  [23, 'application_data'],
  [24, 'heartbeat'], // RFC 6520
  [25, 'tls12_cid'], // RFC 9146
  [26, 'ack'], // RFC 9147
  [27, 'return_routability_check'], // draft-ietf-tls-dtls-rrc
]);

/** The handshake type's name, else the hex code ('0x07'). */
export function handshakeTypeName(code: number): string {
  return HANDSHAKE_TYPES.get(code) ?? LEGACY_HANDSHAKE_TYPES.get(code) ?? hex(code, 2);
}

/** The SSL 2.0 message type's name, else the hex code ('0x09'). */
export function ssl2MessageTypeName(code: number): string {
  return SSL2_MESSAGE_TYPES.get(code) ?? hex(code, 2);
}

/** The record content type's name, else the hex code ('0x13'). */
export function contentTypeName(code: number): string {
  return CONTENT_TYPES.get(code) ?? hex(code, 2);
}
