import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles its ceiling from 0.5 s to the maximum, with full jitter', () => {
    const b = new Backoff(500, 30_000, () => 0.999999);
    const waits = Array.from({ length: 10 }, () => b.next());
    expect(waits).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999]);
    const low = new Backoff(500, 30_000, () => 0);
    expect(Array.from({ length: 5 }, () => low.next())).toEqual([0, 0, 0, 0, 0]);
  });

  it('jitter spreads the waits over [0, ceiling)', () => {
    const b = new Backoff(1000, 1000);
    const waits = Array.from({ length: 200 }, () => b.next());
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThan(1000);
    expect(new Set(waits).size).toBeGreaterThan(50);
  });

  it('starts again from the shortest after reset (a hub welcomed us)', () => {
    const b = new Backoff(500, 30_000, () => 0.999999);
    for (let i = 0; i < 5; i++) b.next();
    b.reset();
    expect(b.next()).toBe(499);
  });

  it('the long wait (a refusal that will not fix itself) is between half the maximum and the maximum, and what follows stays long', () => {
    const b = new Backoff(500, 30_000, () => 0);
    expect(b.long()).toBe(15_000);
    expect(new Backoff(500, 30_000, () => 0.999999).long()).toBe(29_999);
    expect(b.ceilingMs).toBe(30_000);
  });
});
