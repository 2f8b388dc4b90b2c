// JA4 TLS client fingerprint (FoxIO, BSD-3-Clause): technical_details/JA4.md of FoxIO-LLC/ja4,
// printed as its python/ja4.py prints JA4, JA4_r (raw, sorted), JA4_o (original order, hashed)
// and JA4_ro (raw, original order). Two steps, as upstream: extract the fields, then format them.
import { isGrease, type ClientHello, type TlsExtension } from '../hello-types';
import { sha256Hex } from './digest';

export interface Ja4 {
  /** e.g. 't13d1516h2_8daaf6152771_e5627efa2ab1' */
  ja4: string;
  ja4_r: string;
  ja4_o: string;
  ja4_ro: string;
}

export type Ja4Transport = 'tcp' | 'quic';

/** JA4 fields: lists in wire order with GREASE removed; unknown code points stay numbers. */
export interface Ja4Fields {
  transport: Ja4Transport;
  /** The highest non-GREASE supported_versions entry, else the legacy version. */
  version: number;
  /** A server_name extension is present. */
  sni: boolean;
  ciphers: readonly number[];
  /** Extension types, SNI (0x0000) and ALPN (0x0010) included. */
  extensions: readonly number[];
  /** The first ALPN protocol as bytes (undefined: no ALPN extension or an empty list). */
  alpn?: Uint8Array;
  /** From the signature_algorithms extension (not signature_algorithms_cert). */
  signatureAlgorithms: readonly number[];
}

const EXT_SNI = 0x0000;
const EXT_ALPN = 0x0010;
const EMPTY_HASH = '000000000000';

/** JA4.md "TLS and DTLS Version"; anything else is '00'. */
const VERSION_CODES: ReadonlyMap<number, string> = new Map([
  [0x0304, '13'], [0x0303, '12'], [0x0302, '11'], [0x0301, '10'], [0x0300, 's3'], [0x0002, 's2'],
  [0xfeff, 'd1'], [0xfefd, 'd2'], [0xfefc, 'd3'],
]);

export function ja4(ch: ClientHello, transport: Ja4Transport = 'tcp'): Ja4 {
  return formatJa4(ja4Fields(ch, transport));
}

export function ja4Fields(ch: ClientHello, transport: Ja4Transport = 'tcp'): Ja4Fields {
  const versions = (ch.supportedVersions ?? []).filter((v) => !isGrease(v));
  return {
    transport,
    version: versions.length > 0 ? Math.max(...versions) : ch.version,
    sni: ch.extensions.some((e) => e.type === EXT_SNI),
    ciphers: ch.cipherSuites.filter((v) => !isGrease(v)),
    extensions: ch.extensions.map((e) => e.type).filter((v) => !isGrease(v)),
    alpn: firstAlpn(ch.extensions.find((e) => e.type === EXT_ALPN)),
    signatureAlgorithms: (ch.signatureAlgorithms ?? []).filter((v) => !isGrease(v)),
  };
}

/**
 * Only the hashed `ja4` form (what events print): half the hashing of all four, built in
 * loops over the hello, without ja4Fields' arrays or one hex string per value to sort.
 */
export function ja4Hash(ch: ClientHello, transport: Ja4Transport = 'tcp'): string {
  // Numbers sort as their 4-digit hex strings do; wider values (no parser makes them) cannot.
  if (!all16(ch.cipherSuites) || !all16(ch.supportedVersions ?? []) || !ch.extensions.every(typeIs16)) {
    return ja4(ch, transport).ja4;
  }
  let version = -1;
  for (const v of ch.supportedVersions ?? []) if (!isGrease(v) && v > version) version = v;
  if (version < 0) version = ch.version;
  const ciphers = nonGrease(ch.cipherSuites, (cipherBuffer = room(cipherBuffer, ch.cipherSuites.length)));
  const exts = (extensionBuffer = room(extensionBuffer, ch.extensions.length));
  let sni = false;
  let alpn: TlsExtension | undefined;
  let extCount = 0;
  let sorted = 0; // extensions less GREASE, SNI and ALPN, in exts
  for (const e of ch.extensions) {
    if (isGrease(e.type)) continue;
    extCount++;
    if (e.type === EXT_SNI) sni = true;
    else if (e.type === EXT_ALPN) alpn ??= e;
    else exts[sorted++] = e.type;
  }
  const sigs = hexList(ch.signatureAlgorithms ?? []);
  const hb = ciphers.length > 0 ? hash12(hexList(ciphers.sort())) : EMPTY_HASH;
  const hc = sorted > 0 ? hash12(hexList(exts.subarray(0, sorted).sort()) + (sigs ? `_${sigs}` : '')) : EMPTY_HASH;
  return `${prefixOf(transport, version, sni, ciphers.length, extCount, firstAlpn(alpn))}_${hb}_${hc}`;
}

/** The first part: transport, version, SNI, counts, ALPN characters. */
function prefix(f: Ja4Fields): string {
  return prefixOf(f.transport, f.version, f.sni, f.ciphers.length, f.extensions.length, f.alpn);
}

function prefixOf(transport: Ja4Transport, version: number, sni: boolean, ciphers: number, extensions: number, alpn: Uint8Array | undefined): string {
  return `${transport === 'quic' ? 'q' : 't'}${VERSION_CODES.get(version) ?? '00'}${sni ? 'd' : 'i'}${count2(ciphers)}${count2(extensions)}${alpnChars(alpn)}`;
}

export function formatJa4(f: Ja4Fields): Ja4 {
  const a = prefix(f);
  const ciphers = f.ciphers.map(hex4);
  const sortedCiphers = [...ciphers].sort();
  const exts = f.extensions.map(hex4);
  const sortedExts = f.extensions.filter((v) => v !== EXT_SNI && v !== EXT_ALPN).map(hex4).sort();
  const sigs = f.signatureAlgorithms.map(hex4).join(',');
  // "If there are no signature algorithms, the string ends without an underscore."
  const withSigs = (list: string[]): string => list.join(',') + (sigs ? `_${sigs}` : '');
  const b = sortedCiphers.join(',');
  const bo = ciphers.join(',');
  const c = withSigs(sortedExts);
  const co = withSigs(exts);
  const hb = ciphers.length > 0 ? hash12(b) : EMPTY_HASH;
  const hbo = ciphers.length > 0 ? hash12(bo) : EMPTY_HASH;
  // No extensions left once SNI and ALPN are set aside: '000000000000', in the original-order
  // form too (upstream prints JA4_o '..._000000000000' for a hello whose only extension is SNI).
  const hc = sortedExts.length > 0 ? hash12(c) : EMPTY_HASH;
  const hco = sortedExts.length > 0 ? hash12(co) : EMPTY_HASH;
  return { ja4: `${a}_${hb}_${hc}`, ja4_r: `${a}_${b}_${c}`, ja4_o: `${a}_${hbo}_${hco}`, ja4_ro: `${a}_${bo}_${co}` };
}

/**
 * First and last characters of the first ALPN protocol; '00' when there is none or it is empty.
 * When the first or last byte is not ASCII alphanumeric, the first and last characters of the
 * protocol's hex instead (JA4.md: 0xAB -> 'ab', 0x30 0xAB -> '3b').
 */
export function alpnChars(alpn: Uint8Array | undefined): string {
  if (!alpn || alpn.length === 0) return '00';
  const first = alpn[0];
  const last = alpn[alpn.length - 1];
  if (isAlnum(first) && isAlnum(last)) return String.fromCharCode(first, last);
  const hex = Buffer.from(alpn).toString('hex');
  return hex[0] + hex[hex.length - 1];
}

/** The first protocol of an ALPN extension body (protocol_name_list), as bytes. */
function firstAlpn(ext: TlsExtension | undefined): Uint8Array | undefined {
  const d = ext?.data;
  if (!d || d.length < 3) return undefined;
  const len = d[2];
  return 3 + len <= d.length ? d.subarray(3, 3 + len) : undefined;
}

const isAlnum = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

const COUNTS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const count2 = (n: number): string => COUNTS[Math.min(n, 99)];

const is16 = (v: number): boolean => (v & 0xffff) === v;
const all16 = (values: readonly number[]): boolean => values.every(is16);
const typeIs16 = (e: TlsExtension): boolean => is16(e.type);

/** Lower-case 4-digit hex; 16-bit values from a table filled on first use (no string work per call). */
const HEX4: (string | undefined)[] = new Array(0x10000);
const hex4 = (v: number): string => (is16(v) ? (HEX4[v] ??= v.toString(16).padStart(4, '0')) : v.toString(16).padStart(4, '0'));

/** Reused buffers for the lists ja4Hash sorts: no allocation per hello. */
let cipherBuffer: Uint16Array = new Uint16Array(64);
let extensionBuffer: Uint16Array = new Uint16Array(64);
const room = (b: Uint16Array, n: number): Uint16Array => (b.length >= n ? b : new Uint16Array(n));

/** The non-GREASE values of `values`, written into `out` (a view of the ones written). */
function nonGrease(values: readonly number[], out: Uint16Array): Uint16Array {
  let n = 0;
  for (const v of values) if (!isGrease(v)) out[n++] = v;
  return out.subarray(0, n);
}

/** 'hhhh,hhhh,...' of the non-GREASE values, in order. */
function hexList(values: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isGrease(v)) s = s === '' ? hex4(v) : `${s},${hex4(v)}`;
  }
  return s;
}

const hash12 = (s: string): string => sha256Hex(s).slice(0, 12);
