import { clientFingerprints } from '../tls/fingerprint/client-fingerprints';
import { ja3s } from '../tls/fingerprint/ja3';
import { namedGroupName } from '../tls/tables/named-groups';
import { ecsTlsVersion, versionName } from '../tls/tables/versions';
import type { TlsSession } from '../tls/tls-session';
import { summarizeCertificate, type X509Summary } from '../tls/x509-summary';
import { negotiatedCipher, reportedAlert, tlsHandshakeSeconds } from './tls-outcome';

/** ECS `tls.*` for one connection (DESIGN.md, "Connection events"); absent = unknown. */
export interface TlsEvent {
  version?: string;
  version_protocol?: string;
  /** The version as Wireshark names it, drafts included ('TLS 1.3 (draft 23)'). */
  version_name?: string;
  cipher?: string;
  curve?: string;
  next_protocol?: string;
  resumed: boolean;
  established: boolean;
  hello_retry_request?: true;
  starttls?: string;
  handshake?: { duration_seconds: number };
  alert?: { level: string; description: string; sender: 'client' | 'server' };
  client?: { server_name?: string; supported_versions?: string[]; alpn?: string[]; ech?: true; ja3?: string; ja4?: string };
  server?: { x509?: X509Summary; certificate_chain_length?: number; ja3s?: string };
}

/** The TLS part of a connection event, or undefined when the connection carried no TLS hello. */
export function tlsEvent(t: TlsSession | null): TlsEvent | undefined {
  if (t === null || !t.isTls) return undefined;
  const ev: TlsEvent = { resumed: t.resumed, established: t.established };
  const version = t.version;
  if (version !== null) {
    const ecs = ecsTlsVersion(version);
    if (ecs) {
      ev.version = ecs.version;
      ev.version_protocol = ecs.protocol;
    }
    ev.version_name = versionName(version);
  }
  const sh = t.serverHello;
  const cipher = negotiatedCipher(t);
  if (cipher !== undefined) ev.cipher = cipher;
  if (sh && sh.alpn !== undefined) ev.next_protocol = sh.alpn;
  const group = sh?.keyShareGroup ?? t.keyExchangeGroup;
  if (group !== null && group !== undefined) ev.curve = namedGroupName(group);
  if (t.helloRetryRequest) ev.hello_retry_request = true;
  if (t.upgradedFrom) ev.starttls = t.upgradedFrom;
  const seconds = tlsHandshakeSeconds(t);
  if (seconds !== undefined) ev.handshake = { duration_seconds: seconds };
  const alert = reportedAlert(t);
  if (alert) ev.alert = alert;
  const ch = t.clientHello;
  if (ch) {
    ev.client = {};
    if (ch.serverName !== undefined) ev.client.server_name = ch.serverName;
    if (ch.supportedVersions) ev.client.supported_versions = ch.supportedVersions.map(versionName);
    if (ch.alpn) ev.client.alpn = ch.alpn;
    if (ch.ech) ev.client.ech = true;
    // Fingerprints of the first ClientHello (JA3: MD5, absent for an SSLv2-framed hello).
    const fp = clientFingerprints(ch);
    if (fp.ja3 !== undefined) ev.client.ja3 = fp.ja3;
    ev.client.ja4 = fp.ja4;
  }
  if (t.certificates && t.certificates.length > 0) {
    ev.server = { x509: summarizeCertificate(t.certificates[0]), certificate_chain_length: t.certificates.length };
  }
  // JA3S of the first ServerHello on the wire: the HelloRetryRequest when there is one,
  // as it answers the first ClientHello (the one JA3 and JA4 describe).
  // An SSLv2 SERVER-HELLO has no JA3S (Wireshark builds none either).
  const firstSh = t.helloRetry ?? sh;
  if (firstSh && !firstSh.sslv2) (ev.server ??= {}).ja3s = ja3s(firstSh).hash;
  return ev;
}
