import type { Clock } from '../config/tokens';

/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. One per connection,
 * consulted before a message is parsed, so a flood costs a subtraction per frame.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private readonly burst: number, private readonly perSecond: number, private readonly clock: Clock = Date.now) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Take one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock();
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
