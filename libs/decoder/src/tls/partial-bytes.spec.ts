import fc from 'fast-check';
import { grownFor } from '../bytes';
import { HandshakeAssembler } from './handshake-assembler';
import { countedFirst, countedGrown, firstPart, grownTo } from './partial-bytes';
import { RecordStream } from './record-stream';

describe('partial-bytes', () => {
  it('counts, part after part, the length grownFor gives, and holds every byte (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 70_000 }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 30 }), (size, parts) => {
        const whole = Uint8Array.from({ length: size }, (_, i) => i * 7);
        let have = Math.min(parts[0], size - 1);
        let grown = grownFor(null, 0, have, size);
        let buf = firstPart(whole, 0, have);
        let counted = countedFirst(have, size);
        expect(buf.length).toBe(have);
        expect(counted).toBe(grown.length);
        for (const n of parts.slice(1)) {
          const need = Math.min(size, have + n);
          grown = grownFor(grown, have, need, size);
          counted = countedGrown(counted, need, size);
          buf = grownTo(buf, have, need, counted);
          buf.set(whole.subarray(have, need), have);
          have = need;
          expect(counted).toBe(grown.length);
          expect(buf.length).toBeGreaterThanOrEqual(have);
          expect(Array.from(buf.subarray(0, have))).toEqual(Array.from(whole.subarray(0, have)));
        }
      }),
    );
  });

  it('a record header claiming 18 kB and 10 bytes of it: 15 bytes kept, 256 counted', () => {
    const s = new RecordStream({ record: () => undefined, sslv2: () => undefined, malformed: () => undefined });
    s.push(Uint8Array.from([0x16, 3, 1, 0x48, 0x00, ...new Array(10).fill(1)]));
    expect(s['partial']?.length).toBe(15);
    expect(s.heldBytes).toBe(256);
  });

  it('a handshake header claiming 256 kB and 6 bytes of it: 10 bytes kept, 256 counted', () => {
    const a = new HandshakeAssembler({ message: () => undefined, oversized: () => undefined }, 256 * 1024);
    a.push(Uint8Array.from([1, 3, 0xff, 0xfc, 1, 2, 3, 4, 5, 6]));
    expect(a['partial']?.length).toBe(10);
    expect(a.heldBytes).toBe(256);
  });
});
