// Public API of the pure decoding library: no I/O, no frameworks.
export { CaptureReader, type CaptureFormatName } from './capture/capture-reader';
export { frameBytes, newRawPacket, nsBetween, rawFrame, type RawPacket } from './capture/raw-packet';
export { PcapFormat, PCAP_MAX_RECORD_BYTES } from './capture/pcap-format';
export { PcapngFormat, PCAPNG_MAX_BLOCK_BYTES } from './capture/pcapng-format';
export { PacketDecoder, type PacketDecoderOptions } from './packet-decoder';
export { newDecodedPacket, type DecodedPacket, type TcpOptions } from './decoded-packet';
export { LinkType, LINK_TYPE_NAMES } from './link/link-types';
export { TcpFlag } from './transport/tcp-flags';
export { formatIp, formatIpv4, formatIpv6 } from './address';
export { DEFAULT_MEMORY_BUDGET_BYTES } from './tcp/memory-costs';
export { ConnTracker, DEFAULT_SYN_TIMEOUT_SECONDS, type ConnTrackerOptions, type ConnTrackerStats } from './tcp/conn-tracker';
export type { StreamHook } from './tcp/stream-hook';
export { TlsStreams } from './tls/tls-streams';
export {
  Connection, CLIENT, SERVER,
  type Side, type LadderStep, type AnomalyCode, type CloseKind, type EndReason, type ResetPhase, type RoleSource,
} from './tcp/connection';
export type { LadderCheck, LadderCheckCode, PassedCheckCode } from './tcp/segment/ladder-check';
export { zeekConnState, zeekStateStep, EndpointState, type ConnState } from './tcp/zeek-state';
export { connectionEvent, isoTimestamp, type ConnectionEvent } from './event/connection-event';
export { CaptureAnalyzer, type CaptureAnalyzerOptions, type AnalyzerError } from './capture-analyzer';
export { PACKET_SKIP_REASONS, type CaptureError, type CaptureErrorCode, type PacketSkipReason } from './errors';
export { tlsEvent, type TlsEvent } from './event/tls-event';
export { negotiatedCipher, reportedAlert, tlsHandshakeSeconds, type ReportedAlert } from './event/tls-outcome';
export { TlsSession, type TlsMessage, type TlsAlert } from './tls/tls-session';
export type { ClientHello, ServerHello, TlsExtension } from './tls/hello-types';
export { summarizeCertificate, type X509Summary } from './tls/x509-summary';
export { ja3, ja3s, type Ja3 } from './tls/fingerprint/ja3';
export { ja4, type Ja4 } from './tls/fingerprint/ja4';
export { cipherSuiteName, ssl2CipherSpecName } from './tls/tables/cipher-suites';
export { namedGroupName } from './tls/tables/named-groups';
export { alertDescriptionName, alertLevelName } from './tls/tables/alert-descriptions';
export { handshakeTypeName } from './tls/tables/handshake-types';
export { versionName, ecsTlsVersion, isTls13 } from './tls/tables/versions';
export { connectionEventJson } from './event/connection-event-json';
export { writeConnectionEvent } from './event/connection-event-bytes';
export { JsonByteWriter } from './event/json-byte-writer';
