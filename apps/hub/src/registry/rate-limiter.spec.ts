import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then the sustained rate', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(5, 2, () => now);
    const taken = () => Array.from({ length: 10 }, () => rl.take()).filter(Boolean).length;
    expect(taken()).toBe(5);
    now += 500; // one token back at 2/s
    expect(taken()).toBe(1);
    now += 250; // half a token: not enough
    expect(rl.take()).toBe(false);
    now += 250;
    expect(rl.take()).toBe(true);
  });

  it('never refills past the burst, however long it was idle', () => {
    let now = 0;
    const rl = new RateLimiter(3, 100, () => now);
    now += 3_600_000;
    expect(Array.from({ length: 10 }, () => rl.take()).filter(Boolean).length).toBe(3);
  });

  it('ignores a clock that goes back', () => {
    let now = 10_000;
    const rl = new RateLimiter(1, 1, () => now);
    expect(rl.take()).toBe(true);
    now = 0;
    expect(rl.take()).toBe(false);
    now = 11_000;
    expect(rl.take()).toBe(true);
  });
});
