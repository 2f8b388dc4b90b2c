/**
 * The TLS comparison: per TCP connection that tshark shows a cleartext hello on, our
 * `tls.*` fields against tshark 4.0.17 (version, cipher, SNI, ALPN, group, JA3/JA3S hash
 * and string), against FoxIO's JA4 outputs (python ja4.py and the rust ja4 crate), and
 * against Zeek's ssl.log baselines. Pure functions: the spec does the I/O.
 */
import { alertDescriptionName, alertLevelName, cipherSuiteName, ja3, ja3s, ja4, namedGroupName, ssl2CipherSpecName, versionName, type ConnectionEvent, type TlsSession } from '@shakewatch/decoder';
import type { Ja4Reference } from './ja4-reference';
import type { Disagreement, OurConnection, Tallies } from './match';
import { negotiatedVersion, type TsharkTlsStream } from './tls-reference';
import { endpointText, pairKey } from './tshark-reference';
import { ZEEK_SSL_COLUMNS, type ZeekSslColumn, type ZeekSslLog } from './zeek-ssl-log';

/** One of our connections with its TLS session (the raw JA3/JA4 strings are not in the event). */
export interface OurTls {
  conn: OurConnection;
  session: TlsSession | null;
}

type TlsField = 'tls_conn' | 'tls_alert' | 'tls_version' | 'tls_cipher' | 'tls_sni' | 'tls_alpn' | 'tls_group' | 'ja3' | 'ja3_full' | 'ja3s' | 'ja3s_full' | 'ja4' | 'ja4_r';

const show = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? 'none' : `"${v}"`);
const isTls13 = (v: number): boolean => v === 0x0304 || (v >> 8) === 0x7f || (v >> 8) === 0x7e || v === 0xfb17 || v === 0xfb1a;

class Recorder {
  readonly disagreements: Disagreement[] = [];
  constructor(private readonly capture: string, private readonly tallies: Tallies) {}

  /** Counts one comparison; '' and undefined both mean absent. */
  same(field: Disagreement['field'], id: string, theirs: string | null | undefined, ours: string | null | undefined, what: string): void {
    const a = theirs === '' || theirs === undefined ? null : theirs;
    const b = ours === '' || ours === undefined ? null : ours;
    this.tallies[field].total++;
    if (a === b) this.tallies[field].agree++;
    else this.disagreements.push({ capture: this.capture, field, id, detail: `${what} ${show(a)}, ours ${show(b)}` });
  }

  missing(field: Disagreement['field'], id: string, detail: string): void {
    this.tallies[field].total++;
    this.disagreements.push({ capture: this.capture, field, id, detail });
  }
}

/**
 * tshark: every TCP stream with a cleartext ClientHello or ServerHello must be one of our
 * connections with a `tls` object (tls_conn), and agree field by field; a `tls` object on
 * a stream where tshark shows no hello is a disagreement too (tls_extra, counted against
 * tls_conn like `extra` against `connection`).
 * `skeGroups`: stream -> named group of its first ServerKeyExchange (tshark supplement).
 */
export function compareTlsWithTshark(
  capture: string,
  streams: TsharkTlsStream[],
  matched: Map<number, OurConnection>,
  sessions: (TlsSession | null)[],
  skeGroups: Map<number, number | null> | undefined,
  tallies: Tallies,
): Disagreement[] {
  const rec = new Recorder(capture, tallies);
  for (const s of streams) {
    const id = `stream ${s.stream}`;
    const c = matched.get(s.stream);
    const tls = c?.event.tls;
    const session = c === undefined ? null : sessions[c.index];
    tallies.tls_conn.total++;
    if (c === undefined || tls === undefined || session === null) {
      const hello = s.clientHello ? `ClientHello in frame ${s.clientHello.frame}` : `ServerHello in frame ${s.serverHello?.frame ?? s.firstServerHello?.frame}`;
      rec.disagreements.push({ capture, field: 'tls_conn', id, detail: `tshark shows a ${hello}; ${c === undefined ? 'no connection of ours matches the stream' : 'our connection has no tls object'}` });
      continue;
    }
    tallies.tls_conn.agree++;
    const sh = s.serverHello;
    rec.same('tls_version', id, sh ? versionName(negotiatedVersion(sh)) : null, tls.version_name, 'tshark');
    const cipher = sh === null || (sh.sslv2 && sh.cipher < 0) ? null : sh.sslv2 ? ssl2CipherSpecName(sh.cipher) : cipherSuiteName(sh.cipher);
    rec.same('tls_cipher', id, cipher, tls.cipher, 'tshark');
    rec.same('tls_alpn', id, sh?.alpn, tls.next_protocol, 'tshark');
    if (s.clientHello) rec.same('tls_sni', id, s.clientHello.sni, tls.client?.server_name, 'tshark');
    if (sh) {
      // TLS 1.3: the ServerHello's key_share; before: the ServerKeyExchange's named curve
      // (from the supplement; a stream without a ServerKeyExchange has no group).
      const group = isTls13(negotiatedVersion(sh)) ? sh.keyShareGroup : (skeGroups?.get(s.stream) ?? null);
      rec.same('tls_group', id, group === null ? null : namedGroupName(group), tls.curve, 'tshark');
    }
    // The alert the event reports: the first fatal one, else the first (plaintext ones only:
    // neither side decrypts). tshark lists alerts after the handshake too (close_notify),
    // which we no longer read, so only a handshake that was not established is compared.
    if (!tls.established) {
      const a = s.alerts.find((x) => x.level === 2) ?? s.alerts[0];
      const theirs = a === undefined ? null : `${alertLevelName(a.level)} ${alertDescriptionName(a.description)} from ${a.from.ip === c.client.ip && a.from.port === c.client.port ? 'client' : 'server'}`;
      const ours = tls.alert === undefined || tls.alert.level === 'encrypted' ? null : `${tls.alert.level} ${tls.alert.description} from ${tls.alert.sender}`;
      rec.same('tls_alert', id, theirs, ours, 'tshark');
    }
    const ch = session.clientHello;
    if (s.clientHello) {
      const ours = ch ? ja3(ch) : undefined;
      rec.same('ja3', id, s.clientHello.ja3, tls.client?.ja3, 'tshark');
      rec.same('ja3_full', id, s.clientHello.ja3Full, ours?.raw, 'tshark');
    }
    const firstSh = session.helloRetry ?? session.serverHello;
    if (s.firstServerHello && !s.firstServerHello.sslv2) {
      rec.same('ja3s', id, s.firstServerHello.ja3s, tls.server?.ja3s, 'tshark');
      rec.same('ja3s_full', id, s.firstServerHello.ja3sFull, firstSh ? ja3s(firstSh).raw : undefined, 'tshark');
    }
  }
  const withHello = new Set(streams.map((s) => s.stream));
  for (const [stream, c] of matched) {
    if (withHello.has(stream) || c.event.tls === undefined) continue;
    tallies.tls_conn.total++;
    const t = c.event.tls;
    rec.disagreements.push({ capture, field: 'tls_extra', id: `stream ${stream}`, detail: `tshark shows no hello; ours: version ${t.version_name ?? 'none'}, SNI ${t.client?.server_name ?? 'none'}` });
  }
  return rec.disagreements;
}

/**
 * Expected JA4 values (of the first ClientHello of each TCP stream) against ours. An entry
 * matches our connection by its 4-tuple; when the tuple repeats, by tshark's stream number
 * (FoxIO's tools number streams as tshark does). An entry without a tuple (suricata-verify)
 * agrees when any connection of the capture has that JA4.
 */
export function compareJa4(
  capture: string,
  refs: Ja4Reference[],
  ours: OurConnection[],
  matched: Map<number, OurConnection>,
  sessions: (TlsSession | null)[],
  tallies: Tallies,
): Disagreement[] {
  const rec = new Recorder(capture, tallies);
  for (const r of refs) {
    let c: OurConnection | undefined;
    let id: string;
    if (r.src === null || r.dst === null) {
      id = r.source;
      const withTls = ours.filter((x) => x.event.tls?.client?.ja4 !== undefined);
      c = withTls.find((x) => x.event.tls?.client?.ja4 === r.ja4) ?? withTls[0];
    } else {
      id = `${r.source}${r.stream === null ? '' : ` stream ${r.stream}`} ${endpointText(r.src)} -> ${endpointText(r.dst)}`;
      const key = pairKey(r.src, r.dst);
      const candidates = ours.filter((x) => x.pair === key);
      const byStream = r.stream === null ? undefined : matched.get(r.stream);
      c = candidates.length === 1 ? candidates[0] : (candidates.find((x) => x === byStream) ?? candidates[0]);
    }
    if (c === undefined) {
      rec.missing('ja4', id, r.src === null ? 'no connection of ours has a JA4' : 'no connection of ours has these endpoints');
      continue;
    }
    const ch = sessions[c.index]?.clientHello ?? null;
    rec.same('ja4', id, r.ja4, c.event.tls?.client?.ja4, r.source);
    if (r.ja4_r !== undefined) rec.same('ja4_r', id, r.ja4_r, ch ? ja4(ch).ja4_r : undefined, r.source);
  }
  return rec.disagreements;
}

/** Our value of one ssl.log column, spelt as Zeek spells it. */
function zeekValue(column: ZeekSslColumn, event: ConnectionEvent, session: TlsSession | null): string | null {
  const tls = event.tls;
  switch (column) {
    case 'version': {
      const v = session?.version ?? null;
      return v === null ? null : zeekVersionName(v);
    }
    case 'cipher':
      return tls?.cipher ?? null;
    case 'curve':
      return tls?.curve ?? null;
    case 'server_name':
      return tls?.client?.server_name ?? null;
    case 'next_protocol':
      return tls?.next_protocol ?? null;
    case 'resumed':
      return tls?.resumed ? 'T' : 'F';
    case 'established':
      return tls?.established ? 'T' : 'F';
  }
}

/** Zeek's SSL::version_strings: 'TLSv12', 'TLSv13-draft23', else 'unknown-<decimal>'. */
export function zeekVersionName(v: number): string {
  const known: Record<number, string> = { 0x0002: 'SSLv2', 0x0300: 'SSLv3', 0x0301: 'TLSv10', 0x0302: 'TLSv11', 0x0303: 'TLSv12', 0x0304: 'TLSv13', 0xfeff: 'DTLSv10', 0xfefd: 'DTLSv12', 0xfefc: 'DTLSv13' };
  if (known[v] !== undefined) return known[v];
  if ((v >> 8) === 0x7f) return `TLSv13-draft${v & 0xff}`;
  return `unknown-${v}`;
}

const ZEEK_FIELD: Record<ZeekSslColumn, Disagreement['field']> = {
  version: 'zeek_ssl_version',
  cipher: 'zeek_ssl_cipher',
  curve: 'zeek_ssl_curve',
  server_name: 'zeek_ssl_server_name',
  resumed: 'zeek_ssl_resumed',
  established: 'zeek_ssl_established',
  next_protocol: 'zeek_ssl_next_protocol',
};

/**
 * A Zeek ssl.log against ours: rows match our connections by unordered endpoint pair (in
 * order, when a pair repeats); rows of UDP flows (QUIC in `udpPairs`, DTLS by version) are skipped.
 */
export function compareWithZeekSsl(
  capture: string,
  logName: string,
  log: ZeekSslLog,
  ours: OurConnection[],
  sessions: (TlsSession | null)[],
  udpPairs: ReadonlySet<string>,
  tallies: Tallies,
): Disagreement[] {
  const rec = new Recorder(capture, tallies);
  const used = new Set<number>();
  for (const r of log.rows) {
    const key = pairKey(r.orig, r.resp);
    // QUIC flows (the tshark reference lists them as UDP) and DTLS (which it leaves out).
    if (udpPairs.has(key) || r.values.version?.startsWith('DTLS')) continue;
    const id = `zeek ${logName}:${r.line} ${endpointText(r.orig)} -> ${endpointText(r.resp)}`;
    const c = ours.find((x) => x.pair === key && !used.has(x.index));
    tallies.zeek_ssl_row.total++;
    if (c === undefined) {
      rec.disagreements.push({ capture, field: 'zeek_ssl_row', id, detail: 'no connection of ours has these endpoints' });
      continue;
    }
    tallies.zeek_ssl_row.agree++;
    used.add(c.index);
    for (const column of ZEEK_SSL_COLUMNS) {
      if (!(column in r.values)) continue;
      rec.same(ZEEK_FIELD[column], id, r.values[column], zeekValue(column, c.event, sessions[c.index]), 'zeek');
    }
  }
  return rec.disagreements;
}

export type { TlsField };
