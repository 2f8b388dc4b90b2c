import { formatIpv6 } from '../address';
import { copyBytes } from '../bytes';
import { validCaptureTime } from '../capture/packet-time';
import { CLIENT, NO_ANOMALIES, SERVER, type Connection, type Side } from '../tcp/connection';
import { eventDuration } from './connection-event';
import { asciiBytes, JsonByteWriter, putBytes, putNumber, putPadded, putPlainString, putSeconds, putUint32 } from './json-byte-writer';
import { tlsEvent } from './tls-event';

/**
 * JSON.stringify(connectionEvent(c)) as UTF-8, byte for byte, written straight into `w`
 * (no newline): no event object, no text. Same keys in the same order, the same ones left
 * out. Keys and punctuation are pre-encoded (with the enum value between two keys, per
 * value), integers (ports, counts, nanoseconds) written as digits, the timestamp from a
 * small cache of its bytes, IPv4 addresses as their numbers' digits; the handshake's seconds
 * (fractions) go through String(), the `tls` part (a TlsEvent: open-ended strings,
 * certificate fields; one connection in seven) through JSON.stringify.
 * connection-event-json.spec.ts holds the two forms to each other: a field added to
 * connectionEvent() must be added here too, in its place.
 */
export function writeConnectionEvent(c: Connection, w: JsonByteWriter): void {
  // Room for every piece of known size; a piece that may be longer (a string JSON.stringify
  // escapes, an anomaly) is written through `w` and makes this room again. Hence `w.buf`,
  // not a local: it may have grown.
  w.reserve(ROOM);
  let p = putTimestamp(w.buf, w.pos, c.firstSec, c.firstNsec);
  p = putNumber(w.buf, p, eventDuration(c));
  p = c.endReason === null ? putBytes(w.buf, p, K_NULL_REASON) : putPiece(w, p, REASON, c.endReason);
  p = putSide(w, p, c, CLIENT);
  p = putBytes(w.buf, p, K_DESTINATION_IP);
  p = putSide(w, p, c, SERVER);
  if (c.rttNs < 0 && c.serverNs < 0 && c.clientNs < 0 && c.firstRstSide === -1 && c.anomalies === NO_ANOMALIES && c.tlsSummary === undefined && c.tls === null) {
    w.pos = putPlainTail(w, p, c);
    return;
  }
  // connectionEvent's `tcp`: its literal's keys, then the ones it adds.
  p = putPiece(w, p, c.ipVersion === 4 ? CONN_STATE_V4 : CONN_STATE_V6, c.connState);
  p = putString(w, p, c.history);
  p = putPiece(w, p, CLIENT_FROM, c.roleSource);
  p = putNumber(w.buf, p, c.anomalies.syn_retransmission ?? 0);
  p = putBytes(w.buf, p, K_RESETS);
  p = putNumber(w.buf, p, c.ep0.rstCount + c.ep1.rstCount);
  p = putPiece(w, p, CLOSE, c.closeKind);
  if (c.rttNs >= 0 || c.serverNs >= 0 || c.clientNs >= 0) p = putHandshake(w.buf, p, c);
  if (c.firstRstSide !== -1) {
    const byClient = c.firstRstSide === CLIENT;
    // As connectionEvent: no phase, no key.
    if (c.resetPhase === null) p = putBytes(w.buf, p, byClient ? K_RESET_CLIENT : K_RESET_SERVER);
    else p = putPiece(w, p, byClient ? RESET_CLIENT_PHASE : RESET_SERVER_PHASE, c.resetPhase);
  }
  w.pos = p;
  writeAnomalies(w, c.anomalies);
  const tls = c.tlsSummary ?? tlsEvent(c.tls);
  if (tls) {
    w.bytes(K_TLS_AFTER_TCP);
    w.text(JSON.stringify(tls));
    w.byte(0x7d);
  } else w.bytes(END_AFTER_TCP);
}

/**
 * The rest of the event of a connection without handshake times, reset, anomaly or TLS
 * (a SYN that got no answer, most of a flood): from `},"network":` to the end, which then
 * depends only on the IP version, conn_state, history, how the client was told, the
 * resets counted and how it closed. Those of the last such event are kept with its bytes,
 * and copied when the next is the same; otherwise written as any event's are (the general
 * code, so the bytes are the same) and kept.
 */
function putPlainTail(w: JsonByteWriter, p: number, c: Connection): number {
  const state = c.connState;
  const history = c.history;
  const resets = c.ep0.rstCount + c.ep1.rstCount;
  const close = c.closeKind;
  const t = tail;
  if (t.bytes.length > 0 && t.version === c.ipVersion && t.state === state && t.history === history && t.role === c.roleSource && t.resets === resets && t.close === close) return putBytes(w.buf, p, t.bytes);
  const start = p;
  p = putPiece(w, p, c.ipVersion === 4 ? CONN_STATE_V4 : CONN_STATE_V6, state);
  p = putString(w, p, history);
  p = putPiece(w, p, CLIENT_FROM, c.roleSource);
  p = putNumber(w.buf, p, 0); // syn_retransmits: no anomaly counted
  p = putBytes(w.buf, p, K_RESETS);
  p = putNumber(w.buf, p, resets);
  p = putPiece(w, p, CLOSE, close);
  p = putBytes(w.buf, p, END_AFTER_TCP);
  t.bytes = copyBytes(w.buf, start, p); // a copy: a Buffer's slice() is a view of the output
  t.version = c.ipVersion;
  t.state = state;
  t.history = history;
  t.role = c.roleSource;
  t.resets = resets;
  t.close = close;
  return p;
}
interface PlainTail {
  bytes: Uint8Array;
  version: 4 | 6;
  state: string;
  history: string;
  role: string;
  resets: number;
  close: string;
}
const tail: PlainTail = { bytes: new Uint8Array(0), version: 4, state: '', history: '', role: '', resets: 0, close: '' };

/** One side's `ip` value on: its address, port, packets and bytes (the key before the ip is the caller's). */
function putSide(w: JsonByteWriter, p: number, c: Connection, side: Side): number {
  const ep = c.endpoint(side);
  p = putIpPort(w, p, c.addrOf(side), c.ipVersion);
  p = putNumber(w.buf, p, c.portOf(side));
  p = putBytes(w.buf, p, K_PACKETS);
  p = putNumber(w.buf, p, ep.packets);
  p = putBytes(w.buf, p, K_BYTES);
  return putNumber(w.buf, p, ep.payloadBytes);
}

/**
 * Room for the pieces of known size, with margin: the timestamp (~90 bytes), 12 numbers of
 * up to NUMBER_ROOM, keys, two addresses, the history and five enum pieces (keys around a
 * value of at most PLAIN_MAX: ~170 bytes each). Anything longer goes through `w`.
 */
const ROOM = 2048;
const PLAIN_MAX = 64;

/** A string as JSON.stringify writes it: a short plain one in place, any other through `w` (room made again). */
function putString(w: JsonByteWriter, p: number, s: string): number {
  if (s.length <= PLAIN_MAX) {
    const end = putPlainString(w.buf, p, s);
    if (end >= 0) return end;
  }
  w.pos = p;
  w.string(s);
  w.reserve(ROOM);
  return w.pos;
}

/**
 * A field of a few values (an enum: conn_state, close...) with the keys and punctuation
 * around it, `prefix + JSON.stringify(value) + suffix`, pre-encoded per value as they come:
 * one copy instead of three pieces.
 */
class Piece {
  private readonly byValue = new Map<string, Uint8Array>();
  readonly prefix: Uint8Array;
  readonly suffix: Uint8Array;

  constructor(
    private readonly prefixText: string,
    private readonly suffixText = '',
  ) {
    this.prefix = asciiBytes(prefixText);
    this.suffix = asciiBytes(suffixText);
  }

  /** The bytes for `value`, or undefined for a value to write in three pieces (one to escape, or too many values). */
  bytes(value: string): Uint8Array | undefined {
    let b = this.byValue.get(value);
    if (b === undefined && this.byValue.size < 32 && value.length <= PLAIN_MAX && PLAIN.test(value)) {
      b = asciiBytes(`${this.prefixText}"${value}"${this.suffixText}`);
      this.byValue.set(value, b);
    }
    return b;
  }
}
/** What JSON.stringify keeps as it is: printable ASCII but `"` and `\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function putPiece(w: JsonByteWriter, p: number, piece: Piece, value: string): number {
  const b = piece.bytes(value);
  if (b !== undefined) return putBytes(w.buf, p, b);
  p = putString(w, putBytes(w.buf, p, piece.prefix), value);
  return putBytes(w.buf, p, piece.suffix);
}

/** `,"handshake":{...}` with the spans seen (at least one), in connectionEvent's order. */
function putHandshake(buf: Uint8Array, p: number, c: Connection): number {
  let more = false;
  if (c.rttNs >= 0) {
    p = putBytes(buf, p, K_HS_RTT);
    p = putSeconds(buf, p, c.rttNs);
    more = true;
  }
  if (c.serverNs >= 0) {
    p = putBytes(buf, p, more ? K_SERVER_SECONDS : K_HS_SERVER);
    p = putSeconds(buf, p, c.serverNs);
    more = true;
  }
  if (c.clientNs >= 0) {
    p = putBytes(buf, p, more ? K_CLIENT_SECONDS : K_HS_CLIENT);
    p = putSeconds(buf, p, c.clientNs);
  }
  buf[p++] = 0x7d;
  return p;
}

/** `,"anomalies":{...}` in the object's own key order (insertion order, which connectionEvent's copy keeps). */
function writeAnomalies(w: JsonByteWriter, a: Connection['anomalies']): void {
  let any = false;
  let more = false;
  // for-in: the own keys in Object.keys' order (a plain object literal: nothing inherited), no array.
  for (const code in a) {
    if (!any) {
      w.bytes(K_ANOMALIES);
      any = true;
    }
    const v: unknown = a[code as keyof typeof a];
    // Counts; anything else as JSON.stringify has it (undefined: the key left out).
    const json = typeof v === 'number' ? undefined : (JSON.stringify(v) as string | undefined);
    if (typeof v !== 'number' && json === undefined) continue;
    if (more) w.byte(0x2c);
    w.string(code);
    w.byte(0x3a);
    if (json === undefined) w.number(v as number);
    else w.text(json);
    more = true;
  }
  if (any) w.byte(0x7d);
}

/**
 * An address in quotes, as formatIp writes it, and the `,"port":` key after it. IPv4 as
 * its four numbers' digits, written in place (no text, nothing allocated: a flood's
 * random sources each need their own).
 */
function putIpPort(w: JsonByteWriter, p: number, b: Uint8Array, version: 4 | 6): number {
  if (version === 4 && b.length >= 4) {
    const buf = w.buf;
    buf[p++] = 0x22;
    p = putUint32(buf, p, b[0]);
    buf[p++] = 0x2e;
    p = putUint32(buf, p, b[1]);
    buf[p++] = 0x2e;
    p = putUint32(buf, p, b[2]);
    buf[p++] = 0x2e;
    p = putUint32(buf, p, b[3]);
    buf[p++] = 0x22;
    return putBytes(buf, p, K_PORT);
  }
  p = putString(w, p, version === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : formatIpv6(b, 0));
  return putBytes(w.buf, p, K_PORT);
}

/**
 * `{"@timestamp":` and isoTimestamp(sec, nsec) in quotes: the key and the date and time
 * to the second from a small direct-mapped cache of their bytes (events come in the order
 * connections end, so their first seconds jump among recent ones), then the nanoseconds'
 * nine digits. Room: 64 bytes (isoTimestamp's text is 30 ASCII characters).
 */
function putTimestamp(buf: Uint8Array, p: number, sec: number, nsec: number): number {
  // A time no capture holds: no key, as connectionEvent leaves it out (isoTimestamp).
  if (!validCaptureTime(sec, nsec)) return putBytes(buf, p, K_EVENT_DURATION);
  const slot = sec & (SECONDS_CACHED - 1);
  let bytes = cachedBytes[slot];
  if (bytes === undefined || cachedSec[slot] !== sec) {
    // Always 19 characters in validCaptureTime's range (a four-digit year).
    bytes = asciiBytes(`{"@timestamp":"${new Date(sec * 1000).toISOString().slice(0, 19)}.`); // ...T03:04:05
    cachedBytes[slot] = bytes;
    cachedSec[slot] = sec;
  }
  p = putBytes(buf, p, bytes);
  p = putPadded(buf, p, nsec, 9);
  return putBytes(buf, p, K_Z_DURATION);
}
const SECONDS_CACHED = 64;
const cachedSec = new Float64Array(SECONDS_CACHED).fill(Number.NaN);
const cachedBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SECONDS_CACHED).fill(undefined);

const K_Z_DURATION = asciiBytes('Z","event":{"duration":');
const K_EVENT_DURATION = asciiBytes('{"event":{"duration":');
const REASON = new Piece(',"reason":', '},"source":{"ip":');
const K_NULL_REASON = asciiBytes(',"reason":null},"source":{"ip":');
const K_DESTINATION_IP = asciiBytes('},"destination":{"ip":');
const K_PORT = asciiBytes(',"port":');
const K_PACKETS = asciiBytes(',"packets":');
const K_BYTES = asciiBytes(',"bytes":');
const CONN_STATE_V4 = new Piece('},"network":{"type":"ipv4","transport":"tcp"},"tcp":{"conn_state":', ',"history":');
const CONN_STATE_V6 = new Piece('},"network":{"type":"ipv6","transport":"tcp"},"tcp":{"conn_state":', ',"history":');
const CLIENT_FROM = new Piece(',"client_from":', ',"syn_retransmits":');
const K_RESETS = asciiBytes(',"resets":');
const CLOSE = new Piece(',"close":');
const K_HS_RTT = asciiBytes(',"handshake":{"rtt_seconds":');
const K_HS_SERVER = asciiBytes(',"handshake":{"server_seconds":');
const K_HS_CLIENT = asciiBytes(',"handshake":{"client_seconds":');
const K_SERVER_SECONDS = asciiBytes(',"server_seconds":');
const K_CLIENT_SECONDS = asciiBytes(',"client_seconds":');
const K_RESET_CLIENT = asciiBytes(',"reset_sender":"client"');
const K_RESET_SERVER = asciiBytes(',"reset_sender":"server"');
const RESET_CLIENT_PHASE = new Piece(',"reset_sender":"client","reset_phase":');
const RESET_SERVER_PHASE = new Piece(',"reset_sender":"server","reset_phase":');
const K_ANOMALIES = asciiBytes(',"anomalies":{');
const K_TLS_AFTER_TCP = asciiBytes('},"tls":');
const END_AFTER_TCP = asciiBytes('}}');
