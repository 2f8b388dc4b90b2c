import { copyBytes, grownFor, sameBytes } from './bytes';

describe('copyBytes', () => {
  it.each([0, 4, 16, 64, 65, 4000])('copies %i bytes into a plain Uint8Array of its own, also from a Buffer (whose slice is a view)', (n) => {
    const chunk = Buffer.alloc(8192, 7);
    chunk[100] = 1;
    const copy = copyBytes(chunk, 100, 100 + n);
    expect(copy.constructor).toBe(Uint8Array);
    expect(copy.byteLength).toBe(n);
    expect(copy.buffer.byteLength).toBe(n); // not the read chunk's memory
    expect(Array.from(copy)).toEqual(Array.from(chunk.subarray(100, 100 + n)));
    chunk.fill(0);
    if (n > 0) expect(copy[0]).toBe(1);
  });
});

describe('sameBytes', () => {
  const packet = Uint8Array.of(9, 9, 10, 0, 0, 1, 9);
  it('compares an address with the bytes at an offset of a packet', () => {
    expect(sameBytes(Uint8Array.of(10, 0, 0, 1), packet, 2)).toBe(true);
    expect(sameBytes(Uint8Array.of(10, 0, 0, 2), packet, 2)).toBe(false);
  });
  it('compares whole arrays from offset 0 (lengths are the caller\'s to compare)', () => {
    expect(sameBytes(Uint8Array.of(9, 9), packet)).toBe(true);
    expect(sameBytes(new Uint8Array(0), packet)).toBe(true);
  });
});

describe('grownFor', () => {
  it('grows with the bytes that arrived, at least doubling, never past the size', () => {
    const a = grownFor(null, 0, 10, 100_000);
    expect(a.length).toBe(256);
    a[9] = 5;
    const b = grownFor(a, 10, 300, 100_000);
    expect(b.length).toBe(512);
    expect(b[9]).toBe(5);
    expect(grownFor(b, 300, 400, 100_000)).toBe(b);
    expect(grownFor(b, 400, 600, 700).length).toBe(700);
  });
});
