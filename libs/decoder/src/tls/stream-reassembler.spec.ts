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

  it('follows a SYN-ACK sent again with a new ISN when the data starts there (suricata-verify/tcp-fastopen-syn-data-tls.pcap)', () => {
    // Server 17.253.144.10:443 answers with ISN 3212050950 (frames 2, 4, 12, 15, 22) and with
    // ISN 97572840 (frames 14, 17, 20); the client acknowledges 97572841 and the ServerHello
    // arrives at 97572841 (frame 25).
    const { r, out, gaps } = collect();
    for (const isn of [3212050950, 3212050950, 97572840, 3212050950, 97572840]) r.start(isn + 1);
    r.acked(97572841);
    r.segment(97572841 + 4, bytes(4, 6)); // out of order within the new space
    r.segment(97572841, bytes(0, 4));
    expect(out).toEqual(Array.from(bytes(0, 10)));
    expect(gaps).toEqual([]);
    r.start(1); // once bytes flowed, a stray SYN-ACK changes nothing
    r.segment(97572851, bytes(10, 2));
    expect(out.length).toBe(12);
  });

  it('keeps the first start when the data begins there, whatever other SYN-ACKs said', () => {
    const { r, out } = collect();
    r.start(1000);
    r.start(5000);
    r.segment(1000, bytes(0, 3));
    r.segment(5000, bytes(0, 3)); // far ahead of 1003 in the chosen space: waits
    expect(out).toEqual([0, 1, 2]);
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
