/**
 * The parsed forms of the hello messages that fingerprints and the connection result
 * are computed from. Unknown code points stay numbers (names only for display);
 * lists are in wire order with GREASE values kept (fingerprints filter them).
 */
export interface TlsExtension {
  type: number;
  /**
   * The extension body: a view into the hello's own copy of its bytes (hellos outlive their
   * packet). The parsers' extensions (HelloExtension) make it on first read.
   */
  data: Uint8Array;
}

export interface ClientHello {
  /** legacy_version (0x0303 for TLS 1.2 and 1.3). */
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: TlsExtension[];
  serverName?: string;
  alpn?: string[];
  supportedVersions?: number[];
  supportedGroups?: number[];
  ecPointFormats?: number[];
  signatureAlgorithms?: number[];
  keyShareGroups?: number[];
  /** pre_shared_key offered (resumption attempt), early_data, session ticket sent (non-empty). */
  pskOffered: boolean;
  earlyData: boolean;
  sessionTicketPresented: boolean;
  /** encrypted_client_hello extension present. */
  ech: boolean;
  /** Came in SSLv2-compatible framing. */
  sslv2: boolean;
}

export interface ServerHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: TlsExtension[];
  /** supported_versions in the ServerHello: the negotiated version for TLS 1.3. */
  selectedVersion?: number;
  keyShareGroup?: number;
  alpn?: string;
  pskSelected: boolean;
  /** A HelloRetryRequest is a ServerHello with the magic random (RFC 8446 4.1.3). */
  helloRetryRequest: boolean;
  /**
   * An SSLv2 SERVER-HELLO (pure SSLv2 handshake): `cipherSuite` is then the 3-byte SSLv2
   * cipher kind the client's CLIENT-MASTER-KEY chose, -1 before it.
   */
  sslv2: boolean;
}

export { isGrease } from './tables/grease';
