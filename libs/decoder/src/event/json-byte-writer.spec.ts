import fc from 'fast-check';
import { asciiBytes, JsonByteWriter, putPadded, putSeconds, putUint32 } from './json-byte-writer';

// Bytes compared as latin1 strings, one character per byte: exact, and quick for expect() to compare and show.
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
/** The UTF-8 bytes of `s`, in the same form. */
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const written = (w: JsonByteWriter): string => latin1(w.buf.subarray(0, w.pos));

/** What `write` puts in a fresh writer of `size` bytes. */
function bytesOf(write: (w: JsonByteWriter) => void, size = 4096): string {
  const w = new JsonByteWriter(size);
  write(w);
  return written(w);
}

describe('JsonByteWriter.number: JSON.stringify(n) as bytes', () => {
  const edges = [
    0, -0, 1, 9, 10, 99, 100, 101, 999, 1000, 65535, 99999, 100000, 999999999, 1e9, 1e9 + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1,
    1e10, 123456789012, 999999999999999, 1e15, 8999999999999999, 9e15, 9007199000000000 - 1, 2 ** 53 - 2, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e20, 1e21, 1.5e300,
    -1, -9, -10, -1e9, -(2 ** 31), -(2 ** 32), -(2 ** 32) - 1, -8999999999999999, -(2 ** 53 - 1), -(2 ** 53),
    0.5, -0.5, 1e-7, 1.5e-7, 0.000001, 0.1 + 0.2, 123.456, Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON,
    Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
  ];

  it.each(edges.map((n) => [Object.is(n, -0) ? '-0' : String(n), n] as const))('%s', (_name, n) => {
    expect(bytesOf((w) => w.number(n))).toBe(utf8(JSON.stringify(n)));
  });

  it('any integer (safe or not), any double', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.nat(), fc.maxSafeInteger(), fc.maxSafeNat(), fc.integer({ min: 2 ** 31 - 5, max: 2 ** 33 }), fc.double()), (n) => {
        expect(bytesOf((w) => w.number(n))).toBe(utf8(JSON.stringify(n)));
      }),
      { numRuns: 20000 },
    );
  });

  it('near 2^53, where n / 1e9 rounds: every n just below a multiple of 1e9', () => {
    for (let k = 8_000_000; k <= 9_007_199; k += 997) {
      for (const n of [k * 1e9 - 1, k * 1e9, k * 1e9 + 1]) expect(bytesOf((w) => w.number(n))).toBe(utf8(JSON.stringify(n)));
    }
  });

  it('every power of ten and its neighbours, both signs', () => {
    for (let e = 0; e <= 16; e++) {
      for (const n of [10 ** e - 1, 10 ** e, 10 ** e + 1]) {
        for (const v of [n, -n]) expect(bytesOf((w) => w.number(v))).toBe(utf8(JSON.stringify(v)));
      }
    }
  });
});

describe('putSeconds: JSON.stringify(ns / 1e9) as bytes', () => {
  const seconds = (ns: number): string => bytesOf((w) => {
    w.reserve(64);
    w.pos = putSeconds(w.buf, w.pos, ns);
  });
  it('any whole number of nanoseconds, any magnitude, both signs, and what is not whole', () => {
    const ns = fc.oneof(
      fc.integer({ min: -2_000_000, max: 2_000_000 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.maxSafeInteger(),
      fc.integer({ min: 1, max: 15 }).chain((e) => fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: -3, max: 3 })).map(([m, d]) => m * 10 ** e + d)),
      fc.double({ noNaN: false }),
    );
    fc.assert(fc.property(ns, (n) => expect(seconds(n)).toBe(JSON.stringify(n / 1e9))), { numRuns: 20000 });
  });

  it('the edges of the fast path', () => {
    for (const n of [0, 999, 1000, 1001, 1e9, 1e9 + 1, 123456789, 1e15 - 1, 1e15, 1e15 + 1, -1000, -999, -1e15 + 1, 2 ** 53 - 1, 47140, 4.5, Infinity]) {
      expect(seconds(n)).toBe(JSON.stringify(n / 1e9));
    }
  });
});

describe('putPadded and putUint32', () => {
  const put = (f: (buf: Uint8Array) => number): string => {
    const buf = new Uint8Array(16);
    return latin1(buf.subarray(0, f(buf)));
  };

  it('putPadded: exactly width digits, leading zeros kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 1, max: 9 }), (n, width) => {
        const v = n % 10 ** width;
        expect(put((buf) => putPadded(buf, 0, v, width))).toBe(String(v).padStart(width, '0'));
      }),
    );
  });

  it('putUint32: any unsigned 32-bit integer', () => {
    for (const n of [0, 7, 255, 2 ** 31, 2 ** 32 - 1]) expect(put((buf) => putUint32(buf, 0, n))).toBe(String(n));
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => expect(put((buf) => putUint32(buf, 0, n))).toBe(String(n))));
  });
});

// Strings that JSON.stringify escapes or keeps in ways a hand-written writer could get wrong.
const ODD = ['"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0080', '\u2028', '\u2029', 'é', '中', '😀', '\ud800', '\udfff', 'a', 'Z', '0', ' ', '~'];
const anyString = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: fc.constantFrom(...ODD), maxLength }), fc.string({ maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.string({ unit: 'binary', maxLength }));

describe('JsonByteWriter.string and text', () => {
  it.each(ODD.map((s) => [JSON.stringify(s), s]))('string(%s) as JSON.stringify has it', (_name, s) => {
    expect(bytesOf((w) => w.string(s))).toBe(utf8(JSON.stringify(s)));
    expect(bytesOf((w) => w.string(`ab${s}cd`))).toBe(utf8(JSON.stringify(`ab${s}cd`)));
  });

  it('string: any string, short or long (past the byte-by-byte length), in a writer that must grow', () => {
    fc.assert(
      fc.property(fc.oneof(anyString(12), anyString(200)), fc.integer({ min: 1, max: 64 }), (s, size) => {
        expect(bytesOf((w) => w.string(s), size)).toBe(utf8(JSON.stringify(s)));
      }),
      { numRuns: 5000 },
    );
  });

  it('text: any JSON text (no lone surrogates), short or long, ASCII or not, as UTF-8', () => {
    fc.assert(
      fc.property(fc.oneof(anyString(12), anyString(300)), fc.integer({ min: 1, max: 64 }), (s, size) => {
        const json = JSON.stringify(s);
        expect(bytesOf((w) => w.text(json), size)).toBe(utf8(json));
      }),
      { numRuns: 5000 },
    );
    // Non-ASCII at the very start, in the middle and at the end of short and long text.
    for (const s of ['é', 'aé', 'éa', '😀', `${'a'.repeat(31)}é`, `${'a'.repeat(40)}中`, `中${'a'.repeat(40)}`, '\u2028'.repeat(50)]) {
      expect(bytesOf((w) => w.text(s), 1)).toBe(utf8(s));
    }
  });
});

describe('JsonByteWriter buffer', () => {
  it('grows in the middle of a line and keeps what was written, through alloc', () => {
    const sizes: number[] = [];
    const w = new JsonByteWriter(8, (n) => {
      sizes.push(n);
      return new Uint8Array(n);
    });
    const parts: string[] = [];
    for (let i = 0; i < 200; i++) {
      w.bytes(asciiBytes('{"k":'));
      w.number(2 ** 53 - 1 - i);
      w.byte(0x2c);
      w.string(`s${i}é"`);
      w.byte(0x2c);
      w.text(JSON.stringify({ long: 'x'.repeat(i) }));
      w.byte(0x7d);
      parts.push(`{"k":${2 ** 53 - 1 - i},${JSON.stringify(`s${i}é"`)},${JSON.stringify({ long: 'x'.repeat(i) })}}`);
    }
    expect(written(w)).toBe(utf8(parts.join('')));
    expect(sizes[0]).toBe(8);
    expect(sizes.length).toBeGreaterThan(5);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThanOrEqual(2 * sizes[i - 1]);
  });

  it('bytes: constants of any length, short (by hand) and long (set)', () => {
    for (let n = 0; n <= 40; n++) {
      const s = Array.from({ length: n }, (_, i) => String.fromCharCode(0x21 + i)).join('');
      expect(bytesOf((w) => {
        w.byte(0x5b);
        w.bytes(asciiBytes(s));
        w.bytes(asciiBytes(s));
      }, 1)).toBe(`[${s}${s}`);
    }
  });

  it('reserve makes room without moving pos', () => {
    const w = new JsonByteWriter(4);
    w.byte(0x61);
    w.reserve(100);
    expect(w.buf.length).toBeGreaterThanOrEqual(101);
    expect(w.pos).toBe(1);
    expect(w.buf[0]).toBe(0x61);
  });

  it('asciiBytes refuses non-ASCII constants', () => {
    expect(latin1(asciiBytes('{"a":'))).toBe('{"a":');
    expect(() => asciiBytes('é')).toThrow(/not ASCII/);
  });
});
