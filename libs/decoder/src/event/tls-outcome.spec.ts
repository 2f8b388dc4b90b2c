import type { TlsSession } from '../tls/tls-session';
import { tlsHandshakeSeconds } from './tls-outcome';

/** What tlsHandshakeSeconds reads of an established session from `start` to `end` (sec, nsec). */
function session(start: [number, number], end: [number, number]): TlsSession {
  return { established: true, startSec: start[0], startNsec: start[1], endSec: end[0], endNsec: end[1] } as unknown as TlsSession;
}

describe('tlsHandshakeSeconds', () => {
  it('Client Hello to the last Finished', () => {
    expect(tlsHandshakeSeconds(session([100, 500_000_000], [101, 250_000_000]))).toBe(0.75);
  });

  // Issue 13, found by the capture fuzzer: a damaged timestamp put the Finished before the
  // Client Hello, and the agent summed -0.99 s into its histogram (a sum going down reads as
  // a counter reset to Prometheus).
  it('measures nothing when the Finished is stamped before the Client Hello', () => {
    expect(tlsHandshakeSeconds(session([100, 500_000_000], [99, 510_000_000]))).toBeUndefined();
    expect(tlsHandshakeSeconds(session([100, 0], [100, 0]))).toBe(0);
  });
});
