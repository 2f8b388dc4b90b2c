import fc from 'fast-check';
import { HandshakeAssembler } from './handshake-assembler';
import { FRAGMENTED_SKE_SHD, hexBytes } from '../testing/tls-streams';

function collect(max = 1000) {
  const messages: [number, number[]][] = [];
  const oversized: [number, number][] = [];
  const a = new HandshakeAssembler({ message: (t, b) => messages.push([t, Array.from(b)]), oversized: (t, n) => oversized.push([t, n]) }, max);
  return { a, messages, oversized };
}

// zeek/tls-fragmented-handshake.pcap: the handshake bytes of its ServerKeyExchange record
// (secp256r1, a 329-byte body) and ServerHelloDone record, record headers removed.
const RECORDS = hexBytes(FRAGMENTED_SKE_SHD);
const SKE_SHD = new Uint8Array([...RECORDS.subarray(5, 5 + 333), ...RECORDS.subarray(5 + 333 + 5)]);

describe('HandshakeAssembler', () => {
  it('splits a record holding several messages, and joins one split at any byte, header included', () => {
    for (let cut = 0; cut <= SKE_SHD.length; cut++) {
      const { a, messages } = collect();
      a.push(SKE_SHD.subarray(0, cut));
      a.push(SKE_SHD.subarray(cut));
      expect(messages.map(([t, b]) => [t, b.length])).toEqual([[12, 329], [14, 0]]);
      expect(messages[0][1].slice(0, 3)).toEqual([3, 0x00, 0x17]);
    }
  });

  it('skips a message over the cap across records, and reads the next one', () => {
    const { a, messages, oversized } = collect(100);
    const big = new Uint8Array(4 + 250);
    big.set([11, 0, 0, 250]);
    a.push(big.subarray(0, 2)); // header split too
    a.push(big.subarray(2, 120));
    a.push(big.subarray(120));
    a.push(SKE_SHD.subarray(-4));
    expect(oversized).toEqual([[11, 250]]);
    expect(messages).toEqual([[14, []]]);
  });

  it('gives the same messages however the bytes are split (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: SKE_SHD.length }), { maxLength: 8 }), (cuts) => {
        const { a, messages } = collect();
        let o = 0;
        for (const c of [...cuts].sort((x, y) => x - y)) {
          a.push(SKE_SHD.subarray(o, Math.max(o, c)));
          o = Math.max(o, c);
        }
        a.push(SKE_SHD.subarray(o));
        expect(messages.map(([t]) => t)).toEqual([12, 14]);
      }),
    );
  });

  // Issue 13: 15 bytes of TLS (a handshake header claiming 262,140 bytes) cost ~256 kB each.
  it('holds what arrived of a message, not what its header claims', () => {
    const { a, messages } = collect(300_000);
    a.push(Uint8Array.of(1, 0x03, 0xff, 0xfc, 1, 2, 3, 4, 5, 6));
    expect(a.heldBytes).toBeLessThanOrEqual(256);
    const rest = new Uint8Array(262140 - 6);
    for (let o = 0; o < rest.length; o += 16384) a.push(rest.subarray(o, Math.min(rest.length, o + 16384)));
    expect(messages).toHaveLength(1);
    expect(messages[0][1]).toHaveLength(262140);
    expect(a.heldBytes).toBe(0);
  });
});
