/**
 * Pairs our connection events with tshark's tcp.streams and Zeek's conn.log rows, and
 * lists every field where they disagree. Pure functions: the spec does the I/O.
 */
import type { ConnectionEvent } from '@shakewatch/decoder';
import { canonicalIp, endpointText, pairKey, type Endpoint, type TsharkStream } from './tshark-reference';
import type { ZeekConnLog } from './zeek-conn-log';

/** What is compared; each disagreement names one of these. */
export const FIELDS = [
  'connection', 'extra', 'client', 'irtt', 'reset_sender', 'packets', 'conn_state', 'history', 'zeek_row', 'read_error',
  // TLS (tls-match.ts): tshark's hellos, FoxIO's JA4 outputs, Zeek's ssl.log.
  'tls_conn', 'tls_extra', 'tls_alert', 'tls_version', 'tls_cipher', 'tls_sni', 'tls_alpn', 'tls_group', 'ja3', 'ja3_full', 'ja3s', 'ja3s_full', 'ja4', 'ja4_r',
  'zeek_ssl_row', 'zeek_ssl_version', 'zeek_ssl_cipher', 'zeek_ssl_curve', 'zeek_ssl_server_name', 'zeek_ssl_resumed',
  'zeek_ssl_established', 'zeek_ssl_next_protocol',
] as const;
export type Field = (typeof FIELDS)[number];

export interface Disagreement {
  /** Capture path relative to the corpus root. */
  capture: string;
  field: Field;
  /** Which connection: `stream N` (tshark), `ours A -> B @ T` (extra), `zeek LOG:LINE A -> B`. */
  id: string;
  detail: string;
}

export interface Tally {
  agree: number;
  total: number;
}

export type Tallies = Record<Field, Tally>;

export function emptyTallies(): Tallies {
  return Object.fromEntries(FIELDS.map((f) => [f, { agree: 0, total: 0 }])) as Tallies;
}

/** One of our connection events, with the keys the matching needs. */
export interface OurConnection {
  index: number;
  event: ConnectionEvent;
  client: Endpoint;
  server: Endpoint;
  /** @timestamp in whole microseconds since the epoch, as text ("1523241953.739049"). */
  micros: string;
  pair: string;
}

export function ourConnection(index: number, event: ConnectionEvent): OurConnection {
  const client = { ip: canonicalIp(event.source.ip), port: event.source.port };
  const server = { ip: canonicalIp(event.destination.ip), port: event.destination.port };
  return { index, event, client, server, micros: event['@timestamp'] === undefined ? '' : isoToMicros(event['@timestamp']), pair: pairKey(client, server) };
}

/** "2018-04-09T02:45:53.739049123Z" -> "1523241953.739049". */
export function isoToMicros(iso: string): string {
  const sec = Date.parse(`${iso.slice(0, 19)}Z`) / 1000;
  const frac = iso.slice(20, -1);
  return `${sec}.${frac.padEnd(9, '0').slice(0, 6)}`;
}

const sameEndpoint = (a: Endpoint | null, b: Endpoint | null): boolean => a !== null && b !== null && a.ip === b.ip && a.port === b.port;
const showEndpoint = (e: Endpoint | null): string => (e === null ? 'none' : endpointText(e));
const usText = (ns: number | null): string => (ns === null ? 'none' : `${(Math.floor(ns / 1000) / 1e6).toFixed(6)}s`);
const connText = (c: OurConnection): string => `${endpointText(c.client)} -> ${endpointText(c.server)} @ ${c.micros}`;

export interface TsharkComparison {
  /** tshark stream id -> our connection. */
  matched: Map<number, OurConnection>;
  disagreements: Disagreement[];
  tallies: Tallies;
}

/**
 * (a) the connection set: every tcp.stream matches exactly one of ours by unordered
 * endpoint pair and first-packet time to the microsecond (streams whose endpoints the
 * reference does not give are matched by time alone); nothing of ours is left over.
 * (b) client, (c) iRTT to the microsecond, (d) first RST's sender, and the packet
 * count (a decoder that drops frames of a stream shows here first).
 */
export function compareWithTshark(capture: string, streams: TsharkStream[], ours: OurConnection[], tallies: Tallies): TsharkComparison {
  const disagreements: Disagreement[] = [];
  const used = new Set<number>();
  const byKey = new Map<string, OurConnection[]>();
  const byTime = new Map<string, OurConnection[]>();
  for (const c of ours) {
    push(byKey, `${c.pair}@${c.micros}`, c);
    push(byTime, c.micros, c);
  }
  const take = (list: OurConnection[] | undefined): OurConnection | null => {
    const c = list?.find((x) => !used.has(x.index)) ?? null;
    if (c !== null) used.add(c.index);
    return c;
  };
  const matched = new Map<number, OurConnection>();
  // Streams with known endpoints first, so a time-only match never takes theirs.
  for (const s of streams) {
    if (s.endpoints === null) continue;
    const c = take(byKey.get(`${pairKey(s.endpoints[0], s.endpoints[1])}@${s.firstMicros}`));
    if (c !== null) matched.set(s.stream, c);
  }
  for (const s of streams) {
    if (s.endpoints !== null) continue;
    const c = take(byTime.get(s.firstMicros));
    if (c !== null) matched.set(s.stream, c);
  }
  const differ = (field: Field, id: string, detail: string): void => {
    disagreements.push({ capture, field, id, detail });
  };
  const count = (field: Field, agree: boolean): boolean => {
    tallies[field].total++;
    if (agree) tallies[field].agree++;
    return agree;
  };

  for (const s of streams) {
    const id = `stream ${s.stream}`;
    const c = matched.get(s.stream);
    if (!count('connection', c !== undefined) || c === undefined) {
      const where = s.endpoints === null ? 'endpoints unknown' : `${showEndpoint(s.endpoints[0])} <-> ${showEndpoint(s.endpoints[1])}`;
      differ('connection', id, `tshark stream (${where} @ ${s.firstMicros}, ${s.packets} packets) has no matching connection of ours`);
      continue;
    }
    if (s.client !== null && !count('client', sameEndpoint(s.client, c.client))) {
      differ('client', id, `tshark client ${showEndpoint(s.client)}, ours ${showEndpoint(c.client)}`);
    }
    const rtt = c.event.tcp.handshake?.rtt_seconds;
    const ourRtt = rtt === undefined ? null : Math.round(rtt * 1e9);
    const theirs = s.initialRttNs;
    const rttAgrees = ourRtt === null || theirs === null ? ourRtt === theirs : Math.floor(ourRtt / 1000) === Math.floor(theirs / 1000);
    if (!count('irtt', rttAgrees)) differ('irtt', id, `tshark iRTT ${usText(theirs)}, ours ${usText(ourRtt)}`);
    const packets = c.event.source.packets + c.event.destination.packets;
    if (!count('packets', packets === s.packets)) differ('packets', id, `tshark ${s.packets} packets, ours ${packets}`);
    if (s.client !== null && s.server !== null) {
      const theirSender = s.firstRstSender === null ? null : s.firstRstSender === 'client' ? s.client : s.server;
      const sender = c.event.tcp.reset_sender;
      const ourSender = sender === undefined ? null : sender === 'client' ? c.client : c.server;
      const agree = theirSender === null || ourSender === null ? theirSender === ourSender : sameEndpoint(theirSender, ourSender);
      if (!count('reset_sender', agree)) {
        differ('reset_sender', id, `tshark first RST from ${showEndpoint(theirSender)} (${s.firstRstSender ?? 'no RST'}), ours ${showEndpoint(ourSender)} (${sender ?? 'no RST'})`);
      }
    }
  }
  for (const c of ours) {
    if (used.has(c.index)) continue;
    tallies.connection.total++;
    differ('extra', `ours ${connText(c)}`, `no tshark stream matches (history ${c.event.tcp.history}, ${c.event.source.packets + c.event.destination.packets} packets, ended by ${c.event.event.reason})`);
  }
  return { matched, disagreements, tallies };
}

/**
 * (e) conn_state and history against a Zeek conn.log: rows match ours by unordered
 * endpoint pair; when a pair repeats (port reuse), rows that agree are paired first.
 * A `.cut` extract without the 4-tuple is compared only when it has one row and the
 * capture gives one connection (otherwise it is not comparable: null).
 */
export function compareWithZeek(capture: string, logName: string, log: ZeekConnLog, ours: OurConnection[], tallies: Tallies): Disagreement[] | null {
  const disagreements: Disagreement[] = [];
  const rowKey = (r: ZeekConnLog['tcpRows'][number]): string => (r.orig !== null && r.resp !== null ? pairKey(r.orig, r.resp) : '*');
  if (!log.hasTuple && (log.tcpRows.length !== 1 || ours.length !== 1)) return null;
  const byPair = new Map<string, OurConnection[]>();
  for (const c of ours) push(byPair, log.hasTuple ? c.pair : '*', c);
  const rowsByPair = new Map<string, ZeekConnLog['tcpRows']>();
  for (const r of log.tcpRows) push(rowsByPair, rowKey(r), r);
  const hasState = log.fields.includes('conn_state');
  const hasHistory = log.fields.includes('history');
  for (const [pair, rows] of rowsByPair) {
    const candidates = [...(byPair.get(pair) ?? [])];
    const agrees = (r: ZeekConnLog['tcpRows'][number], c: OurConnection): boolean =>
      (!hasState || r.connState === c.event.tcp.conn_state) && (!hasHistory || r.history === c.event.tcp.history);
    const pairing = new Map<ZeekConnLog['tcpRows'][number], OurConnection>();
    for (const r of rows) {
      const i = candidates.findIndex((c) => agrees(r, c));
      if (i >= 0) pairing.set(r, candidates.splice(i, 1)[0]);
    }
    for (const r of rows) {
      if (!pairing.has(r) && candidates.length > 0) pairing.set(r, candidates.shift() as OurConnection);
    }
    for (const r of rows) {
      const id = `zeek ${logName}:${r.line}${r.orig !== null && r.resp !== null ? ` ${endpointText(r.orig)} -> ${endpointText(r.resp)}` : ''}`;
      const c = pairing.get(r);
      tallies.zeek_row.total++;
      if (c === undefined) {
        disagreements.push({ capture, field: 'zeek_row', id, detail: 'no connection of ours has these endpoints' });
        continue;
      }
      tallies.zeek_row.agree++;
      if (hasState) {
        tallies.conn_state.total++;
        if (r.connState === c.event.tcp.conn_state) tallies.conn_state.agree++;
        else disagreements.push({ capture, field: 'conn_state', id, detail: `zeek ${r.connState}, ours ${c.event.tcp.conn_state} (history zeek ${r.history ?? '?'}, ours ${c.event.tcp.history})` });
      }
      if (hasHistory) {
        tallies.history.total++;
        if (r.history === c.event.tcp.history) tallies.history.agree++;
        else disagreements.push({ capture, field: 'history', id, detail: `zeek ${r.history}, ours ${c.event.tcp.history}` });
      }
    }
  }
  return disagreements;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
