import { SegmentArena } from './segment-arena';

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('SegmentArena', () => {
  it('copies hold their bytes, not the caller\'s buffer, and cost one slab however many', () => {
    const a = new SegmentArena();
    const src = bytes(1400, 7);
    const copies = Array.from({ length: 100 }, () => a.copy(src));
    src.fill(0);
    expect(copies.every((c) => c.length === 1400 && c.every((b) => b === 7))).toBe(true);
    expect(a.bytes).toBe(256 * 1024);
  });

  it('lets a slab go once no copy in it is held, oldest slabs first', () => {
    const a = new SegmentArena();
    const copies = Array.from({ length: 600 }, (_, i) => a.copy(bytes(1400, i & 255))); // ~3.2 slabs
    expect(a.bytes).toBe(4 * 256 * 1024);
    for (const c of copies.slice(0, 187)) a.release(c); // the first slab's copies (187 fit)
    expect(a.bytes).toBe(4 * 256 * 1024); // kept as a spare
    for (const c of copies.slice(187)) a.release(c);
    expect(a.bytes).toBe(4 * 256 * 1024); // the current slab, empty, and three spares
    a.dropSpares();
    expect(a.bytes).toBe(256 * 1024);
  });

  it('keeps at most 16 empty slabs', () => {
    const a = new SegmentArena();
    const copies = Array.from({ length: 187 * 20 }, () => a.copy(bytes(1400, 1)));
    for (const c of copies) a.release(c);
    expect(a.bytes).toBe(17 * 256 * 1024);
  });

  it('takes the spare slab before making a new one', () => {
    const a = new SegmentArena();
    const first = Array.from({ length: 187 }, () => a.copy(bytes(1400, 1)));
    a.copy(bytes(1400, 2)); // into a second slab
    for (const c of first) a.release(c);
    expect(a.bytes).toBe(2 * 256 * 1024);
    for (let i = 0; i < 187; i++) a.copy(bytes(1400, 3)); // fills the second, then takes the spare
    expect(a.bytes).toBe(2 * 256 * 1024);
  });

  it('gives large segments their own allocation, counted while held', () => {
    const a = new SegmentArena();
    const big = a.copy(bytes(100_000, 1));
    expect(a.bytes).toBe(100_000);
    a.release(big);
    expect(a.bytes).toBe(0);
  });
});
