import type { ClientHello } from '../hello-types';
import { ja3 } from './ja3';
import { ja4Hash } from './ja4';

/** The fingerprints a connection event prints for its ClientHello. */
export interface ClientFingerprints {
  /** JA3 hash; undefined where ja3() gives none. */
  ja3: string | undefined;
  /** The hashed JA4 (TCP). */
  ja4: string;
}

/**
 * ja3(ch)?.hash and ja4Hash(ch), remembered per identical input: a host's client software
 * sends the same hello on every connection (only the random, session id and key shares
 * change), so building the fingerprint strings again, only to find their digests in
 * digest.ts's memo, was most of a TLS event's cost. The key holds every input the two
 * fingerprints read, compared in full on a hit. Capped (cleared when full).
 */
export function clientFingerprints(ch: ClientHello): ClientFingerprints {
  if (!keyOf(ch)) return compute(ch);
  const { buf, n } = writer;
  const hash = fnv1a(buf, n);
  const hit = cache.get(hash);
  if (hit !== undefined && sameKey(hit.key, buf, n)) return hit.fingerprints;
  const fingerprints = compute(ch);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(hash, { key: buf.slice(0, n), fingerprints });
  return fingerprints;
}

const CACHE_MAX = 1024;
const cache = new Map<number, { key: Uint16Array; fingerprints: ClientFingerprints }>();

// Extensions whose bodies the fingerprints read: supported_groups and ec_point_formats
// (JA3), ALPN (JA4). Every other extension counts by its type alone.
const EXT_SUPPORTED_GROUPS = 10;
const EXT_EC_POINT_FORMATS = 11;
const EXT_ALPN = 16;
const bodyRead = (type: number): boolean => type === EXT_SUPPORTED_GROUPS || type === EXT_EC_POINT_FORMATS || type === EXT_ALPN;

function compute(ch: ClientHello): ClientFingerprints {
  return { ja3: ja3(ch)?.hash, ja4: ja4Hash(ch) };
}

/** Writes a key as 16-bit units into a reused buffer; `fits` turns false on a wider value. */
class KeyWriter {
  buf = new Uint16Array(512);
  n = 0;
  fits = true;

  start(size: number): void {
    if (this.buf.length < size) this.buf = new Uint16Array(size);
    this.n = 0;
    this.fits = true;
  }

  put(v: number): void {
    this.buf[this.n++] = v;
    if ((v & 0xffff) !== v) this.fits = false;
  }

  // Two loops, not one over ArrayLike: each stays monomorphic (arrays, bytes).
  values(list: readonly number[]): void {
    for (let i = 0; i < list.length; i++) this.put(list[i]);
  }

  bytes(b: Uint8Array): void {
    const { buf } = this;
    for (let i = 0; i < b.length; i++) buf[this.n++] = b[i];
  }

  /** Absent (0) and present, even empty (length + 1), are told apart. */
  optionalList(list: readonly number[] | undefined): void {
    this.put(list === undefined ? 0 : list.length + 1);
    if (list !== undefined) this.values(list);
  }
}
const writer = new KeyWriter();

/**
 * Every input of ja3() and ja4Hash() into `writer`, each list after its length; false when
 * some value does not fit 16 bits (no parser makes one: such a hello is not remembered).
 */
function keyOf(ch: ClientHello): boolean {
  let size = 6 + ch.cipherSuites.length + (ch.supportedVersions?.length ?? 0) + (ch.signatureAlgorithms?.length ?? 0);
  for (const e of ch.extensions) size += bodyRead(e.type) ? 2 + e.data.length : 1;
  const w = writer;
  w.start(size);
  w.put(ch.sslv2 ? 1 : 0);
  w.put(ch.version);
  w.put(ch.cipherSuites.length);
  w.values(ch.cipherSuites);
  w.put(ch.extensions.length);
  for (const e of ch.extensions) {
    w.put(e.type);
    if (!bodyRead(e.type)) continue;
    w.put(e.data.length);
    w.bytes(e.data);
  }
  w.optionalList(ch.supportedVersions);
  w.optionalList(ch.signatureAlgorithms);
  return w.fits;
}

/** FNV-1a over the units, kept to a small integer (a Map key that needs no boxing). */
function fnv1a(k: Uint16Array, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ k[i], 0x01000193);
  return h & 0x3fffffff;
}

function sameKey(stored: Uint16Array, k: Uint16Array, n: number): boolean {
  if (stored.length !== n) return false;
  for (let i = 0; i < n; i++) if (stored[i] !== k[i]) return false;
  return true;
}
