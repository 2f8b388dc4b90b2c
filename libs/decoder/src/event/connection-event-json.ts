import { formatIp } from '../address';
import { CLIENT, SERVER, type AnomalyCode, type Connection } from '../tcp/connection';
import { isoTimestamp } from './connection-event';
import { jsonNumber, jsonObject, jsonProperty } from './json-text';
import { tlsEvent } from './tls-event';

/**
 * JSON.stringify(connectionEvent(c)), byte for byte, written straight from the connection:
 * no event object, and no generic walk over one, for each connection `inspect --format
 * ndjson` prints. Same keys in the same order, the same ones left out. The fixed strings
 * (conn_state, close kinds...), the timestamp and the addresses (digits, letters and
 * punctuation JSON keeps as they are) are written as they are; the history and the `tls`
 * part (a TlsEvent: open-ended strings, certificate fields) go through JSON.stringify, which
 * measured faster on that one sub-object than a fixed-shape writer. One template for the
 * fixed part: each helper's string is one more piece to join.
 * connection-event-json.spec.ts holds the two forms to each other: a field added to
 * connectionEvent() must be added here too, in its place.
 */
export function connectionEventJson(c: Connection): string {
  const client = c.ep[CLIENT];
  const server = c.ep[SERVER];
  const duration = (c.lastSec - c.firstSec) * 1e9 + (c.lastNsec - c.firstNsec);
  const tls = c.tlsSummary ?? tlsEvent(c.tls);
  return (
    `{"@timestamp":"${isoTimestamp(c.firstSec, c.firstNsec)}",` +
    `"event":{"duration":${jsonNumber(duration)},"reason":${c.endReason === null ? 'null' : `"${c.endReason}"`}},` +
    `"source":{"ip":"${formatIp(c.addr[CLIENT], 0, c.ipVersion)}","port":${jsonNumber(c.port[CLIENT])},` +
    `"packets":${jsonNumber(client.packets)},"bytes":${jsonNumber(client.payloadBytes)}},` +
    `"destination":{"ip":"${formatIp(c.addr[SERVER], 0, c.ipVersion)}","port":${jsonNumber(c.port[SERVER])},` +
    `"packets":${jsonNumber(server.packets)},"bytes":${jsonNumber(server.payloadBytes)}},` +
    `"network":{"type":"${c.ipVersion === 4 ? 'ipv4' : 'ipv6'}","transport":"tcp"},` +
    // connectionEvent's `tcp`: its literal's keys, then the ones it adds.
    `"tcp":{"conn_state":"${c.connState}","history":${JSON.stringify(c.history)},"client_from":"${c.roleSource}",` +
    `"syn_retransmits":${jsonNumber(c.anomalies.syn_retransmission ?? 0)},"resets":${jsonNumber(client.rstCount + server.rstCount)},` +
    `"close":"${c.closeKind}"${handshake(c)}${reset(c)}${anomalies(c.anomalies)}}` +
    `${tls ? `,"tls":${JSON.stringify(tls)}` : ''}}`
  );
}

function handshake(c: Connection): string {
  // The usual case, all three spans seen, in one piece.
  if (c.rttNs >= 0 && c.serverNs >= 0 && c.clientNs >= 0) {
    return `,"handshake":{"rtt_seconds":${jsonNumber(c.rttNs / 1e9)},"server_seconds":${jsonNumber(c.serverNs / 1e9)},"client_seconds":${jsonNumber(c.clientNs / 1e9)}}`;
  }
  let hs = '';
  if (c.rttNs >= 0) hs = jsonProperty('rtt_seconds', c.rttNs / 1e9);
  if (c.serverNs >= 0) hs += jsonProperty('server_seconds', c.serverNs / 1e9);
  if (c.clientNs >= 0) hs += jsonProperty('client_seconds', c.clientNs / 1e9);
  return hs === '' ? '' : `,"handshake":${jsonObject(hs)}`;
}

function reset(c: Connection): string {
  if (c.firstRstSide === -1) return '';
  const sender = c.firstRstSide === CLIENT ? 'client' : 'server';
  // As connectionEvent: no phase, no key.
  return c.resetPhase === null ? `,"reset_sender":"${sender}"` : `,"reset_sender":"${sender}","reset_phase":"${c.resetPhase}"`;
}

/** The counts in the object's own key order (insertion order, which connectionEvent's copy keeps). */
function anomalies(a: Connection['anomalies']): string {
  // Most connections have none: tell so without Object.keys' array.
  let none = true;
  for (const _ in a) {
    none = false;
    break;
  }
  const codes = none ? [] : (Object.keys(a) as AnomalyCode[]);
  if (codes.length === 0) return '';
  let counts = '';
  for (const code of codes) counts += jsonProperty(code, a[code]);
  return `,"anomalies":${jsonObject(counts)}`;
}
