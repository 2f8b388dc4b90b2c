import fc from 'fast-check';
import { formatIp, formatIpv4 } from './address';

describe('formatIpv4 (remembered per address)', () => {
  const dotted = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

  it('is the dotted decimal of the four bytes, for addresses that repeat, share a cache slot or sit at an offset', () => {
    // A small pool, so addresses come back (hits) and collide in the cache's 256 slots.
    const pool = fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 600 });
    fc.assert(
      fc.property(pool, fc.array(fc.nat(), { maxLength: 2000 }), fc.nat(3), (addrs, picks, offset) => {
        for (const i of [...picks, ...picks.map((p) => p + 1)]) {
          const b = new Uint8Array(offset + 4);
          b.set(addrs[i % addrs.length], offset);
          expect(formatIpv4(b, offset)).toBe(dotted(b, offset));
          expect(formatIp(b, offset, 4)).toBe(dotted(b, offset));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keys on every byte: addresses one bit apart, 0.0.0.0 and 255.255.255.255', () => {
    const seen = ['0.0.0.0', '255.255.255.255', '10.77.0.1', '10.77.0.2', '11.77.0.1', '10.76.0.1', '10.77.1.1', '128.0.0.0', '0.0.0.128'];
    for (let round = 0; round < 2; round++) {
      for (const text of seen) expect(formatIpv4(Uint8Array.from(text.split('.').map(Number)), 0)).toBe(text);
    }
  });

  it('writes what a short buffer holds, as before', () => {
    expect(formatIpv4(Uint8Array.from([1, 2, 3]), 0)).toBe('1.2.3.undefined');
  });
});
