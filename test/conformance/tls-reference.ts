/**
 * The TLS part of the corpus' tshark reference (`<capture>.tshark.tsv`, one row per
 * cleartext handshake message, see the corpus MANIFEST.md), folded per TCP stream into
 * what one connection event reports: the first ClientHello, the first ServerHello (a
 * HelloRetryRequest when there is one) and the real ServerHello after it. UDP rows (QUIC,
 * DTLS) are out of scope and skipped.
 */
import { canonicalIp, pairKey, parseTsv, type Endpoint } from './tshark-reference';

/** SHA-256("HelloRetryRequest"), hex: the random of a HelloRetryRequest (RFC 8446 4.1.3). */
export const HRR_RANDOM_HEX = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export interface TsharkClientHello {
  frame: number;
  /** SSLv2-compatible framing (record version 0x0002): tshark gives it no JA3. */
  sslv2: boolean;
  /** tls.handshake.extensions_server_name ('' when absent). */
  sni: string;
  ja3: string;
  ja3Full: string;
}

export interface TsharkServerHello {
  frame: number;
  /** legacy_version, e.g. 0x0303. */
  version: number;
  /** supported_versions of the ServerHello, or null. */
  supportedVersion: number | null;
  cipher: number;
  /** Negotiated ALPN ('' when absent). */
  alpn: string;
  /** The key_share group (TLS 1.3 ServerHello; the requested group in a HelloRetryRequest), or null. */
  keyShareGroup: number | null;
  helloRetryRequest: boolean;
  /** An SSLv2 SERVER-HELLO: `cipher` is then the 3-byte cipher kind of the CLIENT-MASTER-KEY (-1: none). */
  sslv2: boolean;
  ja3s: string;
  ja3sFull: string;
}

export interface TsharkTlsStream {
  stream: number;
  /** The sender of the first ClientHello, and its peer (null when tshark saw none). */
  client: Endpoint | null;
  server: Endpoint | null;
  clientHello: TsharkClientHello | null;
  /** The first ServerHello on the wire: a HelloRetryRequest when the server sent one. */
  firstServerHello: TsharkServerHello | null;
  /** The first ServerHello that is not a HelloRetryRequest: the one that negotiates. */
  serverHello: TsharkServerHello | null;
  /** Cleartext ClientHellos in the stream (2 after a HelloRetryRequest). */
  clientHellos: number;
  /** Plaintext alerts in wire order (encrypted ones, which show no level, are left out). */
  alerts: { level: number; description: number; from: Endpoint }[];
}

const hex = (s: string): number | null => (s === '' ? null : Number.parseInt(s, 16));

/** The negotiated version: supported_versions of the ServerHello, else its legacy version. */
export function negotiatedVersion(sh: TsharkServerHello): number {
  return sh.supportedVersion ?? sh.version;
}

/** TCP streams of one capture that carry a cleartext ClientHello or ServerHello. */
export function parseTsharkTls(segmentsTsv: string): TsharkTlsStream[] {
  const byStream = new Map<number, TsharkTlsStream>();
  const alerts: [number, TsharkTlsStream['alerts'][number]][] = [];
  for (const r of parseTsv(segmentsTsv)) {
    if (r['row_kind'] === 'alert' && r['transport'] === 'tcp' && r['tls.alert_message.level'] !== '') {
      const from = { ip: canonicalIp(r['ip.src']), port: Number(r['tcp.srcport']) };
      alerts.push([Number(r['tcp.stream']), { level: Number(r['tls.alert_message.level']), description: Number(r['tls.alert_message.desc']), from }]);
    }
    if (r['row_kind'] !== 'hs' || r['transport'] !== 'tcp' || r['tcp.stream'] === '') continue;
    // SSLv2 records (record version 0x0002) number their messages differently:
    // 1 CLIENT-HELLO, 2 CLIENT-MASTER-KEY, 4 SERVER-HELLO.
    const sslv2 = r['tls.record.version'] === '0x0002';
    const type = sslv2 ? { '1': 'ch', '4': 'sh', '2': 'cmk' }[r['tls.handshake.type']] : { '1': 'ch', '2': 'sh' }[r['tls.handshake.type']];
    if (type === undefined) continue;
    const stream = Number(r['tcp.stream']);
    let s = byStream.get(stream);
    if (s === undefined) {
      s = { stream, client: null, server: null, clientHello: null, firstServerHello: null, serverHello: null, clientHellos: 0, alerts: [] };
      byStream.set(stream, s);
    }
    const src = { ip: canonicalIp(r['ip.src']), port: Number(r['tcp.srcport']) };
    const dst = { ip: canonicalIp(r['ip.dst']), port: Number(r['tcp.dstport']) };
    const frame = Number(r['frame.number']);
    if (type === 'cmk') {
      if (s.serverHello?.sslv2 && s.serverHello.cipher < 0) s.serverHello.cipher = hex(r['tls.handshake.ciphersuite']) ?? -1;
      continue;
    }
    if (type === 'ch') {
      s.clientHellos++;
      if (s.clientHello !== null) continue;
      s.client ??= src;
      s.server ??= dst;
      s.clientHello = {
        frame,
        sslv2,
        sni: r['tls.handshake.extensions_server_name'],
        ja3: r['tls.handshake.ja3'],
        ja3Full: r['tls.handshake.ja3_full'],
      };
      continue;
    }
    s.client ??= dst;
    s.server ??= src;
    const sh: TsharkServerHello = {
      frame,
      version: hex(r['tls.handshake.version']) ?? 0,
      supportedVersion: hex(r['tls.handshake.extensions.supported_version'].split(',')[0]),
      cipher: sslv2 ? -1 : (hex(r['tls.handshake.ciphersuite']) ?? 0),
      alpn: r['tls.handshake.extensions_alpn_str'],
      keyShareGroup: r['tls.handshake.extensions_key_share_group'] === '' ? null : Number(r['tls.handshake.extensions_key_share_group'].split(',')[0]),
      helloRetryRequest: r['tls.handshake.random'] === HRR_RANDOM_HEX,
      sslv2,
      ja3s: r['tls.handshake.ja3s'],
      ja3sFull: r['tls.handshake.ja3s_full'],
    };
    s.firstServerHello ??= sh;
    if (!sh.helloRetryRequest) s.serverHello ??= sh;
  }
  for (const [stream, a] of alerts) byStream.get(stream)?.alerts.push(a);
  return [...byStream.values()].sort((a, b) => a.stream - b.stream);
}

/**
 * The named group of each TLS <= 1.2 ServerKeyExchange (tshark's
 * tls.handshake.server_named_curve), which `*.tshark.tsv` lacks: capture -> stream -> group.
 * Read from the supplement `reference/tshark-ske-groups.tsv` made by `tools/tshark-ske-groups.sh`.
 */
export function parseSkeGroups(tsv: string): Map<string, Map<number, number | null>> {
  const out = new Map<string, Map<number, number | null>>();
  for (const r of parseTsv(tsv.split('\n').filter((l) => !l.startsWith('#')).join('\n'))) {
    let m = out.get(r['capture']);
    if (m === undefined) out.set(r['capture'], (m = new Map()));
    const stream = Number(r['tcp.stream']);
    if (m.has(stream)) continue; // the first ServerKeyExchange of the stream
    // curve_type 3 is named_curve; explicit curves (1, 2) and DHE (empty) have no group.
    m.set(stream, r['curve_type'] === '0x03' ? hex(r['named_curve']) : null);
  }
  return out;
}

/** Endpoint pairs of UDP flows in the capture (QUIC, DTLS): their ssl.log rows are out of scope. */
export function udpPairs(segmentsTsv: string): Set<string> {
  const out = new Set<string>();
  for (const r of parseTsv(segmentsTsv)) {
    if (r['transport'] !== 'udp' || r['udp.srcport'] === '') continue;
    out.add(pairKey({ ip: canonicalIp(r['ip.src']), port: Number(r['udp.srcport']) }, { ip: canonicalIp(r['ip.dst']), port: Number(r['udp.dstport']) }));
  }
  return out;
}
