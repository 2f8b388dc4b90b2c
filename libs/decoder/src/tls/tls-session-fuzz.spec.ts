import fc from 'fast-check';
import { tlsEvent } from '../event/tls-event';
import { TlsSession } from './tls-session';
import * as W from '../testing/tls-streams';

// Mutated and re-split corpus streams (HelloRetryRequest, pure SSLv2, CONNECT tunnel, an
// unknown suite's key exchange): a session never throws, whatever the bytes, and its
// event is always built.
const STREAMS: W.Chunk[][] = [W.HRR_STREAM, W.SSLV2_STREAM, W.CONNECT_STREAM, [['s', W.FAKE_SUITE_SKE]]];

function feed(chunks: [0 | 1, Uint8Array][]): TlsSession {
  const t = new TlsSession(true);
  chunks.forEach(([side, b], i) => t.data(side, b, 0, i));
  tlsEvent(t);
  return t;
}

describe('fuzz: TlsSession', () => {
  it('never throws on mutated corpus streams cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STREAMS.keys()),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (which, mutations, cuts) => {
          const chunks = STREAMS[which].map(([d, h]) => [d === 'c' ? 0 : 1, W.hexBytes(h)] as [0 | 1, Uint8Array]);
          for (const [at, value] of mutations) {
            const c = chunks[at % chunks.length][1];
            if (c.length > 0) c[at % c.length] = value;
          }
          const split: [0 | 1, Uint8Array][] = [];
          for (const [side, b] of chunks) {
            let o = 0;
            for (const cut of cuts.map((x) => x % (b.length + 1)).sort((x, y) => x - y)) {
              split.push([side, b.subarray(o, Math.max(o, cut))]);
              o = Math.max(o, cut);
            }
            split.push([side, b.subarray(o)]);
          }
          feed(split.filter(([, b]) => b.length > 0));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes after a valid start', () => {
    const ch = W.hexBytes(W.HRR_STREAM[0][1]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<0 | 1>(0, 1), fc.uint8Array({ minLength: 1, maxLength: 300 })), { maxLength: 10 }), (rest) => {
        feed([[0, ch], ...rest]);
      }),
      { numRuns: 300 },
    );
  });
});
