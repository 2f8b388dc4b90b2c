/**
 * Waits between attempts to reach a hub: exponential from `minMs`, doubling up to `maxMs`,
 * with full jitter (a random wait from 0 to the current ceiling), so a fleet of agents
 * that lost their hub at the same moment does not come back at the same moment.
 */
export class Backoff {
  private attempt = 0;

  constructor(readonly minMs = 500, readonly maxMs = 30_000, private readonly random: () => number = Math.random) {}

  /** The ceiling of the next wait, before jitter. */
  get ceilingMs(): number {
    return Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
  }

  /** The wait before the next attempt; each call doubles the ceiling (up to maxMs). */
  next(): number {
    const ceiling = this.ceilingMs;
    if (ceiling < this.maxMs) this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  /** After a refusal that will not fix itself (bad token, refused agent id): the long wait, half of it fixed, half jitter. */
  long(): number {
    this.attempt = Math.ceil(Math.log2(this.maxMs / this.minMs));
    return Math.floor(this.maxMs / 2 + (this.random() * this.maxMs) / 2);
  }

  /** A hub welcomed us: the next failure starts again from the shortest wait. */
  reset(): void {
    this.attempt = 0;
  }
}
