/**
 * pcapng timestamps are 64-bit counts of 1/units seconds (if_tsresol). Splitting into
 * (seconds, nanoseconds) is done with exact 16-bit long division so no BigInt is
 * allocated per packet and nothing is lost above 2^53.
 */
export interface TsResolution {
  /** Units per second: 10^n or 2^n. */
  unitsPerSecond: number;
}

export const DEFAULT_RESOLUTION: TsResolution = { unitsPerSecond: 1e6 };

/** Decode the if_tsresol option byte (MSB clear: 10^-v; set: 2^-v). */
export function resolutionFromOption(v: number): TsResolution | null {
  const exp = v & 0x7f;
  const units = v & 0x80 ? 2 ** exp : 10 ** exp;
  // Beyond ~2^40 units/s the division below loses exactness; no real capture uses that.
  if (units < 1 || units > 2 ** 40) return null;
  return { unitsPerSecond: units };
}

/** Writes seconds and nanoseconds into out[0], out[1]. */
export function splitTimestamp(high: number, low: number, res: TsResolution, out: [number, number]): void {
  const d = res.unitsPerSecond;
  if (d <= 2 ** 21) {
    // high*2^32 + low as exact long division by d (every partial stays below 2^53).
    const qh = Math.floor(high / d);
    const rh = high - qh * d;
    const t1 = rh * 65536 + (low >>> 16);
    const q1 = Math.floor(t1 / d);
    const r1 = t1 - q1 * d;
    const t2 = r1 * 65536 + (low & 0xffff);
    const q2 = Math.floor(t2 / d);
    const r2 = t2 - q2 * d;
    out[0] = qh * 4294967296 + q1 * 65536 + q2;
    out[1] = Math.floor((r2 * 1e9) / d);
    return;
  }
  // Fine resolutions (ns, ps...): BigInt is exact; these captures are rarer.
  const v = (BigInt(high) << 32n) | BigInt(low);
  const big = BigInt(d);
  out[0] = Number(v / big);
  out[1] = Number(((v % big) * 1_000_000_000n) / big);
}
