// Capture time as two numbers (seconds, nanoseconds): the helpers every layer that keeps
// time shares (capture/ stamps packets, tcp/ times handshakes and idleness).

/** Nanoseconds from a to b (exact for any realistic capture span). */
export function nsBetween(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1e9 + (bNsec - aNsec);
}
