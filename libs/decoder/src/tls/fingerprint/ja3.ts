// JA3 / JA3S (Salesforce), byte for byte as Wireshark 4.0 builds tls.handshake.ja3_full / ja3 and
// ja3s_full / ja3s (epan/dissectors/packet-tls-utils.c: ssl_dissect_hnd_cli_hello / _srv_hello,
// ssl_dissect_hnd_extension, the supported_groups and ec_point_formats helpers), checked against
// tshark 4.0.17: only RFC 8701 GREASE is dropped, from ciphers, extensions and groups (older
// Wireshark also dropped 0x0a1a-like values and could leave a trailing '-'); no JA3 for an
// SSLv2-format hello. Two steps, as FoxIO's JA4: extract the fields, then format them; ja3() and
// ja3s() build the same strings in one pass (they run once per TLS connection).
import { isGrease, type ClientHello, type ServerHello, type TlsExtension } from '../hello-types';
import { md5Hex } from './digest';

export interface Ja3 {
  /** The JA3 string, e.g. '771,4865-4866,0-11-10,29-23,0'. */
  raw: string;
  /** MD5 of `raw`, lower-case hex. */
  hash: string;
}

/** JA3 fields: lists in wire order with GREASE kept (the format step drops it). */
export interface Ja3Fields {
  version: number;
  ciphers: readonly number[];
  extensions: readonly number[];
  /**
   * One list per supported_groups extension, read as Wireshark reads it. Wireshark prints
   * each occurrence, so a repeated extension adds a field ('29,23'); none prints ''.
   */
  groups: readonly (readonly number[])[];
  /** One list per ec_point_formats extension, likewise. */
  pointFormats: readonly (readonly number[])[];
}

export interface Ja3sFields {
  version: number;
  cipher: number;
  extensions: readonly number[];
}

const EXT_SUPPORTED_GROUPS = 10;
const EXT_EC_POINT_FORMATS = 11;

/**
 * JA3 of a ClientHello; undefined where Wireshark gives none: an SSLv2-format hello
 * (dissect_ssl2_hnd_client_hello builds no JA3), or an ec_point_formats list longer than its
 * extension (Wireshark stops on a Malformed Packet exception).
 */
export function ja3(ch: ClientHello): Ja3 | undefined {
  const raw = ch.sslv2 ? undefined : ja3String(ch);
  return raw === undefined ? undefined : withMd5(raw);
}

/** JA3S of a ServerHello (a HelloRetryRequest too: Wireshark dissects it as a ServerHello). */
export function ja3s(sh: ServerHello): Ja3 {
  return withMd5(`${sh.version},${sh.cipherSuite},${typesNoGrease(sh.extensions)}`);
}

/**
 * formatJa3(ja3Fields(ch)) in one pass over the hello, with no intermediate lists: this
 * runs once per TLS connection (client-fingerprints.spec.ts checks the two agree).
 */
function ja3String(ch: ClientHello): string | undefined {
  let groups = '';
  let groupLists = 0;
  let pointFormats = '';
  let pointLists = 0;
  for (const e of ch.extensions) {
    if (e.type === EXT_SUPPORTED_GROUPS) {
      const g = wiresharkGroupsText(e.data);
      if (g !== undefined) groups = groupLists++ === 0 ? g : `${groups},${g}`;
    } else if (e.type === EXT_EC_POINT_FORMATS) {
      const d = e.data;
      if (d.length < 1 || d.length < 1 + d[0]) return undefined;
      const p = dashed(d.subarray(1, 1 + d[0]), false);
      pointFormats = pointLists++ === 0 ? p : `${pointFormats},${p}`;
    }
  }
  return `${ch.version},${dashed(ch.cipherSuites, true)},${typesNoGrease(ch.extensions)},${groups},${pointFormats}`;
}

/** The JA3 fields; undefined when an ec_point_formats list overruns its extension. */
export function ja3Fields(ch: ClientHello): Ja3Fields | undefined {
  const groups: number[][] = [];
  const pointFormats: number[][] = [];
  for (const e of ch.extensions) {
    if (e.type === EXT_SUPPORTED_GROUPS) {
      const g = wiresharkGroups(e.data);
      if (g) groups.push(g);
    } else if (e.type === EXT_EC_POINT_FORMATS) {
      if (e.data.length < 1 || e.data.length < 1 + e.data[0]) return undefined;
      pointFormats.push(Array.from(e.data.subarray(1, 1 + e.data[0])));
    }
  }
  return { version: ch.version, ciphers: ch.cipherSuites, extensions: ch.extensions.map((e) => e.type), groups, pointFormats };
}

export function ja3sFields(sh: ServerHello): Ja3sFields {
  return { version: sh.version, cipher: sh.cipherSuite, extensions: sh.extensions.map((e) => e.type) };
}

/** SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats (decimal, '-' joined). */
export function formatJa3(f: Ja3Fields): string {
  return [
    String(f.version),
    joinNoGrease(f.ciphers),
    joinNoGrease(f.extensions),
    f.groups.map(joinNoGrease).join(','),
    f.pointFormats.map((l) => l.join('-')).join(','), // single bytes: no GREASE filter in Wireshark
  ].join(',');
}

/** SSLVersion,Cipher,Extensions. */
export function formatJa3s(f: Ja3sFields): string {
  return `${f.version},${f.cipher},${joinNoGrease(f.extensions)}`;
}

/** RFC 8701 GREASE values dropped (Wireshark 4.0's IS_GREASE_TLS: 0x0a1a is kept), '-' joined. */
const joinNoGrease = (values: readonly number[]): string => values.filter((v) => !isGrease(v)).join('-');

/**
 * A supported_groups body as Wireshark 4.0 reads it: nothing when the list length is under 2
 * or overruns the extension; otherwise every 2-byte value up to the end of the extension.
 */
function wiresharkGroups(d: Uint8Array): number[] | undefined {
  if (!wiresharkGroupsValid(d)) return undefined;
  const out: number[] = [];
  for (let o = 2; o + 2 <= d.length; o += 2) out.push((d[o] << 8) | d[o + 1]);
  return out;
}

function wiresharkGroupsValid(d: Uint8Array): boolean {
  const declared = d.length >= 2 ? (d[0] << 8) | d[1] : 0;
  return declared >= 2 && declared <= d.length - 2;
}

/** joinNoGrease(wiresharkGroups(d)), without the list. */
function wiresharkGroupsText(d: Uint8Array): string | undefined {
  if (!wiresharkGroupsValid(d)) return undefined;
  let s = '';
  let first = true;
  for (let o = 2; o + 2 <= d.length; o += 2) {
    const v = (d[o] << 8) | d[o + 1];
    if (isGrease(v)) continue;
    s = first ? `${v}` : `${s}-${v}`;
    first = false;
  }
  return s;
}

/** Decimal values '-' joined, GREASE dropped when asked: a loop for the one-pass builders. */
function dashed(values: ArrayLike<number>, dropGrease: boolean): string {
  let s = '';
  let first = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (dropGrease && isGrease(v)) continue;
    s = first ? `${v}` : `${s}-${v}`;
    first = false;
  }
  return s;
}

/** The extension types, GREASE dropped, '-' joined. */
function typesNoGrease(extensions: readonly TlsExtension[]): string {
  let s = '';
  let first = true;
  for (const e of extensions) {
    if (isGrease(e.type)) continue;
    s = first ? `${e.type}` : `${s}-${e.type}`;
    first = false;
  }
  return s;
}

function withMd5(raw: string): Ja3 {
  return { raw, hash: md5Hex(raw) };
}
