/**
 * A bounds-checked reader for TLS structures. Reading past the end never throws: it
 * returns zeros, sets `bad`, and the parser checks `bad` once at the end (tls-parser's
 * "panic-free by design"). Used where a message is rare (SSLv2); the hot parsers (hellos,
 * extensions, certificates) read in place with the functions below, which make no reader
 * objects and no views.
 */
export class ByteReader {
  bad = false;
  constructor(private readonly b: Uint8Array, public pos = 0, public end = b.length) {}

  get left(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (n > this.end - this.pos) {
      this.bad = true;
      this.pos = this.end;
      return -1;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.b[at];
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : (this.b[at] << 8) | this.b[at + 1];
  }

  u24(): number {
    const at = this.take(3);
    return at < 0 ? 0 : (this.b[at] << 16) | (this.b[at + 1] << 8) | this.b[at + 2];
  }

  /** A view of the next n bytes (empty when short). */
  view(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(0) : this.b.subarray(at, at + n);
  }

  /** A reader over the next n bytes, advancing past them (a length-prefixed vector). */
  sub(n: number): ByteReader {
    const at = this.take(n);
    return at < 0 ? Object.assign(new ByteReader(this.b, 0, 0), { bad: true }) : new ByteReader(this.b, at, at + n);
  }
}

// In-place reads. Callers check bounds first: these read b[o..] as given.

export const u16At = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];

export const u24At = (b: Uint8Array, o: number): number => (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];

/** The big-endian 16-bit values of b[start, end), one array of their exact count (an odd last byte is ignored). */
export function u16ListAt(b: Uint8Array, start: number, end: number): number[] {
  const n = (end - start) >> 1;
  const out: number[] = new Array(n);
  for (let i = 0, o = start; i < n; i++, o += 2) out[i] = (b[o] << 8) | b[o + 1];
  return out;
}

/** The bytes of b[start, end) as numbers. */
export function byteListAt(b: Uint8Array, start: number, end: number): number[] {
  const out: number[] = new Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = b[i];
  return out;
}

/** Longest text that is interned (an SNI host name is at most 255 bytes). */
const INTERN_MAX = 255;
const INTERN_CAP = 4096;
const interned = new Map<number, string>();

/**
 * b[start, end) as Latin-1 text, one UTF-16 unit per byte (what `String.fromCharCode(...bytes)`
 * gives). Short texts are interned: server names, ALPN protocols and the first bytes of a
 * plaintext stream repeat from connection to connection, and a repeat costs a hash and a
 * compare, no string. Capped (cleared when full).
 */
export function latin1At(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n > INTERN_MAX) return latin1Text(b, start, end);
  let h = 0x811c9dc5 ^ n;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h &= 0x3fffffff;
  const hit = interned.get(h);
  if (hit !== undefined && sameText(hit, b, start, n)) return hit;
  const text = latin1Text(b, start, end);
  if (interned.size >= INTERN_CAP) interned.clear();
  interned.set(h, text);
  return text;
}

function sameText(s: string, b: Uint8Array, start: number, n: number): boolean {
  if (s.length !== n) return false;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) !== b[start + i]) return false;
  return true;
}

/** Bytes per fromCharCode call: an argument list, not one per byte of a huge extension. */
const TEXT_CHUNK = 4096;

function latin1Text(b: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let o = start; o < end; o += TEXT_CHUNK) {
    // apply takes a typed array as the argument list directly: no iterator, no spread array.
    text += String.fromCharCode.apply(null, b.subarray(o, Math.min(end, o + TEXT_CHUNK)) as unknown as number[]);
  }
  return text;
}
