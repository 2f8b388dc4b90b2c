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

/** Only the hashed `ja4` form (what events print): half the hashing of all four. */
export function ja4Hash(ch: ClientHello, transport: Ja4Transport = 'tcp'): string {
  const f = ja4Fields(ch, transport);
  const sortedCiphers = f.ciphers.map(hex4).sort();
  const sortedExts = f.extensions.filter((v) => v !== EXT_SNI && v !== EXT_ALPN).map(hex4).sort();
  const sigs = f.signatureAlgorithms.map(hex4).join(',');
  const hb = sortedCiphers.length > 0 ? hash12(sortedCiphers.join(',')) : EMPTY_HASH;
  const hc = sortedExts.length > 0 ? hash12(sortedExts.join(',') + (sigs ? `_${sigs}` : '')) : EMPTY_HASH;
  return `${prefix(f)}_${hb}_${hc}`;
}

/** The first part: transport, version, SNI, counts, ALPN characters. */
function prefix(f: Ja4Fields): string {
  return [
    f.transport === 'quic' ? 'q' : 't',
    VERSION_CODES.get(f.version) ?? '00',
    f.sni ? 'd' : 'i',
    count2(f.ciphers.length),
    count2(f.extensions.length),
    alpnChars(f.alpn),
  ].join('');
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

const count2 = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');

const hash12 = (s: string): string => sha256Hex(s).slice(0, 12);
