/**
 * A byte sink for JSON text, UTF-8, written in place: a growable Uint8Array and the
 * position of its end. Events are written here piece by piece, numbers as digits, without
 * the strings (a tree of pieces, a String() per number, then a flattening copy to encode)
 * that building each line as text cost. Every piece is written exactly as JSON.stringify
 * would write it.
 *
 * The buffer may be handed over (a caller that writes it out reads `buf` up to `pos`, and
 * may put a new one in `buf`); `alloc` makes the buffers, so a Node caller can use Buffers.
 */
export class JsonByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(
    size = 4096,
    readonly alloc: (size: number) => Uint8Array = (n) => new Uint8Array(n),
  ) {
    this.buf = alloc(size);
  }

  /** Room for `n` more bytes at `pos`. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const bigger = this.alloc(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  /** Pre-encoded bytes (keys and punctuation). */
  bytes(b: Uint8Array): void {
    if (this.pos + b.length > this.buf.length) this.grow(b.length);
    this.pos = putBytes(this.buf, this.pos, b);
  }

  /**
   * A string, quoted and escaped as JSON.stringify writes it. Letters, digits and the
   * printable ASCII JSON keeps as they are go straight in; a string with anything else is
   * left to JSON.stringify.
   */
  string(s: string): void {
    if (this.pos + s.length + 2 > this.buf.length) this.grow(s.length + 2);
    const end = putPlainString(this.buf, this.pos, s);
    if (end >= 0) this.pos = end;
    else this.text(JSON.stringify(s));
  }

  /**
   * Text as it is (JSON already), encoded as UTF-8: a short one byte by byte while it is
   * ASCII, a long one (or the rest, past the first non-ASCII unit) by TextEncoder, native.
   */
  text(s: string): void {
    const n = s.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2).
    if (this.pos + n * 3 > this.buf.length) this.grow(n * 3);
    const buf = this.buf;
    let p = this.pos;
    if (n > SHORT_TEXT) {
      this.pos = p + encoder.encodeInto(s, tail(buf, p)).written;
      return;
    }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p += encoder.encodeInto(s.slice(i), tail(buf, p)).written;
        break;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /**
   * A number as JSON.stringify writes it: safe integers as their digits, null when not
   * finite, anything else (fractions, exponents) by String().
   */
  number(n: number): void {
    if (this.pos + NUMBER_ROOM > this.buf.length) this.grow(NUMBER_ROOM);
    this.pos = putNumber(this.buf, this.pos, n);
  }
}

/** Longer text goes to TextEncoder whole: its call costs what ~30 bytes by hand do. */
const SHORT_TEXT = 32;
const encoder = new TextEncoder();

/** buf from p on, as a plain Uint8Array: a Buffer's subarray() goes through its species constructor, several times slower. */
const tail = (buf: Uint8Array, p: number): Uint8Array => new Uint8Array(buf.buffer, buf.byteOffset + p, buf.length - p);

/** The UTF-8 bytes of an ASCII string (constants: keys, punctuation). */
export function asciiBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new Error(`not ASCII: ${s}`);
    b[i] = c;
  }
  return b;
}

const NULL = asciiBytes('null');

// Writing at a position: each put* writes at `p` of `buf`, which must have room for what it
// writes (the caller reserved it), and returns the end. A writer of many small pieces (an
// event) reserves once, then puts them with its end in a local: no bounds check, no field
// update per piece.

/** Pre-encoded bytes. */
export function putBytes(buf: Uint8Array, p: number, b: Uint8Array): number {
  const n = b.length;
  // set() costs a call: a copy of any length for the price of ~8 bytes by hand.
  if (n > 8) buf.set(b, p);
  else for (let i = 0; i < n; i++) buf[p + i] = b[i];
  return p + n;
}

/** Room putNumber needs: String() of any double (-1.2345678901234567e-308) or '-' and 16 digits. */
export const NUMBER_ROOM = 25;

/** A number as JSON.stringify writes it (see JsonByteWriter#number). */
export function putNumber(buf: Uint8Array, p: number, n: number): number {
  // Ports, counts and most spans: 32 bits, no sign (-0 too, written 0 as String(-0) is).
  if (n >>> 0 === n) return putUint32(buf, p, n);
  if (Number.isSafeInteger(n)) {
    if (n < 0) {
      buf[p++] = 0x2d; // '-'
      n = -n;
      if (n >>> 0 === n) return putUint32(buf, p, n);
    }
    // Below 2^53: the part above the low nine digits (below 2^24), then those nine digits.
    // n / 1e9 is within half an ulp (under 2^-30 below 2^24) of the true quotient, whose
    // fraction is a multiple of 1e-9: it never rounds up to the next integer, floor() is exact.
    const hi = Math.floor(n / 1e9);
    return putPadded(buf, putUint32(buf, p, hi), n - hi * 1e9, 9);
  }
  if (!Number.isFinite(n)) return putBytes(buf, p, NULL);
  // Digits, '.', 'e', '+', '-': ASCII.
  const s = String(n);
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/**
 * A string in quotes if JSON.stringify keeps it as it is (printable ASCII but `"` and `\`),
 * else -1 (and nothing written that counts). Room: its length + 2.
 */
export function putPlainString(buf: Uint8Array, p: number, s: string): number {
  const n = s.length;
  buf[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return -1;
    buf[p++] = c;
  }
  buf[p++] = 0x22;
  return p;
}

/** "00" to "99": two digits per division. */
const PAIRS = asciiBytes(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** The digits of an unsigned 32-bit integer (room: 10). */
export function putUint32(buf: Uint8Array, p: number, n: number): number {
  const len = n < 1e5 ? (n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : 5) : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  return putPadded(buf, p, n, len);
}

/**
 * `ns / 1e9` as JSON.stringify writes it, without formatting a double when ns is a whole
 * number of nanoseconds from 1,000 to 10^15 (either sign): the decimal ns * 10^-9 then has
 * at most 15 significant digits, so it is the shortest decimal that reads back as the same
 * double (DBL_DIG), which is what String() prints, in fixed notation between 1e-6 and 1e21.
 * Anything else goes through String().
 */
export function putSeconds(buf: Uint8Array, p: number, ns: number): number {
  const abs = ns < 0 ? -ns : ns;
  if (!Number.isInteger(ns) || abs < 1000 || abs >= 1e15) return putNumber(buf, p, ns / 1e9);
  if (ns < 0) buf[p++] = 0x2d; // '-'
  const whole = Math.floor(abs / 1e9); // exact: abs is a safe integer, see putNumber
  let frac = abs - whole * 1e9;
  p = putUint32(buf, p, whole);
  if (frac === 0) return p;
  buf[p++] = 0x2e; // '.'
  let width = 9;
  while (frac % 10 === 0) {
    frac /= 10;
    width--;
  }
  return putPadded(buf, p, frac, width);
}

/** 0 <= n < 10^width in `width` digits, leading zeros kept. */
export function putPadded(buf: Uint8Array, p: number, n: number, width: number): number {
  let i = p + width;
  while (i - p >= 2) {
    const q = (n / 100) >>> 0;
    const r = (n - q * 100) * 2;
    buf[--i] = PAIRS[r + 1];
    buf[--i] = PAIRS[r];
    n = q;
  }
  if (i > p) buf[--i] = 0x30 + n;
  return p + width;
}
