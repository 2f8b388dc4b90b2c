import fc from 'fast-check';
import { StreamReassembler } from './stream-reassembler';

function collect(maxPending?: number) {
  const out: number[] = [];
  const gaps: number[] = [];
  const r = new StreamReassembler({ data: (b) => out.push(...b), gap: (n) => gaps.push(n) }, maxPending);
  return { r, out, gaps };
}
const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe('StreamReassembler', () => {
  it('delivers in order across out-of-order, overlapping and retransmitted segments', () => {
    const { r, out, gaps } = collect();
    r.start(1000);
    r.segment(1010, bytes(10, 10)); // ahead
    r.segment(1000, bytes(0, 5));
    r.segment(1000, bytes(0, 5)); // retransmission
    r.segment(1003, bytes(3, 9)); // overlap 1003..1011
    r.segment(1015, bytes(15, 10)); // overlaps the waiting one
    expect(out).toEqual(Array.from(bytes(0, 25)));
    expect(gaps).toEqual([]);
  });

  it('works across sequence-number wrap-around', () => {
    const { r, out } = collect();
    r.start(0xfffffffa);
    r.segment(0x00000002, bytes(8, 4));
    r.segment(0xfffffffa, bytes(0, 8));
    expect(out).toEqual(Array.from(bytes(0, 12)));
  });

  it('turns an acknowledged hole into a gap and goes on', () => {
    const { r, out, gaps } = collect();
    r.start(0);
    r.segment(0, bytes(0, 4));
    r.segment(10, bytes(10, 4));
    r.acked(14);
    expect(gaps).toEqual([6]);
    expect(out).toEqual([...bytes(0, 4), ...bytes(10, 4)]);
    expect(r.gapBytes).toBe(6);
  });

  it('holds the byte cap: a hole that would overflow it becomes a gap', () => {
    const { r, gaps } = collect(16);
    r.start(0);
    r.segment(100, bytes(0, 10));
    r.segment(200, bytes(0, 10));
    expect(gaps.length).toBe(1);
    r.stop();
    r.segment(210, bytes(0, 10));
    expect(r.delivered).toBeLessThanOrEqual(20);
  });

  it('delivers every byte exactly once whatever the segment order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 40 }), fc.nat(0xffffffff), (cuts, isn) => {
        const total = 240;
        const { r, out, gaps } = collect();
        r.start(isn);
        for (const [off, len] of cuts) r.segment((isn + off) >>> 0, bytes(off, Math.min(len, total - off)));
        r.segment(isn, bytes(0, total)); // finally everything, in one piece
        expect(gaps).toEqual([]);
        expect(out).toEqual(Array.from(bytes(0, total)));
      }),
      { numRuns: 300 },
    );
  });
});
